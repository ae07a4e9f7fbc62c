package dev.ferry.tcp.conn;

import dev.ferry.tcp.api.CloseReason;

/**
 * A shard's counters: one per {@link TcpCounter} and one per {@link CloseReason}. Confined to the
 * shard thread like the connections that bump them; telemetry reads them on that thread (or
 * accepts a slightly stale value from another one).
 */
public final class TcpCounters {
    private final long[] counts = new long[TcpCounter.values().length];
    private final long[] closes = new long[CloseReason.values().length];

    /** Adds one to {@code counter}. */
    public void increment(TcpCounter counter) {
        counts[counter.ordinal()]++;
    }

    /** The count of {@code counter}. */
    public long get(TcpCounter counter) {
        return counts[counter.ordinal()];
    }

    /** Adds one closed stream with {@code reason}. */
    public void closed(CloseReason reason) {
        closes[reason.ordinal()]++;
    }

    /** Streams that closed with {@code reason}. */
    public long closes(CloseReason reason) {
        return closes[reason.ordinal()];
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("TcpCounters[");
        for (TcpCounter counter : TcpCounter.values()) {
            if (get(counter) != 0) {
                text.append(counter).append('=').append(get(counter)).append(' ');
            }
        }
        for (CloseReason reason : CloseReason.values()) {
            if (closes(reason) != 0) {
                text.append("closed.")
                        .append(reason)
                        .append('=')
                        .append(closes(reason))
                        .append(' ');
            }
        }
        return text.append(']').toString();
    }
}
