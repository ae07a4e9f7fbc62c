package dev.ferry.tcp.conn;

import static dev.ferry.tcp.conn.TcpConnection.F_ACK_NOW;
import static dev.ferry.tcp.conn.TcpConnection.F_APP_CLOSED;
import static dev.ferry.tcp.conn.TcpConnection.F_NOTIFY_DATA;
import static dev.ferry.tcp.conn.TcpConnection.F_NOTIFY_EOF;
import static dev.ferry.tcp.conn.TcpConnection.F_PEER_FIN;
import static dev.ferry.tcp.conn.TcpConnection.F_PEER_FIN_PENDING;
import static dev.ferry.tcp.conn.TcpConnection.F_SACK;
import static dev.ferry.tcp.conn.TcpConnection.F_TIMESTAMPS;
import static dev.ferry.tcp.conn.TcpConnection.NONE;

import dev.ferry.tcp.api.CloseReason;
import dev.ferry.tcp.buffer.ReceiveBuffer;
import dev.ferry.tcp.seq.Seq;
import dev.ferry.tcp.wire.TcpFlags;

/**
 * A segment arriving in a synchronized state (SYN_RECEIVED through LAST_ACK), checked in the
 * order of RFC 9293 3.10.7.4: timestamps (RFC 7323 5.3), sequence number, RST (with RFC 5961 3.2),
 * SYN (RFC 5961 4.2), ACK ({@link AckArrival}), segment text, FIN.
 */
final class SynchronizedArrival {
    private SynchronizedArrival() {}

    static void process(TcpConnection c, SegmentIn in, long nowNs) {
        if (c.state() == TcpState.SYN_RECEIVED && isRetransmittedSyn(c, in)) {
            c.t.sndNxt = c.t.iss; // our SYN-ACK was lost: send it again
            c.host.counters().increment(TcpCounter.SYN_ACK_RESENT);
            return;
        }
        if (!passesTimestampChecks(c, in) || !passesSequenceCheck(c, in)) {
            return;
        }
        rememberTimestamp(c, in);
        // The peer is alive (and a blind attacker cannot pass for it): keepalive and persist
        // probing start over.
        c.lastRecvNs(nowNs);
        c.probes = 0;
        if (in.has(TcpFlags.RST)) {
            onReset(c, in, nowNs);
            return;
        }
        if (in.has(TcpFlags.SYN)) {
            challengeAck(c, nowNs); // RFC 5961 4.2: a SYN here is either stale or an attack
            return;
        }
        if (!in.has(TcpFlags.ACK)) {
            c.host.counters().increment(TcpCounter.DROP_NO_ACK);
            return;
        }
        if (!AckArrival.process(c, in, nowNs)) {
            return;
        }
        if (in.payloadLength() > 0) {
            onText(c, in, nowNs);
        }
        if (c.state() != TcpState.CLOSED) {
            onFin(c, in, nowNs);
        }
    }

    private static boolean isRetransmittedSyn(TcpConnection c, SegmentIn in) {
        return in.has(TcpFlags.SYN) && !in.has(TcpFlags.ACK) && in.seq() == c.t.irs;
    }

    /** RFC 7323 3.2 (a non-RST segment without timestamps) and 5.3 R1 (PAWS). */
    private static boolean passesTimestampChecks(TcpConnection c, SegmentIn in) {
        if (!c.has(F_TIMESTAMPS) || in.has(TcpFlags.RST)) {
            return true;
        }
        if (!in.hasTimestamps()) {
            c.host.counters().increment(TcpCounter.DROP_MISSING_TIMESTAMP);
            return false;
        }
        if (Seq.lt(in.tsVal(), c.tsRecent)) {
            c.host.counters().increment(TcpCounter.DROP_PAWS);
            c.ackNow();
            return false;
        }
        return true;
    }

    /**
     * The acceptability test of RFC 9293 3.10.7.4 against the window we advertised. A segment that
     * starts exactly at RCV.NXT always passes, so that with a zero window its ACK, RST and FIN are
     * still processed (the "special allowance"); its data is trimmed to the window later.
     */
    private static boolean passesSequenceCheck(TcpConnection c, SegmentIn in) {
        int seq = in.seq();
        int length = in.sequenceLength();
        int window = Seq.distance(c.rcvNxt, c.rcvAdvEdge);
        boolean acceptable = seq == c.rcvNxt
                || (window > 0
                        && (Seq.inRange(seq, c.rcvNxt, c.rcvAdvEdge)
                                || (length > 0 && Seq.inRange(seq + length - 1, c.rcvNxt, c.rcvAdvEdge))));
        if (!acceptable) {
            if (in.has(TcpFlags.RST)) {
                c.host.counters().increment(TcpCounter.DROP_RST_OUT_OF_WINDOW);
            } else {
                c.host.counters().increment(TcpCounter.DROP_OUT_OF_WINDOW);
                noteDuplicate(c, in);
                c.ackNow();
            }
        }
        return acceptable;
    }

    /**
     * RFC 2883 4: bytes below RCV.NXT arrived again; the next ACK reports them in its first SACK
     * block, so that the sender learns its retransmission (a tail loss probe, say) was not needed.
     */
    private static void noteDuplicate(TcpConnection c, SegmentIn in) {
        int start = in.seq();
        int end = start + in.payloadLength();
        if (c.has(F_SACK) && Seq.lt(start, c.rcvNxt) && Seq.lt(start, end)) {
            c.t.dsackLeft = start;
            c.t.dsackRight = Seq.min(end, c.rcvNxt);
        }
    }

    /** RFC 7323 4.3: keep the newest TSval of segments that reach the left edge of the window. */
    private static void rememberTimestamp(TcpConnection c, SegmentIn in) {
        if (c.has(F_TIMESTAMPS)
                && in.hasTimestamps()
                && Seq.ge(in.tsVal(), c.tsRecent)
                && Seq.le(in.seq(), c.t.lastAckSent)) {
            c.tsRecent = in.tsVal();
        }
    }

    /** RFC 5961 3.2: only a reset at exactly RCV.NXT is believed; others in the window are challenged. */
    private static void onReset(TcpConnection c, SegmentIn in, long nowNs) {
        if (in.seq() != c.rcvNxt) {
            challengeAck(c, nowNs);
            return;
        }
        c.host.counters().increment(TcpCounter.RST_ACCEPTED);
        switch (c.state()) {
            case SYN_RECEIVED -> c.closeNow(c.isPassive() ? CloseReason.RESET_BY_PEER : CloseReason.REFUSED);
            case ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT -> c.closeNow(CloseReason.RESET_BY_PEER);
            case CLOSING, LAST_ACK -> c.closeNow(CloseReason.RESET_BY_PEER); // RFC 9293: just close
            case CLOSED, LISTEN, SYN_SENT, TIME_WAIT -> {} // not synchronized, handled elsewhere
        }
    }

    /** Sends a challenge ACK (RFC 5961 3.2, 4.2, 5.2) within the per-second budget of section 7. */
    static void challengeAck(TcpConnection c, long nowNs) {
        int second = (int) (nowNs / 1_000_000_000L) & 0xFF_FFFF;
        ConnectionExtras x = c.extras(); // the first challenge ACK of a stream allocates it, once
        if ((x.challengeBudget >>> 8) != second) {
            x.challengeBudget = second << 8; // a new second: a new budget
        }
        if ((x.challengeBudget & 0xFF) >= Math.min(255, c.config.challengeAcksPerSecond())) {
            c.host.counters().increment(TcpCounter.CHALLENGE_ACK_RATE_LIMITED);
            return;
        }
        x.challengeBudget++;
        c.host.counters().increment(TcpCounter.CHALLENGE_ACK_SENT);
        c.ackNow();
    }

    /** Segment text (RFC 9293 3.10.7.4, seventh check). */
    private static void onText(TcpConnection c, SegmentIn in, long nowNs) {
        switch (c.state()) {
            case ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2 -> receiveData(c, in, nowNs); // the peer may still send
            case CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT -> afterPeerFin(c, in); // the peer's FIN came first
            case CLOSED, LISTEN, SYN_SENT, SYN_RECEIVED -> {} // not reached: ACK processing moved us on
        }
    }

    private static void afterPeerFin(TcpConnection c, SegmentIn in) {
        if (Seq.gt(in.seq() + in.payloadLength(), c.rcvNxt)) {
            c.host.counters().increment(TcpCounter.DROP_DATA_AFTER_FIN);
        }
        c.ackNow();
    }

    private static void receiveData(TcpConnection c, SegmentIn in, long nowNs) {
        int segStart = in.seq();
        int segEnd = segStart + in.payloadLength();
        if (c.has(F_APP_CLOSED) && Seq.gt(segEnd, c.rcvNxt)) {
            // RFC 1122 4.2.2.13: nobody will read these bytes; tell the peer at once.
            Sender.abort(c, CloseReason.ABORTED_UNREAD_DATA);
            return;
        }
        noteDuplicate(c, in); // the part of it we had already, if any
        int takeStart = Seq.max(segStart, c.rcvNxt);
        int takeEnd = Seq.min(segEnd, c.rcvAdvEdge);
        int take = Seq.distance(takeStart, takeEnd);
        if (take <= 0) {
            if (Seq.gt(segEnd, c.rcvAdvEdge)) {
                c.host.counters().increment(TcpCounter.DROP_OUT_OF_WINDOW);
            }
            c.ackNow(); // a duplicate, or nothing fits: tell the sender where we are
            return;
        }
        ReceiveBuffer buffer = c.receiveBufferForWrite();
        boolean fillsGap = buffer.outOfOrderRanges() > 0;
        int offset = Seq.distance(c.rcvNxt, takeStart);
        long source = in.payloadOffset() + Seq.distance(segStart, takeStart);
        int advanced = buffer.write(offset, in.payloadMemory(), source, take);
        if (advanced < 0) {
            c.host.counters().increment(TcpCounter.DROP_NO_BUFFER);
            c.releaseReceiveBufferIfEmpty();
            c.ackNow();
            return;
        }
        if (offset > 0) {
            c.ackNow(); // out of order: a duplicate ACK with SACK blocks, at once (RFC 5681 4.2)
            return;
        }
        c.rcvNxt += advanced;
        c.countBytesIn(advanced);
        c.lastDataNs(nowNs);
        c.flags |= F_NOTIFY_DATA;
        boolean trimmed = takeStart != segStart || takeEnd != segEnd;
        if (fillsGap || trimmed) {
            c.ackNow(); // the sender learns at once that a hole filled (RFC 5681 4.2)
        } else {
            delayAck(c, advanced, nowNs);
        }
    }

    /** RFC 9293 3.8.6.3 / RFC 5681 4.2: an ACK for at least every second full segment, else within the delay. */
    private static void delayAck(TcpConnection c, int bytes, long nowNs) {
        c.t.unackedBytes += bytes;
        int fullSegment = c.ourMss() - (c.has(F_TIMESTAMPS) ? 12 : 0);
        if (c.t.unackedBytes >= 2 * fullSegment) {
            c.ackNow();
        } else if (c.t.ackDeadlineNs == NONE) {
            c.t.ackDeadlineNs = nowNs + c.config.delayedAckNs();
        }
    }

    /** The FIN (RFC 9293 3.10.7.4, eighth check); one seen beyond a gap waits for the gap to fill. */
    private static void onFin(TcpConnection c, SegmentIn in, long nowNs) {
        if (in.has(TcpFlags.FIN) && !c.has(F_PEER_FIN)) {
            int finAt = in.seq() + in.payloadLength();
            if (Seq.gt(finAt, c.rcvAdvEdge) || Seq.lt(finAt, c.rcvNxt)) {
                c.ackNow(); // beyond what we accepted, or already consumed
                return;
            }
            c.t.peerFinSeq = finAt;
            c.flags |= F_PEER_FIN_PENDING;
            c.ackNow();
        }
        if (c.has(F_PEER_FIN_PENDING) && c.t.peerFinSeq == c.rcvNxt) {
            consumeFin(c, nowNs);
        }
    }

    private static void consumeFin(TcpConnection c, long nowNs) {
        c.rcvNxt++;
        c.flags = (c.flags & ~F_PEER_FIN_PENDING) | F_PEER_FIN | F_NOTIFY_EOF | F_ACK_NOW;
        switch (c.state()) {
            case ESTABLISHED -> c.state(TcpState.CLOSE_WAIT); // the peer is done sending; we may go on
            case FIN_WAIT_1 -> c.state(TcpState.CLOSING); // both FINs crossed; ours is not yet ACKed
            case FIN_WAIT_2 -> c.enterTimeWait(nowNs); // both FINs done
            case CLOSED, LISTEN, SYN_SENT, SYN_RECEIVED, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT -> {
                // FIN already consumed, or not a data state: unreachable by the checks above
            }
        }
    }

    /**
     * Whether an application read that grew the free space from {@code before} to {@code after}
     * deserves a window update of its own: the window we offered has shrunk to at most half the
     * buffer and would now at least double, by at least one MSS (receiver-side silly window
     * avoidance, RFC 9293 3.8.6.2.2, in Linux's form).
     */
    static boolean windowUpdateWorthSending(TcpConnection c, int before, int after) {
        if (!c.state().canReceiveData()) {
            return false;
        }
        int offered = Math.max(0, Seq.distance(c.rcvNxt, c.rcvAdvEdge));
        int limit = c.config.receiveBufferBytes();
        return offered <= limit / 2 && after >= 2 * offered && after - offered >= c.effectiveMss();
    }
}
