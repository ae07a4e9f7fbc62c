package dev.ferry.tcp.flow;

import java.util.Arrays;
import java.util.Objects;

/**
 * Every flow a shard holds, by small int id: its key (local address, remote address and both
 * ports), the Ethernet address its frames go to, and the object that handles it (a connection, or
 * a compact TIME_WAIT entry). The flow table, the timing wheel and the stack refer to a flow by its
 * id; this is the one place its key is stored.
 *
 * <p>Records are laid out as structs in one {@code long[]}, {@value #WORDS} words per id, so that a
 * flow lookup that found the id in the {@link FlowTable} compares the key in one cache line:
 *
 * <pre>
 *  word 0  remote address, bytes 0..7    (0 for IPv4)
 *  word 1  remote address, bytes 8..15   (::ffff:a.b.c.d for IPv4, RFC 4291 2.5.5.2)
 *  word 2  local port (16) | remote port (16) | local address index (32)
 *  word 3  peer MAC (48 low bits), 0 while unknown
 * </pre>
 *
 * The local address is an index the caller assigns (the shard's own addresses are a handful, known
 * up front), so the 16 bytes of local address are not repeated in every record. While an id is
 * free, its word 0 links it into the stack of free ids: nothing else is needed to reuse ids, most
 * recently freed first (its record is the likeliest to be in cache), so ids stay dense below the
 * peak count.
 *
 * <p>Whoever removes a flow must first drop every other reference to its id (its flow-table entry,
 * its timer), because the id is handed out again.
 *
 * <p>Memory: {@value #WORDS} longs plus one reference per id of capacity, about {@value
 * #BYTES_PER_RECORD} bytes with compressed references. Not thread-safe: confined to its shard's
 * thread. Adding allocates only when the records grow.
 *
 * @param <T> the objects that handle flows
 */
public final class FlowRecords<T> {
    /** Longs per record. */
    public static final int WORDS = 4;
    /** Heap bytes per id of capacity: the words plus a compressed reference. */
    public static final int BYTES_PER_RECORD = WORDS * Long.BYTES + Integer.BYTES;

    static final int REMOTE_HI = 0;
    static final int REMOTE_LO = 1;
    static final int PORTS_AND_LOCAL = 2;
    static final int PEER_MAC = 3;

    private static final int NO_FREE_ID = -1;
    private static final int MIN_CAPACITY = 16;
    private static final long MAC_MASK = 0xFFFF_FFFF_FFFFL;

    /** Package-private so the flow table compares keys without a call per word. */
    long[] words;

    private Object[] values;
    private int freeHead = NO_FREE_ID;
    /** Ids at or above this have never been handed out. */
    private int highWater;

    private int size;

    /** @param initialCapacity ids handed out before the first growth */
    public FlowRecords(int initialCapacity) {
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("negative capacity " + initialCapacity);
        }
        int n = Math.max(MIN_CAPACITY, initialCapacity);
        words = new long[n * WORDS];
        values = new Object[n];
    }

    /**
     * The third key word of a flow: both ports (their low 16 bits) and the local address index.
     * {@link FlowTable} lookups take it in this form.
     */
    public static long portsAndLocal(int localIndex, int localPort, int remotePort) {
        return (long) (localPort & 0xFFFF) << 48 | (long) (remotePort & 0xFFFF) << 32 | (localIndex & 0xFFFF_FFFFL);
    }

    /**
     * Stores a flow under a free id and returns the id. The flow table does not see it until
     * {@link FlowTable#insert} is called with the id.
     *
     * @param localIndex the caller's index of the local address, 0 or more
     * @param peerMac    where the flow's frames go (low 48 bits), or 0 while unknown
     */
    public int add(T value, int localIndex, long remoteHi, long remoteLo, int localPort, int remotePort, long peerMac) {
        Objects.requireNonNull(value, "value");
        if (localIndex < 0) {
            throw new IllegalArgumentException("negative local address index " + localIndex);
        }
        int id;
        if (freeHead != NO_FREE_ID) {
            id = freeHead;
            freeHead = (int) words[id * WORDS + REMOTE_HI];
        } else {
            if (highWater == values.length) {
                grow();
            }
            id = highWater++;
        }
        int base = id * WORDS;
        words[base + REMOTE_HI] = remoteHi;
        words[base + REMOTE_LO] = remoteLo;
        words[base + PORTS_AND_LOCAL] = portsAndLocal(localIndex, localPort, remotePort);
        words[base + PEER_MAC] = peerMac & MAC_MASK;
        values[id] = value;
        size++;
        return id;
    }

    /** The object under {@code id}, or null when the id is free or was never handed out. */
    @SuppressWarnings("unchecked")
    public T get(int id) {
        return id >= 0 && id < highWater ? (T) values[id] : null;
    }

    /** Replaces the object under a held {@code id} (a connection handing over to its TIME_WAIT entry). */
    public void set(int id, T value) {
        Objects.requireNonNull(value, "value");
        if (get(id) == null) {
            throw new IllegalArgumentException("id " + id + " is not held");
        }
        values[id] = value;
    }

    /** Frees {@code id}; returns what it held, or null (and changes nothing) when it was free. */
    public T remove(int id) {
        T value = get(id);
        if (value != null) {
            values[id] = null;
            words[id * WORDS + REMOTE_HI] = freeHead;
            freeHead = id;
            size--;
        }
        return value;
    }

    /** Whether {@code id} currently holds a flow. */
    public boolean contains(int id) {
        return get(id) != null;
    }

    /** Flows held. */
    public int size() {
        return size;
    }

    /** Every id handed out so far is below this. */
    public int idLimit() {
        return highWater;
    }

    // The key and address of a held id; meaningless for a free one.

    public int localIndex(int id) {
        return (int) words[id * WORDS + PORTS_AND_LOCAL];
    }

    public long remoteHi(int id) {
        return words[id * WORDS + REMOTE_HI];
    }

    public long remoteLo(int id) {
        return words[id * WORDS + REMOTE_LO];
    }

    public int localPort(int id) {
        return (int) (words[id * WORDS + PORTS_AND_LOCAL] >>> 48);
    }

    public int remotePort(int id) {
        return (int) (words[id * WORDS + PORTS_AND_LOCAL] >>> 32) & 0xFFFF;
    }

    /** The flow's next-hop Ethernet address, 0 while unknown. */
    public long peerMac(int id) {
        return words[id * WORDS + PEER_MAC];
    }

    /** Records the next-hop Ethernet address once it is known. */
    public void peerMac(int id, long mac) {
        words[id * WORDS + PEER_MAC] = mac & MAC_MASK;
    }

    /** Heap bytes held by the records' arrays. */
    public long footprintBytes() {
        return (long) values.length * BYTES_PER_RECORD;
    }

    /** The key's third word, as {@link #portsAndLocal(int, int, int)} packs it. */
    long portsAndLocal(int id) {
        return words[id * WORDS + PORTS_AND_LOCAL];
    }

    /** Whether the held {@code id} has exactly this key. */
    boolean keyEquals(int id, long remoteHi, long remoteLo, long portsAndLocal) {
        int base = id * WORDS;
        long[] w = words;
        // The remote half varies most between flows: compare it first.
        return w[base + REMOTE_LO] == remoteLo
                && w[base + PORTS_AND_LOCAL] == portsAndLocal
                && w[base + REMOTE_HI] == remoteHi;
    }

    private void grow() {
        int capacity = (int) Math.min(2L * values.length, Integer.MAX_VALUE / WORDS);
        if (capacity == values.length) {
            throw new IllegalStateException("flow records full at " + size + " flows");
        }
        words = Arrays.copyOf(words, capacity * WORDS);
        values = Arrays.copyOf(values, capacity);
    }
}
