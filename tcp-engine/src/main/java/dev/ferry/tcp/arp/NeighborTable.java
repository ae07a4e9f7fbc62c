package dev.ferry.tcp.arp;

/**
 * IPv4 address to MAC address, for addressing replies and connections on the local link.
 *
 * <p>Open addressing with linear probing over primitive arrays, so lookups and updates allocate
 * nothing and never box; deletion shifts the rest of a probe run back (no tombstones). An entry is
 * either <em>resolved</em> (a MAC, valid until {@code nowNs} passes its expiry) or
 * <em>incomplete</em> (a request was sent at some time and no answer came yet), which is how
 * requests are rate-limited per address.
 *
 * <p>The table never grows. A new address takes the slot of an expired entry on its probe run when
 * there is one. When {@code maxEntries} are held, the table sweeps out expired entries itself, but
 * at most once per 1/16 of the lifetime so that a flood of new addresses cannot make every insert
 * cost a full scan; an address that still finds no room is refused and counted ({@link
 * #rejectedFull()}). The owner may also call {@link #sweep} from a timer. Time is passed in; the
 * table has no clock. Confined to one shard thread.
 */
public final class NeighborTable {
    /** {@link #lookup} of an address with no fresh resolved entry. */
    public static final long UNKNOWN = -1L;

    private static final int EMPTY = 0; // 0.0.0.0 is never a neighbor, so it marks a free slot
    private static final long INCOMPLETE = -1L;

    private final int[] keys;
    private final long[] macs;
    /** Resolved: the instant the entry expires. Incomplete: the instant the last request left. */
    private final long[] timesNs;

    private final int mask;
    private final int maxEntries;
    private final long lifetimeNs;
    private int size;
    private long rejectedFull;
    private long lastFullSweepNs;
    private boolean sweptWhenFull;

    /**
     * @param maxEntries entries held at most (the arrays get at least twice as many slots)
     * @param lifetimeNs how long a learned MAC is trusted without being seen again; an incomplete
     *     entry is forgotten this long after its last request
     */
    public NeighborTable(int maxEntries, long lifetimeNs) {
        if (maxEntries < 1 || maxEntries > 1 << 28) {
            throw new IllegalArgumentException("maxEntries out of 1..2^28: " + maxEntries);
        }
        if (lifetimeNs <= 0) {
            throw new IllegalArgumentException("lifetimeNs must be positive: " + lifetimeNs);
        }
        int slots = Integer.highestOneBit(maxEntries * 2 - 1) << 1;
        this.keys = new int[slots];
        this.macs = new long[slots];
        this.timesNs = new long[slots];
        this.mask = slots - 1;
        this.maxEntries = maxEntries;
        this.lifetimeNs = lifetimeNs;
    }

    /**
     * The MAC of {@code ipv4} if it is resolved and fresh at {@code nowNs}, else {@link #UNKNOWN}.
     */
    public long lookup(int ipv4, long nowNs) {
        int slot = find(ipv4);
        if (slot < 0 || macs[slot] == INCOMPLETE || nowNs - timesNs[slot] >= 0) {
            return UNKNOWN;
        }
        return macs[slot];
    }

    /**
     * Records that {@code ipv4} is at {@code mac} as of {@code nowNs}, adding the address if it is
     * new. Returns false when the address was new and the table full (counted), or was 0.0.0.0.
     */
    public boolean learn(int ipv4, long mac, long nowNs) {
        if (ipv4 == EMPTY) {
            return false;
        }
        int slot = find(ipv4);
        if (slot < 0) {
            slot = claimSlot(ipv4, nowNs);
            if (slot < 0) {
                return false;
            }
        }
        macs[slot] = mac & 0xffff_ffff_ffffL;
        timesNs[slot] = nowNs + lifetimeNs;
        return true;
    }

    /**
     * Refreshes {@code ipv4} to {@code mac} only if the table already holds the address (resolved
     * or incomplete); returns whether it did. This is RFC 826's merge step: a host updates what it
     * knows from any ARP packet but adds new entries only when the packet was meant for it.
     */
    public boolean update(int ipv4, long mac, long nowNs) {
        int slot = find(ipv4);
        if (slot < 0) {
            return false;
        }
        macs[slot] = mac & 0xffff_ffff_ffffL;
        timesNs[slot] = nowNs + lifetimeNs;
        return true;
    }

    /**
     * Whether a request for {@code ipv4} may be sent at {@code nowNs}: not when it is resolved, nor
     * within {@code minIntervalNs} of the previous request. When it returns true the request is
     * recorded (an incomplete entry), so the next call within the interval returns false. Also
     * false when the table has no room to remember the request (counted in {@link
     * #rejectedFull()}): without a record there would be no rate limit.
     */
    public boolean claimRequest(int ipv4, long nowNs, long minIntervalNs) {
        if (ipv4 == EMPTY) {
            return false;
        }
        int slot = find(ipv4);
        if (slot >= 0) {
            if (macs[slot] != INCOMPLETE && nowNs - timesNs[slot] < 0) {
                return false; // resolved and fresh
            }
            if (macs[slot] == INCOMPLETE && nowNs - timesNs[slot] < minIntervalNs) {
                return false;
            }
        } else {
            slot = claimSlot(ipv4, nowNs);
            if (slot < 0) {
                return false;
            }
        }
        macs[slot] = INCOMPLETE;
        timesNs[slot] = nowNs;
        return true;
    }

    /** Forgets {@code ipv4}; returns whether it was held. */
    public boolean remove(int ipv4) {
        int slot = find(ipv4);
        if (slot < 0) {
            return false;
        }
        delete(slot);
        return true;
    }

    /** Removes every entry expired at {@code nowNs} and returns how many. O(slots). */
    public int sweep(long nowNs) {
        int removed = 0;
        int slot = 0;
        while (slot <= mask) {
            if (keys[slot] != EMPTY && expired(slot, nowNs)) {
                delete(slot); // an entry may shift into this slot: look at it again
                removed++;
            } else {
                slot++;
            }
        }
        return removed;
    }

    /** Entries held, resolved or incomplete, fresh or expired. */
    public int size() {
        return size;
    }

    /** New addresses refused because the table was full. */
    public long rejectedFull() {
        return rejectedFull;
    }

    private boolean expired(int slot, long nowNs) {
        return macs[slot] == INCOMPLETE ? nowNs - timesNs[slot] >= lifetimeNs : nowNs - timesNs[slot] >= 0;
    }

    private static int hash(int ipv4) {
        int h = ipv4 * 0x9E3779B9; // Fibonacci hashing spreads consecutive addresses
        return h ^ (h >>> 16);
    }

    private int find(int ipv4) {
        for (int slot = hash(ipv4) & mask; ; slot = (slot + 1) & mask) {
            int key = keys[slot];
            if (key == ipv4) {
                return slot;
            }
            if (key == EMPTY) {
                return -1;
            }
        }
    }

    /** A slot for an address known to be absent: an expired entry on its run, or the run's end. */
    private int claimSlot(int ipv4, long nowNs) {
        int slot = hash(ipv4) & mask;
        while (keys[slot] != EMPTY) {
            if (expired(slot, nowNs)) {
                keys[slot] = ipv4; // the run stays unbroken: the slot was occupied and still is
                return slot;
            }
            slot = (slot + 1) & mask;
        }
        if (size == maxEntries) {
            if (sweptWhenFull && nowNs - lastFullSweepNs < lifetimeNs / 16 || sweep(nowNs) == 0) {
                sweptWhenFull = true;
                lastFullSweepNs = nowNs;
                rejectedFull++;
                return -1;
            }
            sweptWhenFull = true;
            lastFullSweepNs = nowNs;
            return claimSlot(ipv4, nowNs); // the sweep moved entries: probe again, once
        }
        keys[slot] = ipv4;
        size++;
        return slot;
    }

    /**
     * Empties {@code slot} and moves later entries of the run back into holes they may occupy, so
     * that every entry stays reachable from its home slot without tombstones.
     */
    private void delete(int slot) {
        int hole = slot;
        for (int next = (hole + 1) & mask; keys[next] != EMPTY; next = (next + 1) & mask) {
            int home = hash(keys[next]) & mask;
            // The entry at next may fill the hole unless its home lies cyclically in (hole, next].
            boolean homeBetween = hole <= next ? hole < home && home <= next : hole < home || home <= next;
            if (!homeBetween) {
                keys[hole] = keys[next];
                macs[hole] = macs[next];
                timesNs[hole] = timesNs[next];
                hole = next;
            }
        }
        keys[hole] = EMPTY;
        size--;
    }
}
