package dev.ferry.tcp.flow;

import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The shard's connection lookup: flow key (local address index, remote address, both ports) to
 * the flow's int id, with no boxing and no allocation except when it grows. The keys themselves
 * live once, in the {@link FlowRecords}; this table is only an index over them.
 *
 * <p>Open addressing with linear probing over one {@code long[]}: a slot holds the key's 32-bit
 * hash (the tag; 0 marks an empty slot, so an empty slot is the long 0) and the flow's id. A probe
 * compares tags in that dense array, eight slots per cache line, and reads the record's key words
 * only when the tag matches, so a lookup touches one slot line and one record line. Growth and
 * deletion reuse the tags instead of hashing again. Deletion shifts the following entries back (no
 * tombstones), so lookups never slow down with churn. The table doubles when it is {@value
 * #MAX_LOAD_PERCENT}% full.
 *
 * <p>Flows are chosen by peers, some hostile: the hash is keyed ({@link FlowHash}), so a peer who
 * cannot learn the key cannot aim many flows at one probe sequence (hash flooding). As a second
 * line, a probe sequence longer than {@value #LONG_RUN} slots — practically impossible for keys the
 * hash scatters (below 10^-16 per lookup at the maximum load) — marks the table, and the next
 * insert draws a new key and rebuilds the table from the records ({@link #rekeys()} counts it).
 *
 * <p>Memory: {@value #BYTES_PER_SLOT} bytes per slot, so 10.7 to 21.3 bytes per flow between
 * growths.
 *
 * <p>Not thread-safe: a table is confined to its shard's thread.
 */
public final class FlowTable {
    /** What {@link #find} returns for an absent flow, and {@link #insert} for a new one. */
    public static final int NOT_FOUND = -1;
    /** The table grows when more than this share of its slots is used. */
    public static final int MAX_LOAD_PERCENT = 75;
    /** Bytes per slot: a tag and an id. */
    public static final int BYTES_PER_SLOT = Long.BYTES;
    /** A probe sequence longer than this marks the table for re-keying. */
    public static final int LONG_RUN = 1024;

    private static final int MIN_SLOTS = 16;
    private static final int MAX_SLOTS = 1 << 30;
    private static final long EMPTY = 0;

    /** The keyed hash of a flow key; 32 bits in the low half of the result. */
    @FunctionalInterface
    public interface TupleHash {
        long hash(long remoteHi, long remoteLo, long portsAndLocal);
    }

    private final FlowRecords<?> records;
    private final Supplier<TupleHash> newKey;
    private final int longRun;
    private TupleHash hash;
    /** tag in the high half, id in the low half; 0 when empty. */
    private long[] slots;

    private int mask;
    private int size;
    private int growAt;
    private boolean rekeyWanted;
    private int rekeys;

    /**
     * @param records       where the keys of the ids live
     * @param random        source of the hash keys: must be unpredictable to peers (SecureRandom or a
     *                      generator seeded from one); tests pass a seeded generator
     * @param expectedFlows flows to hold without growing
     */
    public FlowTable(FlowRecords<?> records, RandomGenerator random, int expectedFlows) {
        this(records, () -> new FlowHash(random), expectedFlows, LONG_RUN);
    }

    /** Tests choose the hash (e.g. a degenerate one) and the run length that triggers re-keying. */
    FlowTable(FlowRecords<?> records, Supplier<TupleHash> newKey, int expectedFlows, int longRun) {
        this.records = records;
        this.newKey = newKey;
        this.longRun = longRun;
        this.hash = newKey.get();
        long wanted = Math.max(MIN_SLOTS, (long) expectedFlows * 100 / MAX_LOAD_PERCENT + 1);
        if (wanted > MAX_SLOTS) {
            throw new IllegalArgumentException("too many flows: " + expectedFlows);
        }
        allocate(Integer.highestOneBit((int) wanted - 1) << 1);
    }

    /**
     * The id of the flow, or {@link #NOT_FOUND}.
     *
     * @param portsAndLocal the key's third word, {@link FlowRecords#portsAndLocal}
     */
    public int find(long remoteHi, long remoteLo, long portsAndLocal) {
        int tag = tag(remoteHi, remoteLo, portsAndLocal);
        long[] s = slots;
        int m = mask;
        for (int slot = tag & m, probes = 0; ; slot = (slot + 1) & m, probes++) {
            long entry = s[slot];
            if (entry == EMPTY) {
                noteProbes(probes);
                return NOT_FOUND;
            }
            if ((int) (entry >>> 32) == tag && records.keyEquals((int) entry, remoteHi, remoteLo, portsAndLocal)) {
                noteProbes(probes);
                return (int) entry;
            }
        }
    }

    /** {@link #find(long, long, long)} with the key in parts; ports count by their low 16 bits. */
    public int find(int localIndex, long remoteHi, long remoteLo, int localPort, int remotePort) {
        return find(remoteHi, remoteLo, FlowRecords.portsAndLocal(localIndex, localPort, remotePort));
    }

    /**
     * Indexes the flow held under {@code id} in the records, unless a flow with the same key is
     * already indexed.
     *
     * @return {@link #NOT_FOUND} when inserted, else the id already indexed for that key (the table
     *     is unchanged)
     */
    public int insert(int id) {
        if (!records.contains(id)) {
            throw new IllegalArgumentException("flow id " + id + " holds no flow");
        }
        long remoteHi = records.remoteHi(id);
        long remoteLo = records.remoteLo(id);
        long key = records.portsAndLocal(id);
        int existing = find(remoteHi, remoteLo, key);
        if (existing != NOT_FOUND) {
            return existing;
        }
        if (rekeyWanted) {
            rebuild(slots.length, newKey.get());
            rekeys++;
        }
        if (size >= growAt) {
            grow();
        }
        place((long) tag(remoteHi, remoteLo, key) << 32 | (id & 0xFFFF_FFFFL));
        size++;
        return NOT_FOUND;
    }

    /** Removes the flow {@code id} from the index (its record must still hold its key); false if absent. */
    public boolean remove(int id) {
        if (!records.contains(id)) {
            return false;
        }
        int tag = tag(records.remoteHi(id), records.remoteLo(id), records.portsAndLocal(id));
        long wanted = (long) tag << 32 | (id & 0xFFFF_FFFFL);
        int hole = tag & mask;
        for (int probes = 0; slots[hole] != wanted; hole = (hole + 1) & mask, probes++) {
            if (slots[hole] == EMPTY) {
                noteProbes(probes);
                return false;
            }
        }
        // Backward-shift deletion: pull each later entry of the run into the hole unless its home
        // slot lies after the hole (cyclically), where a lookup would no longer pass the hole.
        for (int next = (hole + 1) & mask; slots[next] != EMPTY; next = (next + 1) & mask) {
            int home = (int) (slots[next] >>> 32) & mask;
            if (((next - home) & mask) >= ((next - hole) & mask)) {
                slots[hole] = slots[next];
                hole = next;
            }
        }
        slots[hole] = EMPTY;
        size--;
        return true;
    }

    /** Flows indexed. */
    public int size() {
        return size;
    }

    /** Slots allocated (a power of two). */
    public int slots() {
        return slots.length;
    }

    /** Heap bytes held by this table's array. */
    public long footprintBytes() {
        return (long) slots.length * BYTES_PER_SLOT;
    }

    /** How often a too-long probe sequence made the table draw a new hash key. */
    public int rekeys() {
        return rekeys;
    }

    /**
     * The sum over all flows of their distance from their home slot: 0 when every flow sits where it
     * hashes. Tests use it to show that crafted keys cluster no more than random ones.
     */
    long totalDisplacement() {
        long total = 0;
        for (int slot = 0; slot < slots.length; slot++) {
            if (slots[slot] != EMPTY) {
                total += (slot - ((int) (slots[slot] >>> 32) & mask)) & mask;
            }
        }
        return total;
    }

    private int tag(long remoteHi, long remoteLo, long portsAndLocal) {
        int h = (int) hash.hash(remoteHi, remoteLo, portsAndLocal);
        return h == 0 ? 1 : h;
    }

    private void noteProbes(int probes) {
        if (probes > longRun) {
            rekeyWanted = true;
        }
    }

    private void place(long entry) {
        int slot = (int) (entry >>> 32) & mask;
        while (slots[slot] != EMPTY) {
            slot = (slot + 1) & mask;
        }
        slots[slot] = entry;
    }

    private void allocate(int slotCount) {
        slots = new long[slotCount];
        mask = slotCount - 1;
        growAt = (int) ((long) slotCount * MAX_LOAD_PERCENT / 100);
    }

    private void grow() {
        if (slots.length >= MAX_SLOTS) {
            throw new IllegalStateException("flow table full at " + size + " flows");
        }
        long[] old = slots;
        allocate(old.length * 2);
        for (long entry : old) {
            if (entry != EMPTY) {
                place(entry);
            }
        }
    }

    /** Re-hashes every indexed flow under {@code newHash} from its record (the tags change). */
    private void rebuild(int slotCount, TupleHash newHash) {
        long[] old = slots;
        hash = newHash;
        allocate(slotCount);
        rekeyWanted = false;
        for (long entry : old) {
            if (entry != EMPTY) {
                int id = (int) entry;
                int tag = tag(records.remoteHi(id), records.remoteLo(id), records.portsAndLocal(id));
                place((long) tag << 32 | (id & 0xFFFF_FFFFL));
            }
        }
    }
}
