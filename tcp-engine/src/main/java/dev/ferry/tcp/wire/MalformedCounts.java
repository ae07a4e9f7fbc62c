package dev.ferry.tcp.wire;

/**
 * One counter per {@link Malformed} reason (accepted frames count under {@link Malformed#NONE}).
 * Confined to one shard thread; telemetry copies it out through the shard's command queue.
 */
public final class MalformedCounts {
    private final long[] counts = new long[Malformed.all().length];

    /** Counts one frame with this outcome and returns the outcome, so a call site stays one line. */
    public Malformed add(Malformed outcome) {
        counts[outcome.ordinal()]++;
        return outcome;
    }

    /** Frames counted with this outcome. */
    public long of(Malformed outcome) {
        return counts[outcome.ordinal()];
    }

    /** Frames counted with any reason other than {@link Malformed#NONE}. */
    public long dropped() {
        long sum = 0;
        for (int i = 1; i < counts.length; i++) {
            sum += counts[i];
        }
        return sum;
    }
}
