package dev.ferry.tcp.conn;

import static dev.ferry.tcp.conn.TcpConnection.F_FIN_QUEUED;
import static dev.ferry.tcp.conn.TcpConnection.F_NOTIFY_LISTENER;
import static dev.ferry.tcp.conn.TcpConnection.F_NOTIFY_OPEN;
import static dev.ferry.tcp.conn.TcpConnection.F_SACK;
import static dev.ferry.tcp.conn.TcpConnection.F_SYN_ACKED;
import static dev.ferry.tcp.conn.TcpConnection.NONE;

import dev.ferry.tcp.api.CloseReason;
import dev.ferry.tcp.seq.Seq;
import dev.ferry.tcp.wire.TcpFlags;

/**
 * The ACK field of a segment in a synchronized state (RFC 9293 3.10.7.4, fifth check): the end of
 * a passive handshake, the acceptable range (with RFC 5961 5.2), the send window, new data
 * acknowledged (RTT, congestion, send buffer), duplicate ACKs and SACK blocks (loss recovery by
 * {@link SackRecovery} when the peer SACKs, by {@link NewReno} alone when it does not), and the
 * closing states' moves.
 */
final class AckArrival {
    private AckArrival() {}

    /** Returns false when the segment must be dropped here (or the connection ended). */
    static boolean process(TcpConnection c, SegmentIn in, long nowNs) {
        if (c.state() == TcpState.SYN_RECEIVED && !completeHandshake(c, in)) {
            return false;
        }
        int ack = in.ack();
        if (Seq.gt(ack, c.t.sndMax) || Seq.lt(ack, c.sndUna - c.maxSndWnd)) {
            // Acknowledges what we never sent, or is older than any window could explain.
            c.host.counters().increment(TcpCounter.DROP_BAD_ACK);
            c.ackNow();
            return false;
        }
        boolean windowChanged = updateWindow(c, in);
        boolean cumulative = Seq.gt(ack, c.sndUna);
        boolean duplicate = !cumulative && isDuplicate(c, in, windowChanged);
        if (cumulative) {
            onNewAck(c, ack, nowNs);
        }
        if (c.has(F_SACK)) {
            c.t.sack.onAck(c, in, cumulative, duplicate, nowNs);
        } else if (duplicate) {
            onDuplicateAck(c, ack, nowNs);
        }
        return afterAck(c, nowNs);
    }

    /** SYN_RECEIVED: an ACK of our SYN establishes the connection; any other ACK is reset. */
    private static boolean completeHandshake(TcpConnection c, SegmentIn in) {
        if (!Seq.inClosedRange(in.ack(), c.sndUna + 1, c.t.sndMax)) {
            c.host.counters().increment(TcpCounter.DROP_BAD_ACK);
            Sender.resetFor(c, in.ack());
            return false;
        }
        if (c.t.listener != null && c.t.listener.acceptQueueFull()) {
            // Like Linux: ignore the ACK; the retransmitted SYN-ACK gives the peer another try.
            c.host.counters().increment(TcpCounter.DROP_ACCEPT_QUEUE_FULL);
            return false;
        }
        c.state(c.has(F_FIN_QUEUED) ? TcpState.FIN_WAIT_1 : TcpState.ESTABLISHED);
        c.flags |= c.isPassive() ? F_NOTIFY_LISTENER : F_NOTIFY_OPEN;
        c.t.sndWl1 = in.seq() - 1; // make the window update below apply
        HandshakeArrival.startCongestionControl(c);
        return true;
    }

    /**
     * RFC 9293: take the window from the newest segment, judged by SND.WL1 / SND.WL2. A segment
     * whose ACK moves SND.UNA forward is new as well, whatever its sequence number: a
     * retransmission from the peer carries an old SEG.SEQ but a current window, and ignoring it
     * would leave the old window anchored at the new SND.UNA, beyond what the peer offers (Linux's
     * tcp_may_update_window does the same).
     */
    private static boolean updateWindow(TcpConnection c, SegmentIn in) {
        int ack = in.ack();
        boolean newer = Seq.gt(ack, c.sndUna)
                || Seq.lt(c.t.sndWl1, in.seq())
                || (c.t.sndWl1 == in.seq() && Seq.le(c.t.sndWl2, ack));
        if (!Seq.le(c.sndUna, ack) || !newer) {
            return false;
        }
        int window = in.window() << c.sendWindowScale();
        boolean changed = window != c.sndWnd;
        if (c.sndWnd == 0 && window > 0) {
            c.t.rtt.resetBackoff(); // the zero window opened: probing is over
        }
        c.sndWnd = window;
        c.t.sndWl1 = in.seq();
        c.t.sndWl2 = ack;
        c.maxSndWnd = Math.max(c.maxSndWnd, window);
        return changed;
    }

    private static void onNewAck(TcpConnection c, int ack, long nowNs) {
        int dataStart = c.dataStartSeq();
        int queued = c.t.sendBuffer == null ? 0 : c.t.sendBuffer.length();
        int dataAcked = Math.clamp(Seq.distance(dataStart, ack), 0, queued);
        if (dataAcked > 0) {
            c.t.sendBuffer.release(dataAcked);
            c.releaseSendBufferIfEmpty();
        }
        c.flags |= F_SYN_ACKED;
        c.sndUna = ack;
        if (Seq.lt(c.t.sndNxt, ack)) {
            c.t.sndNxt = ack; // a late ACK covered segments we rolled back to resend
        }
        c.t.retries = 0;
        c.t.rtt.onAck(ack, nowNs, c.config);
        c.t.rtt.resetBackoff();
        int flight = Seq.distance(c.sndUna, c.t.sndNxt);
        if (c.t.congestion.onNewAck(dataAcked, ack, flight, Sender.dataMss(c))) {
            c.host.counters().increment(TcpCounter.PARTIAL_ACK_RETRANSMIT);
            Sender.retransmitFirst(c, nowNs);
        }
        // RFC 6298 5.2, 5.3: stop the timer when all is acknowledged, else restart it.
        c.t.rtxDeadlineNs = c.sndUna == c.t.sndMax ? NONE : nowNs + c.t.rtt.rtoNs(c.config);
    }

    /** RFC 5681 2: same ACK, no data, no SYN/FIN, same window, and data outstanding. */
    private static boolean isDuplicate(TcpConnection c, SegmentIn in, boolean windowChanged) {
        return in.ack() == c.sndUna
                && in.payloadLength() == 0
                && (in.flags() & (TcpFlags.SYN | TcpFlags.FIN)) == 0
                && !windowChanged
                && c.t.sndMax != c.sndUna;
    }

    private static void onDuplicateAck(TcpConnection c, int ack, long nowNs) {
        int flight = Seq.distance(c.sndUna, c.t.sndMax);
        if (c.t.congestion.onDuplicateAck(ack, flight, c.t.sndMax, Sender.dataMss(c))) {
            c.host.counters().increment(TcpCounter.FAST_RETRANSMIT);
            Sender.retransmitFirst(c, nowNs);
        }
    }

    /** The closing states move on once our FIN is acknowledged. */
    private static boolean afterAck(TcpConnection c, long nowNs) {
        boolean finAcked = c.has(F_FIN_QUEUED) && Seq.gt(c.sndUna, c.t.finSeq);
        if (!finAcked) {
            return true;
        }
        switch (c.state()) {
            case FIN_WAIT_1 -> enterFinWait2(c, nowNs); // our side is done; the peer's may go on
            case CLOSING -> {
                c.enterTimeWait(nowNs); // both FINs are acknowledged
                return false;
            }
            case LAST_ACK -> {
                c.closeNow(CloseReason.NORMAL); // the peer closed first; our FIN is acknowledged
                return false;
            }
            case ESTABLISHED, FIN_WAIT_2, CLOSE_WAIT -> {} // nothing to move (FIN_WAIT_2: already there)
            case CLOSED, LISTEN, SYN_SENT, SYN_RECEIVED, TIME_WAIT -> {} // not reached with a FIN acknowledged
        }
        return true;
    }

    private static void enterFinWait2(TcpConnection c, long nowNs) {
        c.state(TcpState.FIN_WAIT_2);
        long timeout = c.config.finWait2TimeoutNs();
        // A fully closed stream must not wait forever for a peer that never closes (Linux
        // tcp_fin_timeout); a half-closed one is re-checked each period (TimerEvents).
        c.t.rtxDeadlineNs = timeout > 0 ? nowNs + timeout : NONE;
    }
}
