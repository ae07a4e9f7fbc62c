package dev.ferry.sidecar.serve;

import dev.ferry.tcp.api.CloseReason;

/**
 * What one shard's responders did. Written by the shard thread only; the once-a-second printer
 * reads it from another thread and may see a value a moment old, which is fine for a report.
 */
final class ServeStats {
    private long accepted;
    private long requests;
    private long responsesDropped;
    private long malformed;
    private final long[] closes = new long[CloseReason.values().length];

    void accepted() {
        accepted++;
    }

    void request() {
        requests++;
    }

    void responseDropped() {
        responsesDropped++;
    }

    /** A request the responder could not parse (the stream was reset). */
    void malformed() {
        malformed++;
    }

    long malformedCount() {
        return malformed;
    }

    void closed(CloseReason reason) {
        closes[reason.ordinal()]++;
    }

    long acceptedCount() {
        return accepted;
    }

    long requestCount() {
        return requests;
    }

    long responsesDroppedCount() {
        return responsesDropped;
    }

    long closedCount() {
        long n = 0;
        for (long c : closes) {
            n += c;
        }
        return n;
    }

    long closes(CloseReason reason) {
        return closes[reason.ordinal()];
    }
}
