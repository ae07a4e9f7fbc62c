package dev.ferry.tcp.conn;

import dev.ferry.tcp.seq.Seq;

/**
 * Loss recovery from SACK information (RFC 6675) for a connection whose peer agreed to SACK;
 * {@link NewReno} keeps the windows, and recovers alone when the peer does not SACK.
 *
 * <p>RFC 6675 in this engine's terms: HighACK is SND.UNA, HighData is SND.MAX, RecoveryPoint is
 * {@link NewReno}'s recovery point. Its variables are held as sequence numbers one past the byte
 * the RFC names (as SND.UNA is), so "octet <= HighRxt" reads "seq < highRxt".
 *
 * <ul>
 *   <li>Each ACK: its SACK blocks go into the {@link SackScoreboard} (Update), an ACK that SACKs
 *       new data counts as a duplicate (section 2), and three of them, or one that shows a lost
 *       byte above SND.UNA (IsLost (HighACK + 1)), start fast recovery: half the flight, one
 *       retransmission of the first segment (section 5, steps 1, 2 and 4).
 *   <li>During recovery, {@link Sender} sends while cwnd - pipe allows ({@link #pipe}: SetPipe),
 *       in NextSeg's order: lost holes ({@link #nextLostHole}), new data, holes not yet lost
 *       ({@link #nextUnlostHole}), one rescue retransmission ({@link #rescue}).
 *   <li>A timeout (section 5.1) ends fast recovery, keeps the scoreboard, and counts every
 *       un-SACKed byte sent so far as lost: those holes are resent first, in order, as the
 *       restarted slow start allows, and SACKed data is not sent again. No fast recovery starts
 *       before that data is acknowledged.
 *   <li>With RACK-TLP on ({@link Rack}), RACK's verdicts replace DupThresh and IsLost: its lost
 *       edge is the loss boundary, a retransmission it judged lost is resent before any other
 *       hole and leaves pipe, and the head of a partial ACK is left to it (it waits out the
 *       reordering window where NewReno's inference would not).
 * </ul>
 *
 * <p>Held in the connection's {@link Transfer}: allocated once, nothing per ACK.
 */
final class SackRecovery {
    /** DupThresh (RFC 6675 section 2, RFC 5681). */
    static final int DUP_THRESH = 3;

    final SackScoreboard board = new SackScoreboard();
    private int dupAcks;
    private boolean fastRecovery;
    private boolean afterTimeout;
    /** HighRxt + 1: every un-SACKed byte below it was resent in this recovery (or after the timeout). */
    private int highRxt;
    /** RescueRxt + 1: a rescue retransmission may go once SND.UNA passes it (NextSeg rule 4). */
    private int rescueRxt;
    /** In fast recovery: bytes below it are lost whatever the scoreboard says (see {@link #onAck}). */
    private int headLost;
    /** The last ACK carried a D-SACK (RFC 2883). */
    private boolean dsackSeen;
    /** The range NextSeg chose, valid after one of the next* methods returned true. */
    private int holeStart;

    private int holeEnd;

    /** Forgets everything: no recovery, nothing SACKed, SND.UNA at {@code una}. */
    void reset(int una) {
        board.clear();
        dupAcks = 0;
        fastRecovery = false;
        afterTimeout = false;
        highRxt = una;
        rescueRxt = una;
        headLost = una;
        holeStart = una;
        holeEnd = una;
    }

    /** Whether fast recovery is under way. */
    boolean inFastRecovery() {
        return fastRecovery;
    }

    /** Whether holes found after a timeout are still being resent (RFC 6675 5.1). */
    boolean afterTimeout() {
        return afterTimeout;
    }

    /** Duplicate ACKs (RFC 6675's definition) counted outside recovery. */
    int duplicateAcks() {
        return dupAcks;
    }

    /**
     * An acceptable ACK of a SACK connection, after SND.UNA and the windows took it in ({@code
     * cumulative}: it acknowledged new data; {@code duplicate}: RFC 5681's duplicate ACK). Records
     * its SACK blocks, ends or continues recovery, and starts fast recovery when the evidence is
     * there, retransmitting the first segment at once (RFC 6675 section 5).
     */
    void onAck(TcpConnection c, SegmentIn in, boolean cumulative, boolean duplicate, long nowNs) {
        TcpCounters counters = c.host.counters();
        int una = c.sndUna;
        if (cumulative && board.acknowledge(una)) {
            // The peer dropped what it had SACKed: nothing on the scoreboard can be trusted. The
            // data is still in the send buffer; recovery or the RTO resends it.
            counters.increment(TcpCounter.SACK_RENEGED);
            board.clear();
        }
        dsackSeen = false;
        int newlySacked = record(c, in, counters);
        NewReno congestion = c.t.congestion;
        int mss = Sender.dataMss(c);
        boolean wasRecovering = fastRecovery || afterTimeout;
        if (Seq.ge(una, congestion.recover())) {
            // Everything sent before the loss was noticed is acknowledged: recovery is over
            // (RFC 6675 step A); the scoreboard above stays.
            fastRecovery = false;
            afterTimeout = false;
        }
        boolean rack = Rack.enabled(c);
        if (rack) {
            boolean ended = wasRecovering && !fastRecovery && !afterTimeout;
            c.t.rack.onAck(c, in, cumulative, dsackSeen, ended, nowNs);
        }
        if (fastRecovery) {
            if (cumulative && !rack) {
                // A partial ACK: the byte it asks for was sent before the loss was detected and is
                // still missing, as NewReno infers (RFC 6582 3.2); without SACK blocks above it,
                // IsLost alone would never say so. (RACK reaches the same verdict by time, and
                // waits out reordering first.)
                headLost = Seq.max(headLost, Seq.min(una + mss, c.t.sndMax));
            }
            return;
        }
        if (afterTimeout) {
            return;
        }
        if (rack) {
            // RACK replaces DupThresh as the signal (RFC 8985 6.2, as Linux does).
            onRackLoss(c, nowNs);
            return;
        }
        if (cumulative) {
            dupAcks = 0;
        }
        // RFC 6675 section 2: a duplicate ACK is one that SACKs new data. RFC 5681's kind counts
        // only from a peer that sends no blocks at all; one carrying blocks that say nothing new
        // reports a duplicated segment (D-SACK) or is malformed, neither a sign of loss.
        if (newlySacked > 0 || (duplicate && in.sackBlockCount() == 0)) {
            dupAcks++;
        }
        boolean lossSeen = dupAcks >= DUP_THRESH || Seq.gt(board.lostBoundary(DUP_THRESH, mss, una), una);
        if (lossSeen && c.t.sndMax != una) {
            enterFastRecovery(c, una, mss, nowNs);
        }
    }

    /**
     * RACK judged something lost (on an ACK or when its reorder timer fired): fast recovery
     * starts, unless it or the RTO's recovery is under way already (they resend what RACK found).
     */
    void onRackLoss(TcpConnection c, long nowNs) {
        int una = c.sndUna;
        if (!fastRecovery && !afterTimeout && c.t.sndMax != una && c.t.rack.lossPending(una)) {
            enterFastRecovery(c, una, Sender.dataMss(c), nowNs);
        }
    }

    /** Update (): the ACK's SACK blocks into the scoreboard. Returns the bytes newly SACKed. */
    private int record(TcpConnection c, SegmentIn in, TcpCounters counters) {
        int una = c.sndUna;
        int sndMax = c.t.sndMax;
        int newlySacked = 0;
        for (int i = 0; i < in.sackBlockCount(); i++) {
            int left = in.sackLeft(i);
            int right = in.sackRight(i);
            if (i == 0 && isDuplicateReport(in)) {
                counters.increment(TcpCounter.DSACK_RECEIVED);
                dsackSeen = true;
            } else if (!Seq.lt(left, right) || Seq.gt(right, sndMax)) {
                counters.increment(TcpCounter.SACK_BLOCK_INVALID); // reversed, or data never sent
            } else if (Seq.le(right, una)) {
                // Already acknowledged: an ACK overtaken by a newer one.
            } else if (Seq.le(left, una)) {
                counters.increment(TcpCounter.SACK_BLOCK_INVALID); // SACKs SND.UNA's byte yet does not ACK it
            } else {
                newlySacked += board.add(left, right, counters);
            }
        }
        return newlySacked;
    }

    /**
     * RFC 2883: a first block below the cumulative ACK, or inside the second block, reports a
     * segment received twice, not a hole.
     */
    private static boolean isDuplicateReport(SegmentIn in) {
        int left = in.sackLeft(0);
        int right = in.sackRight(0);
        if (Seq.lt(left, right) && Seq.le(right, in.ack())) {
            return true;
        }
        return in.sackBlockCount() > 1
                && Seq.lt(left, right)
                && Seq.ge(left, in.sackLeft(1))
                && Seq.le(right, in.sackRight(1))
                && Seq.lt(in.sackLeft(1), in.sackRight(1));
    }

    /**
     * RFC 6675 step 4: halve, resend the first segment, then send what cwnd - pipe allows (step
     * C). With RACK, what to resend first is what RACK judged lost, which output finds.
     */
    private void enterFastRecovery(TcpConnection c, int una, int mss, long nowNs) {
        int sndMax = c.t.sndMax;
        c.t.congestion.enterSelectiveRecovery(Seq.distance(una, sndMax), sndMax, mss);
        fastRecovery = true;
        dupAcks = 0;
        highRxt = una;
        headLost = una;
        c.host.counters().increment(TcpCounter.FAST_RETRANSMIT);
        if (Rack.enabled(c)) {
            c.t.rack.onRecoveryStart();
            // The first hole RACK judged lost goes at once, whatever pipe says (step 4.3).
            if (nextLostHole(c)) {
                int start = holeStart;
                retransmitted(start + Sender.retransmitHole(c, start, holeEnd, nowNs));
            }
            rescueRxt = una; // no rescue before the first retransmission is acknowledged
            return;
        }
        // The first segment is lost by the evidence that started recovery, whether or not the
        // SACKed bytes above it make IsLost say so.
        headLost = Seq.min(una + mss, sndMax);
        highRxt = una + Sender.retransmitFirst(c, nowNs);
        rescueRxt = highRxt; // (4.3): no rescue before this retransmission is acknowledged
    }

    /** A retransmission timeout (RFC 6675 5.1); {@link NewReno} already set the recovery point. */
    void onTimeout(TcpConnection c) {
        if (Rack.enabled(c)) {
            c.t.rack.onRetransmitTimeout(c.sndUna);
        }
        fastRecovery = false;
        afterTimeout = true;
        dupAcks = 0;
        highRxt = c.sndUna;
        headLost = c.sndUna;
    }

    /** Every un-SACKed byte below {@code end} was just resent. */
    void retransmitted(int end) {
        highRxt = Seq.max(highRxt, end);
    }

    /**
     * The first byte not deemed lost: below it, every un-SACKed byte is lost (IsLost, the fast
     * retransmit's first segment, partial ACKs; after a timeout all that was sent before it).
     */
    int lostEdge(TcpConnection c) {
        int una = c.sndUna;
        int edge;
        if (Rack.enabled(c)) {
            edge = c.t.rack.lostEdge(una);
        } else {
            edge = board.lostBoundary(DUP_THRESH, Sender.dataMss(c), una);
            if (fastRecovery) {
                edge = Seq.max(edge, headLost);
            }
        }
        if (afterTimeout) {
            edge = Seq.max(edge, c.t.congestion.recover());
        }
        return Seq.max(una, Seq.min(edge, c.t.sndMax));
    }

    /**
     * SetPipe (): the bytes presumed in the network, each un-SACKed byte counted once unless it is
     * lost, and once more if it was resent.
     */
    int pipe(TcpConnection c) {
        int una = c.sndUna;
        int sndMax = c.t.sndMax;
        int lost = lostEdge(c);
        int pipe = Seq.distance(lost, sndMax) - board.sackedWithin(lost, sndMax);
        int resentEnd = Seq.min(highRxt, sndMax);
        boolean recovering = fastRecovery || afterTimeout;
        if (recovering && Seq.gt(resentEnd, una)) {
            pipe += Seq.distance(una, resentEnd) - board.sackedWithin(una, resentEnd);
        }
        if (c.t.rack.times.lostRecords() > 0) {
            pipe -= lostRetransmissionsInPipe(c, lost, recovering ? resentEnd : una);
        }
        return Math.max(0, pipe);
    }

    /**
     * What the terms of {@link #pipe} count of retransmissions RACK judged lost: their un-SACKed
     * bytes once at or above the lost edge, and once more below {@code resentEnd}. They are no
     * longer in the network.
     */
    private int lostRetransmissionsInPipe(TcpConnection c, int lost, int resentEnd) {
        SendTimes times = c.t.rack.times;
        int bytes = 0;
        for (int i = 0; i < times.count(); i++) {
            if (!times.has(i, SendTimes.LOST)) {
                continue;
            }
            int start = times.start(i);
            int end = times.end(i);
            int above = Seq.max(start, lost);
            if (Seq.lt(above, end)) {
                bytes += Seq.distance(above, end) - board.sackedWithin(above, end);
            }
            int below = Seq.min(end, resentEnd);
            if (Seq.lt(start, below)) {
                bytes += Seq.distance(start, below) - board.sackedWithin(start, below);
            }
        }
        return bytes;
    }

    /** NextSeg rule 1: the first lost hole not yet resent, up to the next SACKed range. */
    boolean nextLostHole(TcpConnection c) {
        if (c.t.rack.times.lostRecords() > 0 && nextLostRetransmission(c)) {
            return true;
        }
        if (!fastRecovery && !afterTimeout) {
            return false;
        }
        int start = board.skipSacked(Seq.max(c.sndUna, highRxt));
        int lost = lostEdge(c);
        if (!Seq.lt(start, lost)) {
            return false;
        }
        holeStart = start;
        holeEnd = board.nextSackedAfter(start, lost);
        return true;
    }

    /**
     * A retransmission RACK judged lost goes before any other hole: it is the oldest loss, and
     * RFC 6675 alone would leave it to the RTO.
     */
    private boolean nextLostRetransmission(TcpConnection c) {
        SendTimes times = c.t.rack.times;
        for (int i = 0; i < times.count(); i++) {
            if (times.has(i, SendTimes.LOST)) {
                int start = board.skipSacked(times.start(i));
                if (Seq.lt(start, times.end(i))) {
                    holeStart = start;
                    holeEnd = board.nextSackedAfter(start, times.end(i));
                    return true;
                }
            }
        }
        return false;
    }

    /** NextSeg rule 3: in fast recovery, the first hole below the highest SACK not yet resent. */
    boolean nextUnlostHole(TcpConnection c) {
        if (!fastRecovery) {
            return false;
        }
        int start = board.skipSacked(Seq.max(c.sndUna, highRxt));
        int top = board.highestSacked(c.sndUna);
        if (!Seq.lt(start, top)) {
            return false;
        }
        holeStart = start;
        holeEnd = board.nextSackedAfter(start, top);
        return true;
    }

    /**
     * NextSeg rule 4: once per recovery, after the first retransmission is acknowledged, one
     * segment ending at the highest un-SACKed byte, so that a lost tail does not wait for the RTO.
     * Does not move HighRxt.
     */
    boolean rescue(TcpConnection c) {
        int una = c.sndUna;
        int sndMax = c.t.sndMax;
        if (!fastRecovery || !Seq.gt(una, rescueRxt) || una == sndMax) {
            return false;
        }
        int top = board.highestSacked(una);
        int end;
        int start;
        if (Seq.lt(top, sndMax)) {
            end = sndMax;
            start = top;
        } else {
            int n = board.count();
            end = board.left(n - 1);
            start = n > 1 ? board.right(n - 2) : una;
        }
        if (!Seq.gt(end, highRxt)) {
            return false; // the highest hole was resent already
        }
        holeStart = Seq.max(Seq.max(start, highRxt), end - Sender.dataMss(c));
        holeEnd = end;
        rescueRxt = c.t.congestion.recover();
        return true;
    }

    /** Start of the range the last successful next* call chose. */
    int holeStart() {
        return holeStart;
    }

    /** End (exclusive) of that range. */
    int holeEnd() {
        return holeEnd;
    }
}
