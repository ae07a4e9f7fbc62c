package dev.ferry.tcp.sim;

import java.util.PriorityQueue;

/**
 * The simulation's virtual clock: events run in time order, and events at the same time in the
 * order they were scheduled, so a run is a pure function of its seed.
 */
final class EventQueue {
    private record Event(long atNs, long order, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event other) {
            int byTime = Long.compare(atNs, other.atNs);
            return byTime != 0 ? byTime : Long.compare(order, other.order);
        }
    }

    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private long nowNs;
    private long scheduled;
    private long ran;

    long nowNs() {
        return nowNs;
    }

    /** Runs {@code action} at {@code atNs} (now, if that is in the past). */
    void at(long atNs, Runnable action) {
        events.add(new Event(Math.max(atNs, nowNs), scheduled++, action));
    }

    /** Runs {@code action} after the events already due now. */
    void soon(Runnable action) {
        at(nowNs, action);
    }

    boolean isEmpty() {
        return events.isEmpty();
    }

    /** Runs the next event; returns false when there is none. */
    boolean runNext() {
        Event next = events.poll();
        if (next == null) {
            return false;
        }
        nowNs = next.atNs;
        ran++;
        next.action.run();
        return true;
    }

    long eventsRun() {
        return ran;
    }
}
