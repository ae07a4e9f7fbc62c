package dev.ferry.tcp.flow;

import java.util.Arrays;
import java.util.Objects;

/**
 * Objects by small int id, so that the timing wheel and the flow table can refer to connections by
 * their slot index instead of by reference. Removed ids are reused, most recently freed first (its
 * array elements are the likeliest to be in cache), so ids stay dense below the peak count.
 *
 * <p>Because ids are reused, whoever removes an object must also drop every reference to its id
 * (cancel its timer, remove its flow) before the id can be handed out again.
 *
 * <p>Not thread-safe: confined to its shard's thread. Adding allocates only when the table grows.
 *
 * @param <T> the objects held
 */
public final class SlotTable<T> {
    private static final int NO_FREE_ID = -1;

    private Object[] values;
    /** For a free id, the next free id (a stack threaded through the free slots). */
    private int[] nextFree;

    private int freeHead = NO_FREE_ID;
    /** Ids at or above this have never been handed out. */
    private int highWater;

    private int size;

    /** @param initialCapacity ids handed out before the first growth */
    public SlotTable(int initialCapacity) {
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("negative capacity " + initialCapacity);
        }
        values = new Object[initialCapacity];
        nextFree = new int[initialCapacity];
    }

    /** Stores {@code value} under a free id and returns the id. */
    public int add(T value) {
        Objects.requireNonNull(value, "value");
        int id;
        if (freeHead != NO_FREE_ID) {
            id = freeHead;
            freeHead = nextFree[id];
        } else {
            if (highWater == values.length) {
                grow();
            }
            id = highWater++;
        }
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
            nextFree[id] = freeHead;
            freeHead = id;
            size--;
        }
        return value;
    }

    /** Whether {@code id} currently holds an object. */
    public boolean contains(int id) {
        return get(id) != null;
    }

    /** Objects held. */
    public int size() {
        return size;
    }

    /** Every id handed out so far is below this; arrays indexed by id need this many elements. */
    public int idLimit() {
        return highWater;
    }

    private void grow() {
        int capacity = Math.max(8, (int) Math.min(2L * values.length, Integer.MAX_VALUE - 8));
        if (capacity == values.length) {
            throw new IllegalStateException("slot table full at " + size + " entries");
        }
        values = Arrays.copyOf(values, capacity);
        nextFree = Arrays.copyOf(nextFree, capacity);
    }
}
