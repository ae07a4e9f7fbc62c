package dev.ferry.tcp.conn;

import dev.ferry.tcp.seq.Seq;

/**
 * Round-trip time and retransmission timeout of one connection, per RFC 6298.
 *
 * <p>One segment per round trip is timed (RFC 6298 3: one sample per RTT suffices); by Karn's
 * rule a retransmission cancels the timing, so a sample never comes from an ambiguous ACK. Every
 * expiry doubles the RTO (5.5) up to the maximum; an ACK of new data resets the doubling.
 */
public final class RttEstimator {
    private static final long NONE = -1;

    private long srttNs = NONE;
    private long rttvarNs;
    private long minRttNs = NONE;
    private long baseRtoNs;
    private int backoff;
    private int timedSeq;
    private long timedSentNs = NONE;

    RttEstimator(long initialRtoNs) {
        this.baseRtoNs = initialRtoNs;
    }

    /** Back to "no sample yet". */
    void reset(TcpConfig config) {
        srttNs = NONE;
        rttvarNs = 0;
        minRttNs = NONE;
        baseRtoNs = config.initialRtoNs();
        backoff = 0;
        timedSentNs = NONE;
    }

    /** Restores what a quiet connection kept (microseconds; -1: no sample yet). */
    void restore(int srttUs, int rttvarUs, int minRttUs, TcpConfig config) {
        reset(config);
        if (srttUs >= 0) {
            srttNs = srttUs * 1000L;
            rttvarNs = rttvarUs * 1000L;
            minRttNs = minRttUs * 1000L;
            long rto = srttNs + Math.max(1_000_000L, 4 * rttvarNs);
            baseRtoNs = Math.clamp(rto, config.minRtoNs(), config.maxRtoNs());
        }
    }

    /** Nanoseconds as saturated microseconds, -1 kept as -1. */
    static int toMicros(long ns) {
        return ns < 0 ? -1 : (int) Math.min(Integer.MAX_VALUE, ns / 1000);
    }

    /** Starts timing the segment ending at {@code endSeq}, unless one is being timed already. */
    void startTiming(int endSeq, long nowNs) {
        if (timedSentNs == NONE) {
            timedSeq = endSeq;
            timedSentNs = nowNs;
        }
    }

    /** Karn's rule: a retransmission makes the timed segment's ACK ambiguous. */
    void cancelTiming() {
        timedSentNs = NONE;
    }

    /** Takes a sample if {@code ack} covers the timed segment. */
    void onAck(int ack, long nowNs, TcpConfig config) {
        if (timedSentNs != NONE && Seq.ge(ack, timedSeq)) {
            sample(Math.max(0, nowNs - timedSentNs), config);
            timedSentNs = NONE;
        }
    }

    /** Folds one measurement into SRTT and RTTVAR and recomputes the RTO (RFC 6298 2.2, 2.3). */
    void sample(long rttNs, TcpConfig config) {
        if (srttNs == NONE) {
            srttNs = rttNs;
            rttvarNs = rttNs / 2;
        } else {
            rttvarNs = (3 * rttvarNs + Math.abs(srttNs - rttNs)) / 4;
            srttNs = (7 * srttNs + rttNs) / 8;
        }
        minRttNs = minRttNs == NONE ? rttNs : Math.min(minRttNs, rttNs);
        long rto = srttNs + Math.max(1_000_000L, 4 * rttvarNs); // G: a 1 ms clock granularity
        baseRtoNs = Math.clamp(rto, config.minRtoNs(), config.maxRtoNs());
    }

    /**
     * The SYN had to be sent again and no RTT was measured: start data transfer with an RTO of 3 s
     * (RFC 6298 5.7).
     */
    void synRetransmitted(TcpConfig config) {
        if (srttNs == NONE) {
            baseRtoNs = Math.clamp(3_000_000_000L, config.minRtoNs(), config.maxRtoNs());
        }
    }

    /** Doubles the RTO after an expiry (RFC 6298 5.5). */
    void backOff() {
        if (backoff < 30) {
            backoff++;
        }
    }

    /** New data was acknowledged: the path works, drop the doubling. */
    void resetBackoff() {
        backoff = 0;
    }

    /** The RTO to arm now, backed off and capped. */
    long rtoNs(TcpConfig config) {
        long rto = baseRtoNs;
        for (int i = 0; i < backoff && rto < config.maxRtoNs(); i++) {
            rto <<= 1;
        }
        return Math.min(rto, config.maxRtoNs());
    }

    /** Smoothed RTT, or -1 before the first sample. */
    public long srttNs() {
        return srttNs;
    }

    /** RTT variation (0 before the first sample). */
    public long rttvarNs() {
        return rttvarNs;
    }

    /** Smallest RTT seen, or -1 before the first sample. */
    public long minRttNs() {
        return minRttNs;
    }

    /** The RTO without backoff. */
    public long baseRtoNs() {
        return baseRtoNs;
    }

    /** Expiries in a row that doubled the RTO. */
    public int backoff() {
        return backoff;
    }
}
