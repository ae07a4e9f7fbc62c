package dev.ferry.tcp.stack;

/**
 * The stack counters of one shard: plain longs written by the shard thread. Readers on other
 * threads (telemetry) see values that may be slightly stale, which is fine for counters.
 */
public final class StackCounters {
    private static final StackCounter[] ALL = StackCounter.values();
    private final long[] values = new long[ALL.length];

    void increment(StackCounter counter) {
        values[counter.ordinal()]++;
    }

    public long get(StackCounter counter) {
        return values[counter.ordinal()];
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("{");
        for (StackCounter c : ALL) {
            if (values[c.ordinal()] != 0) {
                s.append(s.length() > 1 ? ", " : "").append(c).append('=').append(values[c.ordinal()]);
            }
        }
        return s.append('}').toString();
    }
}
