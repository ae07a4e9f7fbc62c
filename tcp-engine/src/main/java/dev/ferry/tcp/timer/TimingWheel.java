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
 * <p>Re-arming is lazy, as in Linux's TCP timers: when an entry waiting in the wheel is pushed to a
 * later deadline, only the deadline is recorded; its slot is visited no later than the old
 * deadline, and the visit re-files it. A connection that pushes its keepalive forward on every
 * segment therefore touches one array element. An entry already due is always moved, and so is one
 * pushed, from inside an {@code expire} call, to a time that call has reached (the visit could
 * otherwise fire it in the call that armed it).
 *
 * <p>Entries live in intrusive, circular doubly-linked lists kept in one {@code int[]}: every list
 * has a sentinel node, so unlinking an entry needs only its two neighbours, not the list it is in,
 * and no per-entry list number is stored. That makes 16 bytes per id of capacity (8 deadline, 8
 * links), nothing per armed entry beyond that. Whether an entry waits in the wheel or is already
 * due follows from its deadline: between {@code expire} calls an entry is in the due list exactly
 * when its due tick is not after the wheel's current tick (entries armed during a call wait in a
 * list of their own and are filed by that rule when the call ends). Linking into a list writes the neighbour's link with a plain store,
 * which the CPU retires without waiting for the neighbour's cache line; packing all of an entry into
 * one 16-byte word was tried and measured slower, because every neighbour update became a
 * read-modify-write that stalls on a cache miss.
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
    public static final int BYTES_PER_ENTRY = Long.BYTES + 2 * Integer.BYTES;

    private static final int LEVEL_BITS = 6;
    private static final int SLOTS = 1 << LEVEL_BITS;
    private static final int SLOT_MASK = SLOTS - 1;
    private static final int HORIZON_BITS = LEVEL_BITS * LEVELS;

    // List numbers: 0..383 are wheel slots (level * 64 + slot), then three special lists.
    private static final int WHEEL_LISTS = LEVELS * SLOTS;
    private static final int OVERFLOW = WHEEL_LISTS;
    /** Entries that fire in the next expire call, in the order they fell due. */
    private static final int DUE = WHEEL_LISTS + 1;
    /**
     * Entries armed during an expire call with a deadline already due at that call's time: they are
     * filed by their deadline when the call ends.
     */
    private static final int DEFERRED = WHEEL_LISTS + 2;

    private static final int LIST_COUNT = WHEEL_LISTS + 3;
    /** The next link of an entry that is not armed. */
    private static final int UNARMED = -1;

    private static final int NIL = -1;
    private static final long LAST_REPRESENTABLE_TICK = Long.MAX_VALUE >> TICK_SHIFT;

    private long[] deadlineNs;
    /**
     * Node n's next at 2n, previous at 2n+1 (one cache line holds both). Nodes 0 .. LIST_COUNT-1
     * are the lists' sentinels (an empty list's sentinel links to itself); node LIST_COUNT + id is
     * entry id, whose next is UNARMED while it is not armed.
     */
    private int[] links;

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
        links = new int[2 * (LIST_COUNT + initialCapacity)];
        for (int list = 0; list < LIST_COUNT; list++) {
            links[2 * list] = list;
            links[2 * list + 1] = list;
        }
        markUnarmed(0, initialCapacity);
        processedTick = startNs >> TICK_SHIFT;
        latestTick = processedTick;
    }

    /**
     * Arms {@code id} to fire at {@code deadlineNs}, replacing any deadline it had. A deadline that
     * has already passed fires in the next {@link #expire} call.
     */
    public void arm(int id, long deadlineNs) {
        if (id >= capacity() || id < 0) {
            grow(id);
        }
        long due = dueTick(deadlineNs);
        int node = LIST_COUNT + id;
        if (links[2 * node] == UNARMED) {
            size++;
        } else {
            long oldDue = dueTick(this.deadlineNs[id]);
            // An entry due after the current tick waits in a wheel slot or the overflow list, which
            // is visited no later than that tick and re-files it by its deadline then; during an
            // expire call it may instead wait in DEFERRED, re-filed by its deadline when the call
            // ends. Either way a later deadline needs only recording, unless the call has already
            // reached it: the visit would then fire the entry in the call that armed it.
            if (oldDue > processedTick && due >= oldDue && (!expiring || due > latestTick)) {
                this.deadlineNs[id] = deadlineNs;
                return;
            }
            unlink(node);
        }
        this.deadlineNs[id] = deadlineNs;
        if (expiring && due <= latestTick) {
            append(DEFERRED, node);
        } else {
            file(id, due);
        }
    }

    /** Disarms {@code id}; does nothing if it is not armed. */
    public void cancel(int id) {
        if (armed(id)) {
            unlink(LIST_COUNT + id);
            size--;
        }
    }

    /** Whether {@code id} has a deadline armed. */
    public boolean armed(int id) {
        return id >= 0 && id < capacity() && links[2 * (LIST_COUNT + id)] != UNARMED;
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
        return deadlineNs.length;
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
                for (int node = links[2 * DUE]; node != DUE; node = links[2 * DUE]) {
                    if (fired >= budget) {
                        return fired;
                    }
                    unlink(node);
                    size--;
                    fired++;
                    handler.onTimer(node - LIST_COUNT, nowNs);
                }
            } while (visitNextSlot());
            return fired;
        } finally {
            expiring = false;
            refileDeferred();
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
        return isEmpty(DUE) ? wheelNs : Math.min(dueEarliestNs, wheelNs);
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
            append(OVERFLOW, LIST_COUNT + id);
            return;
        }
        int level = highestDifferingBit / LEVEL_BITS;
        int slot = (int) (due >>> (level * LEVEL_BITS)) & SLOT_MASK;
        append((level << LEVEL_BITS) | slot, LIST_COUNT + id);
        occupied[level] |= 1L << slot;
    }

    /**
     * The tick at which a list will next be visited. A slot s of level k is visited when the current
     * tick's digits above k are unchanged and its digit k becomes s; every entry filed there is due
     * then or later.
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
        return isEmpty(OVERFLOW) ? NIL : OVERFLOW;
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
        if (list < WHEEL_LISTS) {
            occupied[list >>> LEVEL_BITS] &= ~(1L << (list & SLOT_MASK));
        }
        refileAll(list);
        return true;
    }

    /**
     * Empties {@code list} and files each of its entries by its due tick. Entries may go back into
     * the same list (the overflow list): the walk follows the old chain, whose last node still
     * links to the sentinel.
     */
    private void refileAll(int list) {
        int node = links[2 * list];
        links[2 * list] = list;
        links[2 * list + 1] = list;
        while (node != list) {
            int next = links[2 * node];
            int id = node - LIST_COUNT;
            file(id, dueTick(deadlineNs[id]));
            node = next;
        }
    }

    private boolean isEmpty(int list) {
        return links[2 * list] == list;
    }

    private void appendDue(int id) {
        if (isEmpty(DUE)) {
            dueEarliestNs = Long.MAX_VALUE;
        }
        dueEarliestNs = Math.min(dueEarliestNs, deadlineNs[id]);
        append(DUE, LIST_COUNT + id);
    }

    private void append(int list, int node) {
        int tail = links[2 * list + 1];
        links[2 * node] = list;
        links[2 * node + 1] = tail;
        links[2 * tail] = node;
        links[2 * list + 1] = node;
    }

    private void unlink(int node) {
        int next = links[2 * node];
        int previous = links[2 * node + 1];
        links[2 * previous] = next;
        links[2 * next + 1] = previous;
        links[2 * node] = UNARMED;
        // Neighbours that are one node are the sentinel of a list that just became empty.
        if (next == previous && next < WHEEL_LISTS) {
            occupied[next >>> LEVEL_BITS] &= ~(1L << (next & SLOT_MASK));
        }
    }

    /**
     * After an expire call, files the entries armed during it with deadlines already due: into the
     * due list when their tick has been reached, else into the wheel, which the next call catches
     * up through. Either way they fire in the next call, never in the one that armed them.
     */
    private void refileDeferred() {
        if (!isEmpty(DEFERRED)) {
            refileAll(DEFERRED);
        }
    }

    private void markUnarmed(int fromId, int toId) {
        for (int id = fromId; id < toId; id++) {
            links[2 * (LIST_COUNT + id)] = UNARMED;
        }
    }

    private void grow(int id) {
        if (id < 0) {
            throw new IllegalArgumentException("negative timer id " + id);
        }
        int oldCapacity = capacity();
        int newCapacity = (int) Math.min(Math.max((long) id + 1, 2L * oldCapacity), Integer.MAX_VALUE / 2 - LIST_COUNT);
        if (id >= newCapacity) {
            throw new IllegalArgumentException("timer id too large: " + id);
        }
        deadlineNs = Arrays.copyOf(deadlineNs, newCapacity);
        links = Arrays.copyOf(links, 2 * (LIST_COUNT + newCapacity));
        markUnarmed(oldCapacity, newCapacity);
    }
}
