package dev.ferry.tcp.flow;

import java.util.Arrays;

/**
 * Where a SYN for no known flow goes: (local address, local port) to a listener id, where a
 * listener bound to the exact address beats one bound to the wildcard (every local address, IPv4
 * and IPv6) on the same port, as with sockets.
 *
 * <p>A small open-addressed table over primitive arrays, at most half full; a lookup is two hash
 * lookups (exact key, then wildcard key) and allocates nothing. The hash is not keyed: unlike flows, the keys stored
 * here are chosen by the operator, not by peers, so a peer can at worst make a lookup walk one run
 * of this small, half-empty table. Binding and unbinding are configuration changes and may
 * allocate.
 *
 * <p>Not thread-safe: confined to its shard's thread (policy changes arrive through the shard's
 * command queue).
 */
public final class ListenerTable {
    /** What {@link #find} returns when no listener matches. */
    public static final int NONE = -1;

    private static final int WILDCARD = 1 << 16;
    private static final int EMPTY = -1;
    private static final int MIN_SLOTS = 8;

    /** Per slot: address hi, address lo (zero for the wildcard). */
    private long[] addresses;
    /** Per slot: the port, plus WILDCARD for wildcard bindings; EMPTY when free. */
    private int[] portKeys;

    private int[] ids;
    private int mask;
    private int size;

    public ListenerTable() {
        allocate(MIN_SLOTS);
    }

    /**
     * Binds {@code listenerId} to the exact local address and port, unless something is bound there.
     *
     * @return {@link #NONE} when bound, else the listener already bound (left unchanged)
     */
    public int bind(long addressHi, long addressLo, int port, int listenerId) {
        return put(addressHi, addressLo, checkedPort(port), listenerId);
    }

    /** Binds {@code listenerId} to the port on every local address; returns as {@link #bind}. */
    public int bindWildcard(int port, int listenerId) {
        return put(0, 0, checkedPort(port) | WILDCARD, listenerId);
    }

    /** Removes the exact binding; false if there was none. */
    public boolean unbind(long addressHi, long addressLo, int port) {
        return delete(addressHi, addressLo, checkedPort(port));
    }

    /** Removes the wildcard binding of the port; false if there was none. */
    public boolean unbindWildcard(int port) {
        return delete(0, 0, checkedPort(port) | WILDCARD);
    }

    /** The listener for a SYN to this local address and port: exact, else wildcard, else {@link #NONE}. */
    public int find(long addressHi, long addressLo, int port) {
        int portKey = port & 0xFFFF;
        int slot = slotOf(addressHi, addressLo, portKey);
        if (slot < 0) {
            slot = slotOf(0, 0, portKey | WILDCARD);
        }
        return slot < 0 ? NONE : ids[slot];
    }

    /** Bindings held, exact and wildcard. */
    public int size() {
        return size;
    }

    private static int checkedPort(int port) {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("not a port: " + port);
        }
        return port;
    }

    private int put(long hi, long lo, int portKey, int listenerId) {
        if (listenerId < 0) {
            throw new IllegalArgumentException("negative listener id " + listenerId);
        }
        int existing = slotOf(hi, lo, portKey);
        if (existing >= 0) {
            return ids[existing];
        }
        if (2 * (size + 1) > portKeys.length) {
            rehash(2 * portKeys.length);
        }
        place(hi, lo, portKey, listenerId);
        size++;
        return NONE;
    }

    private boolean delete(long hi, long lo, int portKey) {
        if (slotOf(hi, lo, portKey) < 0) {
            return false;
        }
        // Configuration path: rebuild without the entry rather than shift runs around.
        long[] oldAddresses = addresses;
        int[] oldPortKeys = portKeys;
        int[] oldIds = ids;
        allocate(oldPortKeys.length);
        size--;
        for (int slot = 0; slot < oldPortKeys.length; slot++) {
            int key = oldPortKeys[slot];
            long entryHi = oldAddresses[2 * slot];
            long entryLo = oldAddresses[2 * slot + 1];
            if (key != EMPTY && !(key == portKey && entryHi == hi && entryLo == lo)) {
                place(entryHi, entryLo, key, oldIds[slot]);
            }
        }
        return true;
    }

    private int slotOf(long hi, long lo, int portKey) {
        for (int slot = home(hi, lo, portKey); ; slot = (slot + 1) & mask) {
            int key = portKeys[slot];
            if (key == EMPTY) {
                return -1;
            }
            if (key == portKey && addresses[2 * slot] == hi && addresses[2 * slot + 1] == lo) {
                return slot;
            }
        }
    }

    private void place(long hi, long lo, int portKey, int listenerId) {
        int slot = home(hi, lo, portKey);
        while (portKeys[slot] != EMPTY) {
            slot = (slot + 1) & mask;
        }
        portKeys[slot] = portKey;
        addresses[2 * slot] = hi;
        addresses[2 * slot + 1] = lo;
        ids[slot] = listenerId;
    }

    private int home(long hi, long lo, int portKey) {
        // A multiply-xorshift mix (the finaliser of MurmurHash3) over all three parts.
        long h = hi * 0x9E37_79B9_7F4A_7C15L ^ lo * 0xC2B2_AE3D_27D4_EB4FL ^ portKey;
        h ^= h >>> 33;
        h *= 0xFF51_AFD7_ED55_8CCDL;
        h ^= h >>> 33;
        return (int) h & mask;
    }

    private void allocate(int slots) {
        addresses = new long[2 * slots];
        portKeys = new int[slots];
        Arrays.fill(portKeys, EMPTY);
        ids = new int[slots];
        mask = slots - 1;
    }

    private void rehash(int slots) {
        long[] oldAddresses = addresses;
        int[] oldPortKeys = portKeys;
        int[] oldIds = ids;
        allocate(slots);
        for (int slot = 0; slot < oldPortKeys.length; slot++) {
            if (oldPortKeys[slot] != EMPTY) {
                place(oldAddresses[2 * slot], oldAddresses[2 * slot + 1], oldPortKeys[slot], oldIds[slot]);
            }
        }
    }
}
