package dev.ferry.tcp.conn;

import static dev.ferry.tcp.conn.TcpConnection.F_SACK;
import static dev.ferry.tcp.conn.TcpConnection.F_TIMESTAMPS;
import static dev.ferry.tcp.conn.TcpConnection.NONE;

import dev.ferry.tcp.seq.Seq;

/**
 * RACK-TLP loss detection (RFC 8985) for a connection whose peer SACKs (section 4 requires SACK;
 * without it {@link NewReno} recovers alone).
 *
 * <p>RACK (section 6) judges a transmission lost by time: once a transmission sent after it was
 * delivered, and a reordering window more than an RTT passed since it left. That sees what RFC
 * 6675's count of SACKed segments cannot: a lost retransmission, and a loss with too few segments
 * sent after it. TLP (section 7) sends one probe about two SRTTs after the last transmission when
 * nothing is SACKed, so that a lost tail is reported by the probe's ACK instead of waiting for the
 * RTO.
 *
 * <p>How it fits {@link SackRecovery}, which keeps RFC 6675's scoreboard, pipe and NextSeg: as in
 * Linux, RACK replaces DupThresh as the loss signal. Its verdict on first transmissions is a
 * boundary ({@link #lostEdge}): first transmissions leave in sequence order, so the lost ones lie
 * below the highest one judged lost, which is RFC 6675's "IsLost" boundary in the same form.
 * Retransmissions leave out of sequence order, so a lost one is marked in {@link SendTimes} and
 * resent before any other hole ({@link SackRecovery#nextLostHole}).
 *
 * <p>Timers: the reorder timer (section 6.2 step 6) and the probe timeout (section 7.2) are two
 * more deadlines the connection's one timer takes the earliest of ({@link TimerEvents}).
 *
 * <p>Held in the connection's {@link Transfer}: allocated once, nothing per segment or ACK.
 */
final class Rack {
    /** WCDelAckT: the longest a receiver may delay the ACK of a lone segment (RFC 8985 7.2). */
    static final long WORST_CASE_DELAYED_ACK_NS = 200_000_000L;

    /**
     * Added to 2 x SRTT: on veth SRTT is tens of microseconds, and a receiver that is merely
     * descheduled that long must not draw probes (Linux adds two jiffies likewise).
     */
    static final long PROBE_TIMEOUT_MARGIN_NS = 2_000_000L;

    /** PTO before any RTT sample (RFC 8985 7.2). */
    private static final long PROBE_TIMEOUT_WITHOUT_RTT_NS = 1_000_000_000L;

    /** The most the D-SACK adaptation widens the window to (it is capped by SRTT anyway). */
    private static final int MAX_REORDER_WINDOW_MULTIPLIER = 64;

    /** Rounds without D-SACK after which the window goes back to its base (section 6.2 step 4). */
    private static final int REORDER_WINDOW_PERSISTENCE = 16;

    final SendTimes times = new SendTimes();

    // RACK.xmit_ts and RACK.end_seq: the latest-sent delivered transmission; RACK.rtt its RTT.
    private boolean delivered;
    private long xmitNs;
    private int endSeq;
    private long rttNs;
    /** RACK.fack: the highest sequence number delivered. */
    private int fack;

    private boolean reorderingSeen;
    private int reorderWindowMultiplier = 1;
    private int reorderWindowPersistence;
    private boolean dsackRoundOpen;
    private int dsackRound;
    /** Every un-SACKed first transmission below it was judged lost. */
    private int lostEdge;

    long reorderDeadlineNs = NONE;

    // TLP.end_seq and TLP.is_retrans, and whether a probe is outstanding at all.
    long probeDeadlineNs = NONE;
    private boolean probeOutstanding;
    private int probeEndSeq;
    private boolean probeRetransmitted;
    /** An RTT sample came since the last probe (section 7.3: required for the next one). */
    private boolean sampledSinceProbe;
    /** New data left or was acknowledged since the probe timeout was last set (section 7.2). */
    private boolean probeRearmDue;

    /** Whether RACK-TLP runs on {@code c}: switched on, and the peer SACKs. */
    static boolean enabled(TcpConnection c) {
        return c.has(F_SACK) && c.config.rackTlp();
    }

    void reset(int una) {
        times.clear();
        delivered = false;
        xmitNs = 0;
        endSeq = una;
        rttNs = 0;
        fack = una;
        reorderingSeen = false;
        reorderWindowMultiplier = 1;
        reorderWindowPersistence = 0;
        dsackRoundOpen = false;
        dsackRound = una;
        lostEdge = una;
        reorderDeadlineNs = NONE;
        resetProbe();
        sampledSinceProbe = true;
    }

    /** The connection closed or entered TIME_WAIT: nothing is left to judge or probe. */
    void stopTimers() {
        reorderDeadlineNs = NONE;
        resetProbe();
    }

    private void resetProbe() {
        probeDeadlineNs = NONE;
        probeOutstanding = false;
        probeRearmDue = false;
    }

    // ---------------------------------------------------------------- transmissions

    /** [from, to) left at {@code nowNs}: for the first time, or again. */
    void onSent(TcpConnection c, int from, int to, boolean retransmission, boolean probe, long nowNs) {
        if (!Seq.lt(from, to)) {
            return;
        }
        boolean tracked = retransmission ? times.resent(from, to, nowNs) : times.sent(from, to, nowNs);
        if (!tracked) {
            c.host.counters().increment(TcpCounter.SEND_TIMES_FULL);
        }
        if (!retransmission && !probe) {
            probeRearmDue = true;
        }
    }

    // ---------------------------------------------------------------- ACKs (section 6.2)

    /**
     * An acceptable ACK, after SND.UNA and the scoreboard took it in. Updates RACK's clock from
     * what it delivered (steps 1-3), the reordering window (step 4), the probe (7.4), and judges
     * losses (step 5), arming the reorder timer for what is not yet due (step 6).
     *
     * @param dsack          the ACK reported a segment received twice (RFC 2883)
     * @param recoveryEnded  this ACK ended fast or RTO recovery
     */
    void onAck(TcpConnection c, SegmentIn in, boolean cumulative, boolean dsack, boolean recoveryEnded, long nowNs) {
        int una = c.sndUna;
        if (probeOutstanding && Seq.ge(una, probeEndSeq)) {
            probeAnswered(c, dsack);
        }
        adaptReorderWindow(c, dsack, recoveryEnded);
        if (cumulative) {
            probeRearmDue = true;
        }
        if (una == c.t.sndMax) {
            // Everything arrived: nothing is left to judge, and whatever is sent next is newer
            // than all that was delivered, so RACK's clock needs no update until it is delivered.
            if (times.count() > 0) {
                sampledSinceProbe = true;
                times.clear();
            }
            fack = Seq.max(fack, una);
            reorderDeadlineNs = NONE;
            probeDeadlineNs = NONE;
            return;
        }
        SackScoreboard board = c.t.sack.board;
        int n = 0;
        while (n < times.count() && Seq.lt(times.start(n), una)) {
            deliver(c, n, in, una, board, nowNs);
            n++;
        }
        times.acknowledge(una);
        if (in.sackBlockCount() > 0 && !board.isEmpty()) {
            for (int i = 0; i < times.count(); i++) {
                if (board.sackedWithin(times.start(i), times.end(i)) > 0) {
                    deliver(c, i, in, una, board, nowNs);
                }
            }
        }
        detectLosses(c, nowNs);
    }

    /**
     * Steps 2 and 3 for record {@code i}, some of which was delivered: RACK.xmit_ts / end_seq /
     * rtt, and whether it arrived below what was delivered before (reordering).
     */
    private void deliver(TcpConnection c, int i, SegmentIn in, int una, SackScoreboard board, long nowNs) {
        long sentNs = times.sentNs(i);
        int start = times.start(i);
        int end = times.end(i);
        // The highest byte of this transmission known delivered: records are whole bursts.
        int deliveredEnd = Seq.max(Seq.min(end, una), board.highestSackedWithin(start, end));
        if (times.has(i, SendTimes.DELIVERED)) {
            // Its time is in RACK's clock already; only more of the same burst may have arrived.
            if (delivered && sentNs == xmitNs && Seq.gt(deliveredEnd, endSeq)) {
                endSeq = deliveredEnd;
            }
            noteFack(deliveredEnd, true);
            return;
        }
        times.mark(i, SendTimes.DELIVERED);
        boolean retransmitted = times.has(i, SendTimes.RETRANSMITTED);
        long rtt = nowNs - sentNs;
        if (retransmitted) {
            // Step 2: the ACK may answer the first transmission, not this one (Karn's ambiguity).
            if (c.has(F_TIMESTAMPS) && in.hasTimestamps() && Seq.lt(in.tsEcr(), Timestamps.clock(sentNs, c.tsOffset))) {
                return;
            }
            long minRtt = c.t.rtt.minRttNs();
            if (minRtt >= 0 && rtt < minRtt) {
                return;
            }
        }
        rttNs = rtt;
        sampledSinceProbe = true;
        if (!delivered || sentNs > xmitNs || (sentNs == xmitNs && Seq.gt(deliveredEnd, endSeq))) {
            delivered = true;
            xmitNs = sentNs;
            endSeq = deliveredEnd;
        }
        noteFack(deliveredEnd, retransmitted);
    }

    /** Step 3: a first transmission delivered below the highest delivered byte was reordered. */
    private void noteFack(int end, boolean retransmitted) {
        if (Seq.gt(end, fack)) {
            fack = end;
        } else if (Seq.lt(end, fack) && !retransmitted) {
            reorderingSeen = true;
        }
    }

    /** Step 4: D-SACKs widen the window by a quarter min RTT per round that saw one. */
    private void adaptReorderWindow(TcpConnection c, boolean dsack, boolean recoveryEnded) {
        if (dsackRoundOpen && Seq.ge(c.sndUna, dsackRound)) {
            dsackRoundOpen = false;
        }
        if (!dsackRoundOpen && dsack) {
            dsackRoundOpen = true;
            dsackRound = c.t.sndMax;
            reorderWindowMultiplier = Math.min(MAX_REORDER_WINDOW_MULTIPLIER, reorderWindowMultiplier + 1);
            reorderWindowPersistence = REORDER_WINDOW_PERSISTENCE;
        } else if (recoveryEnded && --reorderWindowPersistence <= 0) {
            reorderWindowMultiplier = 1;
        }
    }

    /** RACK.reo_wnd (step 4). */
    long reorderWindowNs(TcpConnection c) {
        SackRecovery sack = c.t.sack;
        if (!reorderingSeen) {
            // Without evidence of reordering, behave like DupThresh: in recovery, or once enough
            // is SACKed, what was sent before a delivered segment is lost at once.
            if (sack.inFastRecovery() || sack.afterTimeout()) {
                return 0;
            }
            if (sack.board.sackedBytes() > (SackRecovery.DUP_THRESH - 1) * Sender.dataMss(c)) {
                return 0;
            }
        }
        long minRtt = c.t.rtt.minRttNs();
        long base = minRtt >= 0 ? minRtt : rttNs;
        long window = reorderWindowMultiplier * (base / 4);
        long srtt = c.t.rtt.srttNs();
        return srtt >= 0 ? Math.min(window, srtt) : window;
    }

    /**
     * Step 5: every transmission sent before the latest delivered one, not delivered itself, is
     * lost once RACK.rtt + RACK.reo_wnd passed since it left; the reorder timer (step 6) is set, as
     * the RFC's pseudocode sets it, for the latest moment one not yet lost would be. Returns whether anything new was judged
     * lost.
     */
    boolean detectLosses(TcpConnection c, long nowNs) {
        reorderDeadlineNs = NONE;
        if (!delivered) {
            return false;
        }
        SackScoreboard board = c.t.sack.board;
        long window = reorderWindowNs(c);
        long waitNs = 0;
        boolean marked = false;
        for (int i = 0; i < times.count(); i++) {
            if (times.has(i, SendTimes.LOST)) {
                continue;
            }
            int start = times.start(i);
            int end = times.end(i);
            long sentNs = times.sentNs(i);
            boolean retransmitted = times.has(i, SendTimes.RETRANSMITTED);
            // The part of this transmission that left before the latest delivered one.
            int before;
            if (sentNs < xmitNs) {
                before = end;
            } else if (sentNs == xmitNs && Seq.gt(endSeq, start)) {
                before = Seq.min(end, endSeq);
            } else {
                if (!retransmitted && times.retransmittedRecords() == 0) {
                    break; // first transmissions leave in order: none after this one is older
                }
                continue;
            }
            if (retransmitted ? before != end : !Seq.gt(before, lostEdge)) {
                continue; // a retransmission is judged whole; a first one may be below the edge already
            }
            int from = retransmitted ? start : Seq.max(start, lostEdge);
            if (board.sackedWithin(from, before) == Seq.distance(from, before)) {
                continue; // all of it arrived
            }
            long remainingNs = sentNs + rttNs + window - nowNs;
            if (remainingNs > 0) {
                waitNs = Math.max(waitNs, remainingNs);
                continue;
            }
            marked = true;
            c.host.counters().increment(TcpCounter.RACK_LOST);
            if (retransmitted) {
                times.mark(i, SendTimes.LOST); // resent first (SackRecovery.nextLostHole)
            } else {
                lostEdge = before;
            }
        }
        if (waitNs > 0) {
            reorderDeadlineNs = nowNs + waitNs;
        }
        return marked;
    }

    /** The first byte not judged lost among first transmissions (at least {@code una}). */
    int lostEdge(int una) {
        return Seq.max(lostEdge, una);
    }

    /** Whether RACK judged something outstanding lost. */
    boolean lossPending(int una) {
        return Seq.gt(lostEdge, una) || times.lostRecords() > 0;
    }

    /** Fast recovery or an RTO starts: the probe episode ends (section 7.1). */
    void onRecoveryStart() {
        resetProbe();
    }

    /**
     * The RTO fired: RFC 6675 5.1 deems everything outstanding lost and resends it in order, which
     * covers what RACK had marked.
     */
    void onRetransmitTimeout(int una) {
        times.clearMark(SendTimes.LOST);
        lostEdge = una;
        reorderDeadlineNs = NONE;
        resetProbe();
    }

    // ---------------------------------------------------------------- TLP (section 7)

    /**
     * Section 7.2: after new data left or new data was acknowledged, (re)arm the probe timeout,
     * unless recovery is under way or something is SACKed (RACK has ACKs to judge by then).
     */
    void armProbe(TcpConnection c, long nowNs) {
        SackRecovery sack = c.t.sack;
        if (c.t.sndMax == c.sndUna || sack.inFastRecovery() || sack.afterTimeout() || !sack.board.isEmpty()) {
            probeDeadlineNs = NONE;
            probeRearmDue = false;
            return;
        }
        if (!probeRearmDue) {
            return;
        }
        probeRearmDue = false;
        long srtt = c.t.rtt.srttNs();
        long timeout;
        if (srtt >= 0) {
            timeout = 2 * srtt + PROBE_TIMEOUT_MARGIN_NS;
            if (Seq.distance(c.sndUna, c.t.sndMax) <= Sender.dataMss(c)) {
                timeout += WORST_CASE_DELAYED_ACK_NS; // a lone segment's ACK may be delayed
            }
        } else {
            timeout = PROBE_TIMEOUT_WITHOUT_RTT_NS;
        }
        probeDeadlineNs = Math.min(nowNs + timeout, c.t.rtxDeadlineNs); // never later than the RTO
    }

    /**
     * The probe timeout fired (section 7.3): unless a probe is still out or no RTT was measured
     * since the last one, send one (new data if the peer's window allows, else the last segment
     * again), then re-arm the RTO, not the probe.
     */
    void onProbeTimeout(TcpConnection c, long nowNs) {
        probeDeadlineNs = NONE;
        SackRecovery sack = c.t.sack;
        if (c.t.sndMax == c.sndUna || probeOutstanding || !sampledSinceProbe) {
            return;
        }
        if (sack.inFastRecovery() || sack.afterTimeout() || !sack.board.isEmpty()) {
            return;
        }
        int kind = Sender.lossProbe(c, nowNs);
        if (kind == Sender.PROBE_NONE) {
            return;
        }
        c.host.counters().increment(TcpCounter.TLP_PROBE);
        probeOutstanding = true;
        probeEndSeq = c.t.sndMax;
        probeRetransmitted = kind == Sender.PROBE_RETRANSMISSION;
        sampledSinceProbe = false;
        probeRearmDue = false;
        c.t.rtxDeadlineNs = nowNs + c.t.rtt.rtoNs(c.config);
    }

    /**
     * Section 7.4, in its simple form: the ACK covers the probe. A probe of new data repaired
     * nothing by itself (RACK judges the tail from the SACKs it brings). A resent segment whose
     * ACK carries no D-SACK was the only copy to arrive: the tail was lost and the probe repaired
     * it, which is a congestion signal like any loss, so cwnd is reduced once (7.4.2).
     */
    private void probeAnswered(TcpConnection c, boolean dsack) {
        probeOutstanding = false;
        if (probeRetransmitted && !dsack) {
            c.host.counters().increment(TcpCounter.TLP_RECOVERY);
            c.t.congestion.reduceAfterProbe(Sender.dataMss(c));
        }
    }

    @Override
    public String toString() {
        return "Rack[xmit=" + xmitNs + " end=" + Integer.toUnsignedString(endSeq) + " rtt=" + rttNs + " lostEdge="
                + Integer.toUnsignedString(lostEdge) + " reoDeadline="
                + reorderDeadlineNs + " probeDeadline=" + probeDeadlineNs + " " + times + "]";
    }
}
