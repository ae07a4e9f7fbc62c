package dev.ferry.tcp.conn;

import static dev.ferry.tcp.conn.TcpConnection.F_FIN_QUEUED;
import static dev.ferry.tcp.conn.TcpConnection.F_NOTIFY_OPEN;
import static dev.ferry.tcp.conn.TcpConnection.F_PASSIVE;
import static dev.ferry.tcp.conn.TcpConnection.F_SACK;
import static dev.ferry.tcp.conn.TcpConnection.F_SYN_ACKED;
import static dev.ferry.tcp.conn.TcpConnection.F_TIMESTAMPS;
import static dev.ferry.tcp.conn.TcpConnection.F_WINDOW_SCALING;
import static dev.ferry.tcp.conn.TcpConnection.NONE;

import dev.ferry.tcp.api.CloseReason;
import dev.ferry.tcp.seq.Seq;
import dev.ferry.tcp.wire.TcpFlags;

/**
 * The peer's SYN: on a listener (passive open), in SYN_SENT (RFC 9293 3.10.7.3, including
 * simultaneous open), and the negotiation of MSS, window scale, SACK-permitted and timestamps.
 */
final class HandshakeArrival {
    private HandshakeArrival() {}

    /** A listener's SYN: the new connection goes to SYN_RECEIVED with its SYN-ACK pending. */
    static void onListenSyn(TcpConnection c, SegmentIn syn) {
        c.flags |= F_PASSIVE;
        c.state(TcpState.SYN_RECEIVED);
        takePeerSyn(c, syn);
        negotiate(c, syn);
        c.wantOutput();
    }

    /** RFC 9293 3.10.7.3. */
    static void inSynSent(TcpConnection c, SegmentIn in, long nowNs) {
        if (in.has(TcpFlags.ACK) && !Seq.inClosedRange(in.ack(), c.t.iss + 1, c.t.sndMax)) {
            // The ACK is not for our SYN: an old duplicate. Reset it unless it is a reset.
            c.host.counters().increment(TcpCounter.DROP_BAD_SYN_ACK);
            if (!in.has(TcpFlags.RST)) {
                Sender.resetFor(c, in.ack());
            }
            return;
        }
        if (in.has(TcpFlags.RST)) {
            if (in.has(TcpFlags.ACK)) {
                c.host.counters().increment(TcpCounter.RST_ACCEPTED);
                c.closeNow(CloseReason.REFUSED);
            } else {
                c.host.counters().increment(TcpCounter.DROP_RST_UNACCEPTABLE); // RFC 5961 3.2
            }
            return;
        }
        if (!in.has(TcpFlags.SYN)) {
            c.host.counters().increment(TcpCounter.DROP_NOT_SYN);
            return;
        }
        takePeerSyn(c, in);
        negotiate(c, in);
        if (in.has(TcpFlags.ACK)) {
            establishActive(c, in, nowNs);
        } else {
            // Simultaneous open (RFC 9293 3.5, figure 7): answer with SYN-ACK from the same ISS.
            c.state(TcpState.SYN_RECEIVED);
            c.t.sndNxt = c.t.iss;
        }
    }

    private static void establishActive(TcpConnection c, SegmentIn in, long nowNs) {
        c.sndUna = in.ack();
        c.t.sndNxt = Seq.max(c.t.sndNxt, c.sndUna);
        c.flags |= F_SYN_ACKED | F_NOTIFY_OPEN;
        c.t.rtt.onAck(in.ack(), nowNs, c.config);
        c.t.rtt.resetBackoff();
        c.t.rtxDeadlineNs = NONE;
        c.state(c.has(F_FIN_QUEUED) ? TcpState.FIN_WAIT_1 : TcpState.ESTABLISHED);
        startCongestionControl(c);
        c.ackNow();
    }

    /** IRS, RCV.NXT and the peer's unscaled SYN window; data on a SYN is not kept. */
    private static void takePeerSyn(TcpConnection c, SegmentIn syn) {
        c.t.irs = syn.seq();
        c.rcvNxt = syn.seq() + 1;
        c.rcvAdvEdge = c.rcvNxt;
        c.t.lastAckSent = c.rcvNxt;
        c.sndWnd = syn.window(); // never scaled in a SYN (RFC 7323 2.2)
        c.maxSndWnd = c.sndWnd;
        c.t.sndWl1 = syn.seq();
        c.t.sndWl2 = syn.ack();
        if (syn.payloadLength() > 0 || syn.has(TcpFlags.FIN)) {
            c.host.counters().increment(TcpCounter.DROP_SYN_DATA); // the peer sends it again
        }
    }

    /** Options take effect only when both SYNs carry them (RFC 7323 2.2, 3.2; RFC 2018 2). */
    private static void negotiate(TcpConnection c, SegmentIn syn) {
        TcpConfig config = c.config;
        int mss = syn.mss();
        if (mss < 0) {
            mss = config.defaultPeerMss();
        } else if (mss < config.minPeerMss()) {
            c.host.counters().increment(TcpCounter.PEER_MSS_CLAMPED); // zero or absurd: resource abuse
            mss = config.minPeerMss();
        }
        c.peerMss = (char) Math.min(mss, 65_535);
        if (config.windowScaling() && syn.windowScale() >= 0) {
            int shift = syn.windowScale();
            if (shift > 14) {
                c.host.counters().increment(TcpCounter.PEER_WINDOW_SCALE_CLAMPED); // RFC 7323 2.3
                shift = 14;
            }
            c.windowShifts(shift, config.receiveWindowScale());
            c.flags |= F_WINDOW_SCALING;
        } else {
            c.windowShifts(0, 0);
        }
        if (config.sack() && syn.sackPermitted()) {
            c.flags |= F_SACK;
        }
        if (config.timestamps() && syn.hasTimestamps()) {
            c.flags |= F_TIMESTAMPS;
            c.tsRecent = syn.tsVal();
        }
    }

    /** The initial window: one segment if our SYN had to be sent again (RFC 5681 3.1). */
    static void startCongestionControl(TcpConnection c) {
        int segments = c.t.retries > 0 ? 1 : c.config.initialWindowSegments();
        c.t.congestion.init(Sender.dataMss(c), segments, c.t.iss);
        if (c.t.retries > 0) {
            c.t.rtt.synRetransmitted(c.config);
            c.flags |= TcpConnection.F_SYN_LOST;
        }
        c.t.retries = 0;
    }
}
