package dev.ferry.tcp.conn;

import dev.ferry.tcp.seq.Seq;

/**
 * Congestion control of one connection: slow start and congestion avoidance (RFC 5681 3.1), fast
 * retransmit on the third duplicate ACK (RFC 5681 3.2) and NewReno's recovery, which keeps going
 * through partial ACKs instead of waiting for a timeout (RFC 6582 3.2).
 *
 * <p>The connection tells it what the ACKs say and asks it what to do: {@link #onDuplicateAck}
 * answers whether to fast-retransmit, {@link #onNewAck} whether a partial ACK calls for the next
 * retransmission. All sizes are bytes.
 *
 * <p>When the peer SACKs, {@link SackRecovery} decides when recovery starts and what to resend;
 * this class then only keeps the windows ({@link #enterSelectiveRecovery}): cwnd drops to the new
 * ssthresh at once and stays there, neither inflated by duplicate ACKs nor deflated by partial
 * ones, because RFC 6675's pipe already counts what left the network.
 */
public final class NewReno {
    /** The most cwnd grows to: far beyond any window, far below overflow. */
    private static final int MAX_CWND = 1 << 30;

    private int cwnd;
    private int ssthresh = Integer.MAX_VALUE;
    private int recover;
    private int duplicateAcks;
    private boolean inRecovery;
    /** The recovery under way is RFC 6675's: cwnd stays put until it ends. */
    private boolean selective;

    private int ackedInAvoidance;

    /** Back to the state before {@link #init}. */
    void reset() {
        cwnd = 0;
        ssthresh = Integer.MAX_VALUE;
        recover = 0;
        duplicateAcks = 0;
        inRecovery = false;
        selective = false;
        ackedInAvoidance = 0;
    }

    /** Restores the windows a quiet connection kept; no recovery is under way. */
    void restore(int cwnd, int ssthresh, int sndUna) {
        reset();
        this.cwnd = cwnd;
        this.ssthresh = ssthresh;
        this.recover = sndUna;
    }

    /** The initial window (RFC 6928 / RFC 5681 3.1) and the start of sequence space. */
    void init(int mss, int initialWindowSegments, int iss) {
        cwnd = initialWindow(mss, initialWindowSegments);
        recover = iss;
    }

    static int initialWindow(int mss, int segments) {
        if (segments == 10) {
            return Math.min(10 * mss, Math.max(2 * mss, 14_600)); // RFC 6928 2
        }
        return Math.max(1, segments) * mss;
    }

    /**
     * New data acknowledged ({@code acked} bytes, ACK number {@code ack}, {@code flightAfter} bytes
     * still outstanding). Returns true when this is a partial ACK during recovery: the caller
     * retransmits the first unacknowledged segment (RFC 6582 3.2 step 3).
     */
    boolean onNewAck(int acked, int ack, int flightAfter, int mss) {
        duplicateAcks = 0;
        if (inRecovery) {
            if (Seq.ge(ack, recover)) {
                // Full ACK: leave recovery with cwnd = min(ssthresh, FlightSize + SMSS) (step 3).
                inRecovery = false;
                selective = false;
                cwnd = Math.min(ssthresh, Math.max(flightAfter, mss) + mss);
                ackedInAvoidance = 0;
                return false;
            }
            if (selective) {
                return false; // RFC 6675: pipe, not cwnd, follows what the ACKs report
            }
            // Partial ACK: deflate by what was acknowledged, add back one SMSS if at least one.
            cwnd = Math.max(mss, cwnd - acked + (acked >= mss ? mss : 0));
            return true;
        }
        if (cwnd < ssthresh) {
            // Slow start. Counting every acknowledged byte (not one SMSS per ACK) keeps growth
            // right when the peer acknowledges many segments at once, as GRO receivers do.
            cwnd = Math.min(MAX_CWND, cwnd + acked);
        } else {
            // Congestion avoidance: one SMSS per window's worth of acknowledged bytes.
            ackedInAvoidance += acked;
            if (ackedInAvoidance >= cwnd) {
                ackedInAvoidance -= cwnd;
                cwnd = Math.min(MAX_CWND, cwnd + mss);
            }
        }
        return false;
    }

    /**
     * A duplicate ACK (RFC 5681 2). Returns true on the one that starts fast retransmit: the caller
     * retransmits the first unacknowledged segment.
     */
    boolean onDuplicateAck(int ack, int flight, int sndMax, int mss) {
        if (inRecovery) {
            cwnd = Math.min(MAX_CWND, cwnd + mss); // each dup ACK means a segment left the network
            return false;
        }
        duplicateAcks++;
        if (duplicateAcks != 3) {
            return false;
        }
        if (!Seq.gt(ack, recover)) {
            // Dup ACKs of data sent before the last loss event: not a new loss (RFC 6582 4.1).
            return false;
        }
        ssthresh = Math.max(flight / 2, 2 * mss);
        recover = sndMax;
        cwnd = ssthresh + 3 * mss;
        inRecovery = true;
        return true;
    }

    /**
     * SACK loss recovery starts (RFC 6675 step 4.2): ssthresh = cwnd = half the flight (at least
     * two segments, RFC 5681 3.1); it ends when SND.UNA reaches {@code sndMax}.
     */
    void enterSelectiveRecovery(int flight, int sndMax, int mss) {
        ssthresh = Math.max(flight / 2, 2 * mss);
        cwnd = ssthresh;
        recover = sndMax;
        inRecovery = true;
        selective = true;
        duplicateAcks = 0;
        ackedInAvoidance = 0;
    }

    /** A retransmission timeout: back to one segment (RFC 5681 3.1, RFC 6582 3.2 step 4). */
    void onRetransmitTimeout(int flight, int sndMax, int mss) {
        ssthresh = Math.max(flight / 2, 2 * mss);
        cwnd = mss;
        recover = sndMax;
        inRecovery = false;
        selective = false;
        duplicateAcks = 0;
        ackedInAvoidance = 0;
    }

    /**
     * A tail loss probe repaired a loss (RFC 8985 7.4.2): one multiplicative decrease, as for any
     * loss (RFC 5681 3.1), with no recovery episode around it.
     */
    void reduceAfterProbe(int mss) {
        ssthresh = Math.max(cwnd / 2, 2 * mss);
        cwnd = Math.min(cwnd, ssthresh);
        ackedInAvoidance = 0;
    }

    /** The sender was idle longer than an RTO: restart from the initial window (RFC 5681 4.1). */
    void onIdleRestart(int mss, int initialWindowSegments) {
        cwnd = Math.min(cwnd, initialWindow(mss, initialWindowSegments));
    }

    /** Congestion window in bytes. */
    public int cwnd() {
        return cwnd;
    }

    /** Slow-start threshold in bytes ({@link Integer#MAX_VALUE} until the first loss). */
    public int ssthresh() {
        return ssthresh;
    }

    /**
     * The recovery point: SND.MAX when the last loss was noticed. Recovery ends, and another may
     * start, once SND.UNA reaches it.
     */
    int recover() {
        return recover;
    }

    /** Whether fast recovery is under way. */
    public boolean inRecovery() {
        return inRecovery;
    }

    /** Duplicate ACKs counted since the last new ACK. */
    public int duplicateAcks() {
        return duplicateAcks;
    }
}
