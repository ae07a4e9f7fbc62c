package dev.ferry.tcp.conn;

import dev.ferry.tcp.api.CloseReason;

/**
 * A snapshot of one stream's counters, filled by {@link TcpConnection#stats(StreamStats)} on the
 * shard thread. Reusable: telemetry keeps one and refills it for each stream.
 */
public final class StreamStats {
    long bytesIn;
    long bytesOut;
    long segmentsIn;
    long segmentsOut;
    long retransmits;
    long srttNs;
    long rttvarNs;
    long minRttNs;
    long rtoNs;
    int cwnd;
    int ssthresh;
    int peerWindow;
    long peerWindowLimitedNs;
    long congestionLimitedNs;
    TcpState state;
    CloseReason closeReason;
    long startedNs;

    /** Payload bytes received in order (delivered to the receive buffer). */
    public long bytesIn() {
        return bytesIn;
    }

    /** Payload bytes sent, first transmissions only. */
    public long bytesOut() {
        return bytesOut;
    }

    /** Segments received. */
    public long segmentsIn() {
        return segmentsIn;
    }

    /** Segments sent (a GSO super-segment counts once). */
    public long segmentsOut() {
        return segmentsOut;
    }

    /** Segments retransmitted (timeouts, fast retransmits, recovery). */
    public long retransmits() {
        return retransmits;
    }

    /** Smoothed RTT, or -1 before the first sample. */
    public long srttNs() {
        return srttNs;
    }

    /** RTT variation. */
    public long rttvarNs() {
        return rttvarNs;
    }

    /** Smallest RTT seen, or -1 before the first sample. */
    public long minRttNs() {
        return minRttNs;
    }

    /** The current retransmission timeout, backoff included. */
    public long rtoNs() {
        return rtoNs;
    }

    /** Congestion window in bytes. */
    public int cwnd() {
        return cwnd;
    }

    /** Slow-start threshold in bytes ({@link Integer#MAX_VALUE} before any loss). */
    public int ssthresh() {
        return ssthresh;
    }

    /** The peer's receive window as last advertised, scaled. */
    public int peerWindow() {
        return peerWindow;
    }

    /** Time spent with data to send but held back by the peer's window. */
    public long peerWindowLimitedNs() {
        return peerWindowLimitedNs;
    }

    /** Time spent with data to send but held back by the congestion window. */
    public long congestionLimitedNs() {
        return congestionLimitedNs;
    }

    /** The state at the snapshot. */
    public TcpState state() {
        return state;
    }

    /** Why the stream closed, or null while it is open. */
    public CloseReason closeReason() {
        return closeReason;
    }

    /** When the connection was created. */
    public long startedNs() {
        return startedNs;
    }

    @Override
    public String toString() {
        return "StreamStats[state=" + state + ", in=" + bytesIn + "B/" + segmentsIn + "seg, out=" + bytesOut + "B/"
                + segmentsOut + "seg, retransmits=" + retransmits + ", srtt=" + srttNs + "ns, cwnd=" + cwnd
                + ", ssthresh=" + ssthresh + ", closeReason=" + closeReason + "]";
    }
}
