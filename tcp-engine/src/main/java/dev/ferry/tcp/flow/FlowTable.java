package dev.ferry.tcp.flow;

import dev.ferry.tcp.isn.SipHash;
import java.util.random.RandomGenerator;

/**
 * The shard's connection lookup: 4-tuple (local address, remote address, local port, remote port)
 * to the connection's int id, with no boxing and no allocation except when it grows.
 *
 * <p>Open addressing with linear probing over primitive arrays. Every slot has a 32-bit tag, the
 * key's hash (0 marks an empty slot), so a probe compares ints in one dense array and touches the
 * key words only when the tag matches; growth and deletion reuse the tags instead of hashing again.
 * The key words are interleaved, five {@code long}s per slot (local hi, local lo, remote hi, remote
 * lo, then ports in the high half and the id in the low half), so a match reads one or two cache
 * lines. Deletion shifts the following entries back (no tombstones), so lookups never slow down
 * with churn. The table doubles when it is {@value #MAX_LOAD_PERCENT}% full.
 *
 * <p>Flows are chosen by peers, some hostile: the hash is SipHash-1-3 under a 128-bit key drawn at
 * construction, so a peer who cannot learn the key cannot aim many flows at one probe sequence
 * (hash flooding).
 *
 * <p>Memory: {@value #BYTES_PER_SLOT} bytes per slot, so 59 to 117 bytes per flow between growths.
 *
 * <p>Not thread-safe: a table is confined to its shard's thread.
 */
public final class FlowTable {
    /** What {@link #find} returns for an absent flow, and {@link #insert} for a new one. */
    public static final int NOT_FOUND = -1;
    /** The table grows when more than this share of its slots is used. */
    public static final int MAX_LOAD_PERCENT = 75;
    /** Bytes per slot: the tag and five key words. */
    public static final int BYTES_PER_SLOT = Integer.BYTES + 5 * Long.BYTES;

    private static final int WORDS = 5;
    private static final int PORTS_AND_ID = 4;
    private static final int MIN_SLOTS = 16;
    // 5 words per slot must fit in one Java array.
    private static final int MAX_SLOTS = 1 << 28;
    private static final int EMPTY = 0;

    /** The keyed hash of a 4-tuple; tests substitute a degenerate one to force collisions. */
    @FunctionalInterface
    interface TupleHash {
        long hash(long localHi, long localLo, long remoteHi, long remoteLo, int ports);
    }

    private final TupleHash hash;
    private int[] tags;
    private long[] words;
    private int mask;
    private int size;
    private int growAt;

    /**
     * @param random        source of the hash key: must be unpredictable to peers (SecureRandom or a
     *                      generator seeded from one); tests pass a seeded generator
     * @param expectedFlows flows to hold without growing
     */
    public FlowTable(RandomGenerator random, int expectedFlows) {
        this(SipHash.keyedFrom(random)::hash13, expectedFlows);
    }

    FlowTable(TupleHash hash, int expectedFlows) {
        this.hash = hash;
        long wanted = Math.max(MIN_SLOTS, (long) expectedFlows * 100 / MAX_LOAD_PERCENT + 1);
        if (wanted > MAX_SLOTS) {
            throw new IllegalArgumentException("too many flows: " + expectedFlows);
        }
        allocate(Integer.highestOneBit((int) wanted - 1) << 1);
    }

    /** The id of the flow, or {@link #NOT_FOUND}. Ports count by their low 16 bits. */
    public int find(long localHi, long localLo, long remoteHi, long remoteLo, int localPort, int remotePort) {
        int ports = ports(localPort, remotePort);
        int tag = tag(localHi, localLo, remoteHi, remoteLo, ports);
        int slot = slotOf(tag, localHi, localLo, remoteHi, remoteLo, ports);
        return slot < 0 ? NOT_FOUND : (int) words[slot * WORDS + PORTS_AND_ID];
    }

    /**
     * Maps the flow to {@code id} unless it is already present.
     *
     * @return {@link #NOT_FOUND} when inserted, else the id already mapped (left unchanged)
     */
    public int insert(long localHi, long localLo, long remoteHi, long remoteLo, int localPort, int remotePort, int id) {
        if (id < 0) {
            throw new IllegalArgumentException("negative flow id " + id);
        }
        int ports = ports(localPort, remotePort);
        int tag = tag(localHi, localLo, remoteHi, remoteLo, ports);
        int existing = slotOf(tag, localHi, localLo, remoteHi, remoteLo, ports);
        if (existing >= 0) {
            return (int) words[existing * WORDS + PORTS_AND_ID];
        }
        if (size >= growAt) {
            grow();
        }
        int slot = tag & mask;
        while (tags[slot] != EMPTY) {
            slot = (slot + 1) & mask;
        }
        tags[slot] = tag;
        int base = slot * WORDS;
        words[base] = localHi;
        words[base + 1] = localLo;
        words[base + 2] = remoteHi;
        words[base + 3] = remoteLo;
        words[base + PORTS_AND_ID] = ((long) ports << 32) | (id & 0xFFFF_FFFFL);
        size++;
        return NOT_FOUND;
    }

    /** Removes the flow; false if it was absent. */
    public boolean remove(long localHi, long localLo, long remoteHi, long remoteLo, int localPort, int remotePort) {
        int ports = ports(localPort, remotePort);
        int tag = tag(localHi, localLo, remoteHi, remoteLo, ports);
        int hole = slotOf(tag, localHi, localLo, remoteHi, remoteLo, ports);
        if (hole < 0) {
            return false;
        }
        // Backward-shift deletion: pull each later entry of the run into the hole unless its home
        // slot lies after the hole (cyclically), where a lookup would no longer pass the hole.
        for (int next = (hole + 1) & mask; tags[next] != EMPTY; next = (next + 1) & mask) {
            int home = tags[next] & mask;
            if (((next - home) & mask) >= ((next - hole) & mask)) {
                tags[hole] = tags[next];
                System.arraycopy(words, next * WORDS, words, hole * WORDS, WORDS);
                hole = next;
            }
        }
        tags[hole] = EMPTY;
        size--;
        return true;
    }

    /** Flows held. */
    public int size() {
        return size;
    }

    /** Slots allocated (a power of two). */
    public int slots() {
        return tags.length;
    }

    /** Heap bytes held by this table's arrays. */
    public long footprintBytes() {
        return (long) tags.length * BYTES_PER_SLOT;
    }

    /**
     * The sum over all flows of their distance from their home slot: 0 when every flow sits where it
     * hashes. Tests use it to show that crafted keys cluster no more than random ones.
     */
    long totalDisplacement() {
        long total = 0;
        for (int slot = 0; slot < tags.length; slot++) {
            if (tags[slot] != EMPTY) {
                total += (slot - (tags[slot] & mask)) & mask;
            }
        }
        return total;
    }

    private static int ports(int localPort, int remotePort) {
        return ((localPort & 0xFFFF) << 16) | (remotePort & 0xFFFF);
    }

    private int tag(long localHi, long localLo, long remoteHi, long remoteLo, int ports) {
        int h = (int) hash.hash(localHi, localLo, remoteHi, remoteLo, ports);
        return h == EMPTY ? 1 : h;
    }

    private int slotOf(int tag, long localHi, long localLo, long remoteHi, long remoteLo, int ports) {
        for (int slot = tag & mask; ; slot = (slot + 1) & mask) {
            int t = tags[slot];
            if (t == EMPTY) {
                return -1;
            }
            if (t == tag) {
                int base = slot * WORDS;
                // The remote half varies most between flows: compare it first.
                if (words[base + 3] == remoteLo
                        && (int) (words[base + PORTS_AND_ID] >>> 32) == ports
                        && words[base + 2] == remoteHi
                        && words[base + 1] == localLo
                        && words[base] == localHi) {
                    return slot;
                }
            }
        }
    }

    private void allocate(int slots) {
        tags = new int[slots];
        words = new long[slots * WORDS];
        mask = slots - 1;
        growAt = (int) ((long) slots * MAX_LOAD_PERCENT / 100);
    }

    private void grow() {
        if (tags.length >= MAX_SLOTS) {
            throw new IllegalStateException("flow table full at " + size + " flows");
        }
        int[] oldTags = tags;
        long[] oldWords = words;
        allocate(oldTags.length * 2);
        for (int old = 0; old < oldTags.length; old++) {
            int tag = oldTags[old];
            if (tag != EMPTY) {
                int slot = tag & mask;
                while (tags[slot] != EMPTY) {
                    slot = (slot + 1) & mask;
                }
                tags[slot] = tag;
                System.arraycopy(oldWords, old * WORDS, words, slot * WORDS, WORDS);
            }
        }
    }
}
