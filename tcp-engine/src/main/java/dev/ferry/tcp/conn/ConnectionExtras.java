package dev.ferry.tcp.conn;

import dev.ferry.tcp.api.StreamGuard;

/**
 * What only some streams ever need, kept out of {@link TcpConnection} so that the common idle
 * stream (a request and a response, then silence) stays one small object.
 *
 * <p>A connection allocates this at most once in its life, on the first need (see {@link
 * TcpConnection#extras()}), never per segment: when an application thread guards it, when it
 * retransmits, when its sender is held back by a window, when a loss lowers ssthresh, when it
 * sends its first challenge ACK, when one of its 32-bit counters carries over, or when it lives
 * longer than its coarse clock reaches at millisecond ticks (about 49 days). Once there, it stays
 * until the connection is dropped, so nothing it counts is lost when the {@link Transfer} goes
 * back to the pool.
 */
final class ConnectionExtras {
    /** The lock holder of a stream used from application threads (see {@link TcpConnection#guard}). */
    StreamGuard guard;

    /** Segments retransmitted (timeouts, fast retransmits, recovery). */
    long retransmits;

    /** Time spent with data to send but held back by the peer's window. */
    long peerWindowLimitedNs;

    /** Time spent with data to send but held back by the congestion window. */
    long congestionLimitedNs;

    /** Slow-start threshold kept over a quiet period; only a loss makes it other than "none yet". */
    int ssthresh = Integer.MAX_VALUE;

    /** RFC 5961 7 budget: the second (high 24 bits) and challenge ACKs sent in it (low 8 bits). */
    int challengeBudget;

    // The high 32 bits of the connection's 64-bit counters (it keeps the low 32 bits itself).
    int bytesInHigh;
    int bytesOutHigh;
    int segmentsInHigh;
    int segmentsOutHigh;

    /** The connection's coarse clock ticks are {@code 1 ms << clockShift} (see {@link CoarseClock}). */
    byte clockShift;
}
