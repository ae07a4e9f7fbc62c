package dev.ferry.tcp.timer;

import java.util.Arrays;

/**
 * The shard's one timing wheel: every connection has at most one armed deadline here (the earliest
 * of its RTO, delayed ACK, persist, keepalive, idle, handshake, TIME_WAIT, lifetime and drain
 * timers), identified by the connection's int slot index.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>Time is counted in ticks of {@value #TICK_NS} ns (2^{@value #TICK_SHIFT}, about 1 ms) and
 *       comes only from the {@code nowNs} arguments; any {@code long} is a valid time, negative
 *       included. Time that goes backwards is treated as time standing still.
 *   <li>An entry armed for {@code deadlineNs} fires in the first {@link #expire} call whose
 *       {@code nowNs} is at or after {@code deadlineNs} rounded up to a tick boundary: never early,
 *       and less than one tick late, however far away the deadline was armed. Two exceptions: an
 *       {@code expire} call stops after {@code budget} callbacks (the rest fire in the next call),
 *       and an entry armed <em>during</em> an {@code expire} call with a deadline already due at
 *       that call's time waits for the next call, so no entry fires twice in one call.
 *   <li>{@link #arm}, {@link #cancel} and {@link #armed} are O(1) and allocate nothing (ids beyond
 *       the capacity grow the arrays by doubling). {@link #expire} allocates nothing.
 * </ul>
 *
 * <h2>Structure</h2>
 *
 * A hierarchical wheel (Varghese and Lauck, 1987) of {@value #LEVELS} levels of 64 slots. A tick
 * number is read as base-64 digits; an entry sits in the level of the highest digit in which its
 * due tick differs from the wheel's current tick, in the slot named by its own digit there. When
 * the wheel's time reaches a slot of level k, the slot's entries are cascaded: re-filed by their
 * exact due tick, which puts them in a lower level (or fires them). An entry is therefore moved at
 * most {@value #LEVELS} - 1 times and still fires at its own tick. Deadlines more than 2^36 ticks
 * (about 2.3 years) away wait in an overflow list that is re-filed once per 2^36 ticks. One
 * occupancy bit per slot (a {@code long} per level) lets {@link #expire} jump over empty ticks, so
 * a huge time jump costs only the entries it passes.
 *
 * <p>Re-arming is lazy, as in Linux's TCP timers: when the new deadline is not before the time at
 * which the entry's current slot will be visited, only the deadline is recorded, and the visit
 * re-files the entry. A connection that pushes its keepalive forward on every segment therefore
 * touches one array element.
 *
 * <p>Entries live in intrusive doubly-linked lists kept in primitive arrays indexed by id: 18 bytes
 * per id of capacity (8 deadline, 8 links, 2 list number), nothing per armed entry beyond that.
 * Linking into a list writes the neighbour's link with a plain store, which the CPU retires without
 * waiting for the neighbour's cache line; packing all of an entry into one 16-byte word was tried
 * and measured slower, because every neighbour update became a read-modify-write that stalls on a
 * cache miss.
 *
 * <p>Not thread-safe: a wheel is confined to its shard's thread.
 */
public final class TimingWheel {
    /** log2 of the tick length in nanoseconds. */
    public static final int TICK_SHIFT = 20;
    /** The tick length, the wheel's resolution: 1,048,576 ns. */
    public static final long TICK_NS = 1L << TICK_SHIFT;
    /** Levels of the wheel; beyond 64^LEVELS ticks entries wait in the overflow list. */
    public static final int LEVELS = 6;
    /** Bytes of wheel state per id of capacity. */
    public static final int BYTES_PER_ENTRY = Long.BYTES + 2 * Integer.BYTES + Short.BYTES;

    private static final int LEVEL_BITS = 6;
    private static final int SLOTS = 1 << LEVEL_BITS;
    private static final int SLOT_MASK = SLOTS - 1;
    private static final int HORIZON_BITS = LEVEL_BITS * LEVELS;

    // List numbers: 0..383 are wheel slots (level * 64 + slot), then three special lists.
    private static final int WHEEL_LISTS = LEVELS * SLOTS;
    private static final int OVERFLOW = WHEEL_LISTS;
    /** Entries that fire in the next expire call, in the order they fell due. */
    private static final int DUE = WHEEL_LISTS + 1;
    /** Entries armed during an expire call with a deadline already due: they join DUE afterwards. */
    private static final int DEFERRED = WHEEL_LISTS + 2;

    private static final int LIST_COUNT = WHEEL_LISTS + 3;
    private static final short UNARMED = -1;
    private static final int NIL = -1;
    private static final long LAST_REPRESENTABLE_TICK = Long.MAX_VALUE >> TICK_SHIFT;

    private long[] deadlineNs;
    /** next of id at 2*id, previous at 2*id+1: one cache line holds both. */
    private int[] links;
    /** The list an id is in, or UNARMED. */
    private short[] listOf;

    private final int[] heads = new int[LIST_COUNT];
    private final int[] tails = new int[LIST_COUNT];
    /** Bit s of occupied[k] is set iff slot s of level k is non-empty. */
    private final long[] occupied = new long[LEVELS];

    /** Every tick up to and including this one has been visited. */
    private long processedTick;
    /** The latest tick an expire call has been told about; processedTick catches up to it. */
    private long latestTick;

    /** No entry in DUE has a deadline before this (a lower bound, reset when DUE empties). */
    private long dueEarliestNs = Long.MAX_VALUE;

    private int size;
    private boolean expiring;

    /**
     * @param initialCapacity ids below this need no growth (size it for the shard's connections)
     * @param startNs         the current time: deadlines are measured from here until the first expire
     */
    public TimingWheel(int initialCapacity, long startNs) {
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("negative capacity " + initialCapacity);
        }
        deadlineNs = new long[initialCapacity];
        links = new int[2 * initialCapacity];
        listOf = new short[initialCapacity];
        Arrays.fill(listOf, UNARMED);
        Arrays.fill(heads, NIL);
        Arrays.fill(tails, NIL);
        processedTick = startNs >> TICK_SHIFT;
        latestTick = processedTick;
    }

    /**
     * Arms {@code id} to fire at {@code deadlineNs}, replacing any deadline it had. A deadline that
     * has already passed fires in the next {@link #expire} call.
     */
    public void arm(int id, long deadlineNs) {
        if (id >= listOf.length || id < 0) {
            grow(id);
        }
        long due = dueTick(deadlineNs);
        boolean waitForNextCall = expiring && due <= latestTick;
        int list = listOf[id];
        if (list == UNARMED) {
            size++;
        } else if (!waitForNextCall && due >= visitTick(list)) {
            // Lazy: the slot is visited no later than the new deadline, and the visit re-files it.
            this.deadlineNs[id] = deadlineNs;
            return;
        } else {
            unlink(id, list);
        }
        this.deadlineNs[id] = deadlineNs;
        if (waitForNextCall) {
            append(DEFERRED, id);
        } else {
            file(id, due);
        }
    }

    /** Disarms {@code id}; does nothing if it is not armed. */
    public void cancel(int id) {
        if (id < listOf.length && id >= 0) {
            int list = listOf[id];
            if (list != UNARMED) {
                unlink(id, list);
                size--;
            }
        }
    }

    /** Whether {@code id} has a deadline armed. */
    public boolean armed(int id) {
        return id >= 0 && id < listOf.length && listOf[id] != UNARMED;
    }

    /** The deadline armed for {@code id}, or {@link Long#MAX_VALUE} (never) when it is not armed. */
    public long deadlineNs(int id) {
        return armed(id) ? deadlineNs[id] : Long.MAX_VALUE;
    }

    /** Armed entries. */
    public int size() {
        return size;
    }

    /** Ids below this are stored without growing. */
    public int capacity() {
        return listOf.length;
    }

    /** Heap bytes held by this wheel's arrays. */
    public long footprintBytes() {
        return (long) capacity() * BYTES_PER_ENTRY + (2L * LIST_COUNT) * Integer.BYTES + LEVELS * Long.BYTES;
    }

    /**
     * Fires every entry due at {@code nowNs} (see the class contract) in the order their ticks came
     * due, calling {@code handler} at most {@code budget} times; entries left over by the budget
     * fire first in the next call.
     *
     * @return the number of entries fired
     * @throws IllegalStateException if called from inside a {@link TimerHandler}
     */
    public int expire(long nowNs, TimerHandler handler, int budget) {
        if (expiring) {
            throw new IllegalStateException("expire called from a timer callback");
        }
        latestTick = Math.max(latestTick, nowNs >> TICK_SHIFT);
        expiring = true;
        int fired = 0;
        try {
            do {
                for (int id = heads[DUE]; id != NIL; id = heads[DUE]) {
                    if (fired >= budget) {
                        return fired;
                    }
                    unlink(id, DUE);
                    size--;
                    fired++;
                    handler.onTimer(id, nowNs);
                }
            } while (visitNextSlot());
            return fired;
        } finally {
            expiring = false;
            appendDeferredToDue();
        }
    }

    /**
     * A lower bound on when the next entry fires: no {@link #expire} call with an earlier
     * {@code nowNs} fires anything. It is exact when the earliest entry is due within the current
     * span of 64 ticks, and otherwise the time its slot is cascaded (one early wake-up per occupied
     * slot of a higher level). When
     * entries are already due (armed in the past, or left over by a budget) it is at or before their
     * deadlines, which may be far in the past: subtract with care, or use {@link #nsUntilNext}.
     * {@link Long#MAX_VALUE} when nothing is armed.
     */
    public long nextDeadlineNs() {
        int list = nextVisitedList();
        long wheelNs = list == NIL ? Long.MAX_VALUE : ticksToNs(visitTick(list));
        return heads[DUE] == NIL ? wheelNs : Math.min(dueEarliestNs, wheelNs);
    }

    /**
     * How long a shard may sleep at {@code nowNs} before calling {@link #expire}: 0 when something is
     * due, {@link Long#MAX_VALUE} when nothing is armed, never negative and never overflowing.
     */
    public long nsUntilNext(long nowNs) {
        long next = nextDeadlineNs();
        if (next <= nowNs) {
            return 0;
        }
        long wait = next - nowNs;
        return wait < 0 ? Long.MAX_VALUE : wait; // negative only on overflow
    }

    /** The tick whose start is the first time at which a deadline may fire: rounded up. */
    private static long dueTick(long deadlineNs) {
        return (deadlineNs >> TICK_SHIFT) + ((deadlineNs & (TICK_NS - 1)) == 0 ? 0 : 1);
    }

    private static long ticksToNs(long tick) {
        return tick > LAST_REPRESENTABLE_TICK ? Long.MAX_VALUE : tick << TICK_SHIFT;
    }

    /** Puts an entry in the list its due tick calls for, relative to the current tick. */
    private void file(int id, long due) {
        if (due <= processedTick) {
            appendDue(id);
            return;
        }
        int highestDifferingBit = 63 - Long.numberOfLeadingZeros(due ^ processedTick);
        if (highestDifferingBit >= HORIZON_BITS) {
            append(OVERFLOW, id);
            return;
        }
        int level = highestDifferingBit / LEVEL_BITS;
        int slot = (int) (due >>> (level * LEVEL_BITS)) & SLOT_MASK;
        append((level << LEVEL_BITS) | slot, id);
        occupied[level] |= 1L << slot;
    }

    /**
     * The tick at which a list will next be visited. A slot s of level k is visited when the current
     * tick's digits above k are unchanged and its digit k becomes s; every entry filed there is due
     * then or later. Re-arming an entry in DUE or DEFERRED always moves it.
     */
    private long visitTick(int list) {
        if (list < WHEEL_LISTS) {
            int shift = (list >>> LEVEL_BITS) * LEVEL_BITS;
            long higherDigits = (processedTick >> (shift + LEVEL_BITS)) << (shift + LEVEL_BITS);
            return higherDigits | ((long) (list & SLOT_MASK) << shift);
        }
        if (list == OVERFLOW) {
            return ((processedTick >> HORIZON_BITS) + 1) << HORIZON_BITS;
        }
        return Long.MAX_VALUE;
    }

    /**
     * The list visited next: the lowest occupied slot of the lowest occupied level (every slot of a
     * lower level is visited before the next slot of a higher one), else the overflow list.
     */
    private int nextVisitedList() {
        for (int level = 0; level < LEVELS; level++) {
            long bits = occupied[level];
            if (bits != 0) {
                return (level << LEVEL_BITS) | Long.numberOfTrailingZeros(bits);
            }
        }
        return heads[OVERFLOW] != NIL ? OVERFLOW : NIL;
    }

    /**
     * Advances the current tick to the next visit not after latestTick and re-files that list's
     * entries (the due ones go to DUE).
     *
     * @return false when no visit is left up to latestTick (the current tick is then latestTick)
     */
    private boolean visitNextSlot() {
        int list = nextVisitedList();
        long visit = list == NIL ? Long.MAX_VALUE : visitTick(list);
        if (visit > latestTick) {
            processedTick = latestTick;
            return false;
        }
        processedTick = visit;
        int id = heads[list];
        heads[list] = NIL;
        tails[list] = NIL;
        if (list < WHEEL_LISTS) {
            occupied[list >>> LEVEL_BITS] &= ~(1L << (list & SLOT_MASK));
        }
        while (id != NIL) {
            int next = links[2 * id];
            file(id, dueTick(deadlineNs[id]));
            id = next;
        }
        return true;
    }

    private void appendDue(int id) {
        if (heads[DUE] == NIL) {
            dueEarliestNs = Long.MAX_VALUE;
        }
        dueEarliestNs = Math.min(dueEarliestNs, deadlineNs[id]);
        append(DUE, id);
    }

    private void append(int list, int id) {
        int tail = tails[list];
        links[2 * id] = NIL;
        links[2 * id + 1] = tail;
        if (tail == NIL) {
            heads[list] = id;
        } else {
            links[2 * tail] = id;
        }
        tails[list] = id;
        listOf[id] = (short) list;
    }

    private void unlink(int id, int list) {
        int next = links[2 * id];
        int previous = links[2 * id + 1];
        if (previous == NIL) {
            heads[list] = next;
            if (next == NIL && list < WHEEL_LISTS) {
                occupied[list >>> LEVEL_BITS] &= ~(1L << (list & SLOT_MASK));
            }
        } else {
            links[2 * previous] = next;
        }
        if (next == NIL) {
            tails[list] = previous;
        } else {
            links[2 * next + 1] = previous;
        }
        listOf[id] = UNARMED;
    }

    private void appendDeferredToDue() {
        int first = heads[DEFERRED];
        if (first == NIL) {
            return;
        }
        if (heads[DUE] == NIL) {
            dueEarliestNs = Long.MAX_VALUE;
        }
        for (int id = first; id != NIL; id = links[2 * id]) {
            listOf[id] = DUE;
            dueEarliestNs = Math.min(dueEarliestNs, deadlineNs[id]);
        }
        int dueTail = tails[DUE];
        if (dueTail == NIL) {
            heads[DUE] = first;
        } else {
            links[2 * dueTail] = first;
            links[2 * first + 1] = dueTail;
        }
        tails[DUE] = tails[DEFERRED];
        heads[DEFERRED] = NIL;
        tails[DEFERRED] = NIL;
    }

    private void grow(int id) {
        if (id < 0) {
            throw new IllegalArgumentException("negative timer id " + id);
        }
        int oldCapacity = listOf.length;
        int newCapacity = (int) Math.min(Math.max((long) id + 1, 2L * oldCapacity), Integer.MAX_VALUE / 2);
        if (id >= newCapacity) {
            throw new IllegalArgumentException("timer id too large: " + id);
        }
        deadlineNs = Arrays.copyOf(deadlineNs, newCapacity);
        links = Arrays.copyOf(links, 2 * newCapacity);
        listOf = Arrays.copyOf(listOf, newCapacity);
        Arrays.fill(listOf, oldCapacity, newCapacity, UNARMED);
    }
}
