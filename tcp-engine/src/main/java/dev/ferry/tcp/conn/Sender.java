package dev.ferry.tcp.conn;

import static dev.ferry.tcp.conn.TcpConnection.F_ACK_NOW;
import static dev.ferry.tcp.conn.TcpConnection.F_FIN_QUEUED;
import static dev.ferry.tcp.conn.TcpConnection.F_FORCE_SEND;
import static dev.ferry.tcp.conn.TcpConnection.F_NO_DELAY;
import static dev.ferry.tcp.conn.TcpConnection.F_OUTPUT_REQUESTED;
import static dev.ferry.tcp.conn.TcpConnection.F_PROBING;
import static dev.ferry.tcp.conn.TcpConnection.F_SACK;
import static dev.ferry.tcp.conn.TcpConnection.F_TIMESTAMPS;
import static dev.ferry.tcp.conn.TcpConnection.F_WINDOW_SCALING;
import static dev.ferry.tcp.conn.TcpConnection.LIMIT_CONGESTION;
import static dev.ferry.tcp.conn.TcpConnection.LIMIT_NONE;
import static dev.ferry.tcp.conn.TcpConnection.LIMIT_PEER_WINDOW;
import static dev.ferry.tcp.conn.TcpConnection.NONE;

import dev.ferry.tcp.api.CloseReason;
import dev.ferry.tcp.seq.Seq;
import dev.ferry.tcp.wire.TcpFlags;

/**
 * Everything a connection transmits: SYN and SYN-ACK, data under the send and congestion windows
 * with Nagle and sender-side silly-window avoidance (RFC 9293 3.7.4, 3.8.6.2.1), retransmissions,
 * ACKs with SACK blocks, window and keepalive probes, and resets. Also the window we advertise,
 * with receiver-side silly-window avoidance (3.8.6.2.2).
 */
final class Sender {
    /** Outcomes of one attempt to send the next data segment. */
    private static final int SENT = 1;

    private static final int NOTHING_TO_SEND = 0;
    private static final int TX_FULL = -1;
    private static final int HELD_BACK = -2;
    private static final int WINDOW_LIMITED = -3;

    private Sender() {}

    static void output(TcpConnection c, long nowNs) {
        switch (c.state()) {
            case SYN_SENT, SYN_RECEIVED -> handshakeOutput(c, nowNs); // our SYN until it is acknowledged
            case ESTABLISHED, FIN_WAIT_1, CLOSE_WAIT, CLOSING, LAST_ACK -> {
                dataOutput(c, nowNs); // data and our FIN may be queued or outstanding
                ackIfOwed(c, nowNs);
            }
            case FIN_WAIT_2, TIME_WAIT -> ackIfOwed(c, nowNs); // all we sent is acknowledged
            case CLOSED, LISTEN -> {} // nothing leaves a closed connection
        }
    }

    /** Payload bytes per segment: the negotiated MSS less the options every segment carries. */
    static int dataMss(TcpConnection c) {
        return Math.max(1, c.effectiveMss() - (c.has(F_TIMESTAMPS) ? 12 : 0));
    }

    private static void handshakeOutput(TcpConnection c, long nowNs) {
        if (c.t.sndNxt == c.t.iss && !sendSyn(c, nowNs)) {
            return;
        }
        if (c.state() == TcpState.SYN_RECEIVED) {
            ackIfOwed(c, nowNs);
        }
    }

    private static boolean sendSyn(TcpConnection c, long nowNs) {
        boolean synAck = c.state() == TcpState.SYN_RECEIVED;
        int window = Math.min(65_535, c.receiveSpace()); // a SYN's window is never scaled
        SegmentOut out = c.host.segmentOut();
        out.start(synAck ? TcpFlags.SYN | TcpFlags.ACK : TcpFlags.SYN, c.t.iss, synAck ? c.rcvNxt : 0, window);
        TcpConfig config = c.config;
        if (synAck) {
            // Answer only what the peer offered (negotiate() cleared what it did not).
            out.synOptions(c.ourMss(), c.has(F_WINDOW_SCALING) ? c.receiveWindowScale() : -1, c.has(F_SACK));
            if (c.has(F_TIMESTAMPS)) {
                out.timestamps(Timestamps.clock(nowNs, c.tsOffset), c.tsRecent);
            }
        } else {
            out.synOptions(c.ourMss(), config.windowScaling() ? config.receiveWindowScale() : -1, config.sack());
            if (config.timestamps()) {
                out.timestamps(Timestamps.clock(nowNs, c.tsOffset), 0);
            }
        }
        if (!transmit(c, out)) {
            return false;
        }
        if (synAck) {
            c.rcvAdvEdge = Seq.max(c.rcvAdvEdge, c.rcvNxt + window);
            ackSent(c);
        }
        c.t.sndNxt = c.t.iss + 1;
        c.t.sndMax = Seq.max(c.t.sndMax, c.t.sndNxt);
        if (c.t.retries == 0) {
            c.t.rtt.startTiming(c.t.sndNxt, nowNs); // Karn: only a SYN sent once gives a sample
        }
        if (c.t.rtxDeadlineNs == NONE) {
            c.t.rtxDeadlineNs = nowNs + c.t.rtt.rtoNs(config);
        }
        return true;
    }

    // ---------------------------------------------------------------- data

    private static void dataOutput(TcpConnection c, long nowNs) {
        int maxTxPayload = c.host.maxTxPayload(c);
        int outcome;
        if (c.has(F_SACK)) {
            outcome = sackDataOutput(c, nowNs, maxTxPayload);
        } else {
            do {
                outcome = nextDataSegment(c, nowNs, maxTxPayload, Seq.distance(c.sndUna, c.t.sndNxt));
            } while (outcome == SENT);
        }
        c.flags &= ~F_FORCE_SEND;
        noteLimit(c, outcome, nowNs);
        if (Rack.enabled(c)) {
            c.t.rack.armProbe(c, nowNs);
        }
        if (c.t.rtxDeadlineNs == NONE
                && (c.t.sndMax != c.sndUna || outcome == WINDOW_LIMITED || outcome == HELD_BACK)) {
            // Data outstanding keeps the RTO running (RFC 6298 5.1) even when a resend found no
            // room; with nothing in flight no ACK will come to open the window, so the persist
            // timer probes it (RFC 9293 3.8.6.1) or overrides silly-window avoidance (3.8.6.2.1).
            c.t.rtxDeadlineNs = nowNs + c.t.rtt.rtoNs(c.config);
        }
    }

    /**
     * Output of a connection whose peer SACKs (RFC 6675 section 5 step C): cwnd - pipe is what may
     * be added to the network, and it goes to lost holes first (NextSeg rule 1), then to new data
     * (rule 2), then, in fast recovery, to holes not yet deemed lost (rule 3) and one rescue
     * retransmission (rule 4). With nothing SACKed and no recovery, pipe is the flight and this
     * is the plain loop.
     */
    private static int sackDataOutput(TcpConnection c, long nowNs, int maxTxPayload) {
        SackRecovery sack = c.t.sack;
        int mss = dataMss(c);
        int pipe = sack.pipe(c);
        while (true) {
            int room = c.t.congestion.cwnd() - pipe;
            if (room >= mss && sack.nextLostHole(c)) {
                int sent = resendHole(c, sack, room, nowNs, maxTxPayload, TcpCounter.SACK_HOLE_RETRANSMIT);
                if (sent == 0) {
                    return TX_FULL;
                }
                sack.retransmitted(sack.holeStart() + sent);
                pipe += sent;
                continue;
            }
            int nxtBefore = c.t.sndNxt;
            int outcome = nextDataSegment(c, nowNs, maxTxPayload, pipe);
            if (outcome == SENT) {
                pipe += Seq.distance(nxtBefore, c.t.sndNxt);
                continue;
            }
            if (outcome == TX_FULL || room < mss) {
                return outcome;
            }
            if (sack.nextUnlostHole(c)) {
                int sent = resendHole(c, sack, room, nowNs, maxTxPayload, TcpCounter.SACK_HOLE_RETRANSMIT);
                if (sent == 0) {
                    return TX_FULL;
                }
                sack.retransmitted(sack.holeStart() + sent);
                pipe += sent;
            } else if (sack.rescue(c)) {
                int sent = resendHole(c, sack, mss, nowNs, maxTxPayload, TcpCounter.SACK_RESCUE_RETRANSMIT);
                if (sent == 0) {
                    return TX_FULL;
                }
                pipe += sent;
            } else {
                return outcome;
            }
        }
    }

    /**
     * Resends the start of the hole {@code sack} chose: whole segments within {@code room}, as many
     * as one frame takes when the host segments for us. Returns the sequence space sent (0: TX full).
     */
    private static int resendHole(
            TcpConnection c, SackRecovery sack, int room, long nowNs, int maxTxPayload, TcpCounter counter) {
        int sent =
                resend(c, sack.holeStart(), Seq.distance(sack.holeStart(), sack.holeEnd()), room, nowNs, maxTxPayload);
        if (sent > 0) {
            c.host.counters().increment(counter);
        }
        return sent;
    }

    /** Tries to send the next data segment (and/or our FIN) and says what happened. */
    private static int nextDataSegment(TcpConnection c, long nowNs, int maxTxPayload, int pipe) {
        int unsent = Math.max(0, Seq.distance(c.t.sndNxt, c.dataEndSeq()));
        boolean finDue = c.has(F_FIN_QUEUED) && Seq.le(c.t.sndNxt, c.t.finSeq);
        if (unsent == 0 && !(finDue && c.t.sndNxt == c.t.finSeq)) {
            return NOTHING_TO_SEND;
        }
        int flight = Seq.distance(c.sndUna, c.t.sndNxt);
        if (flight == 0 && nowNs - c.lastSendNs() > c.t.rtt.rtoNs(c.config)) {
            c.t.congestion.onIdleRestart(dataMss(c), c.config.initialWindowSegments()); // RFC 5681 4.1
        }
        // The peer's window bounds the sequence space; cwnd bounds what is in the network (pipe).
        int usable = Math.max(0, Math.min(c.sndWnd - flight, c.t.congestion.cwnd() - pipe));
        SegmentOut out = c.host.segmentOut();
        out.start(TcpFlags.ACK, c.t.sndNxt, c.rcvNxt, 0);
        addOptions(c, out, nowNs);
        int segmentSize = Math.max(1, Math.min(c.effectiveMss(), maxTxPayload) - out.optionsLength());
        // Several segments in one frame only when the host can cut them (it offers more than its MSS).
        boolean offload = maxTxPayload > c.ourMss();
        int maxPayload = offload ? Math.max(1, maxTxPayload / segmentSize) * segmentSize : segmentSize;
        int length = Math.min(unsent, Math.min(usable, maxPayload));
        boolean fin = finDue && c.t.sndNxt + length == c.t.finSeq;
        if (length == 0 && !fin) {
            return unsent > 0 ? WINDOW_LIMITED : NOTHING_TO_SEND;
        }
        if (length > 0 && !worthSending(c, length, unsent, segmentSize, flight)) {
            return length < unsent && length < segmentSize ? WINDOW_LIMITED : HELD_BACK;
        }
        int flags = TcpFlags.ACK | (fin ? TcpFlags.FIN : 0) | (length > 0 && length == unsent ? TcpFlags.PSH : 0);
        out.flags(flags);
        out.payload(c.t.sendBuffer, Seq.distance(c.dataStartSeq(), c.t.sndNxt), length, segmentSize);
        finishHeader(c, out);
        if (!transmit(c, out)) {
            return TX_FULL;
        }
        afterDataSent(c, length, fin, flight, nowNs);
        if (length < segmentSize) {
            c.t.sndSmall = c.t.sndNxt; // Minshall: the end of the last small segment
        }
        return SENT;
    }

    /**
     * Nagle (RFC 9293 3.7.4) and sender-side silly-window avoidance (3.8.6.2.1): full segments
     * always go; the last small piece goes unless another small segment is still unacknowledged
     * (Minshall's refinement, as in Linux: a 3000-byte response is not held for an ACK), or
     * always when Nagle is off or we are closing; a piece cut short by the window goes when it is
     * at least half the largest window the peer offered.
     */
    private static boolean worthSending(TcpConnection c, int length, int unsent, int segmentSize, int flight) {
        if (length >= segmentSize || c.has(F_FORCE_SEND) || Seq.lt(c.t.sndNxt, c.t.sndMax)) {
            return true; // a full segment, an overdue one, or a resend of what the window held before
        }
        if (length == unsent) {
            return flight == 0 || c.has(F_NO_DELAY) || c.has(F_FIN_QUEUED) || !Seq.gt(c.t.sndSmall, c.sndUna);
        }
        return length >= c.maxSndWnd / 2;
    }

    private static void afterDataSent(TcpConnection c, int length, boolean fin, int flightBefore, long nowNs) {
        int end = c.t.sndNxt + length;
        if (Rack.enabled(c)) {
            boolean again = Seq.lt(c.t.sndNxt, c.t.sndMax);
            c.t.rack.onSent(c, c.t.sndNxt, end + (fin ? 1 : 0), again, c.has(F_PROBING), nowNs);
        }
        if (Seq.lt(c.t.sndNxt, c.t.sndMax)) {
            c.countRetransmit();
            c.t.rtt.cancelTiming(); // Karn's rule
            c.countBytesOut(Math.max(0, Seq.distance(c.t.sndMax, end)));
        } else {
            c.countBytesOut(length);
            c.t.rtt.startTiming(end, nowNs);
        }
        if (flightBefore == 0 || c.t.rtxDeadlineNs == NONE) {
            c.t.rtxDeadlineNs = nowNs + c.t.rtt.rtoNs(c.config); // RFC 6298 5.1 (also ends a persist wait)
        }
        c.t.sndNxt = end + (fin ? 1 : 0);
        c.t.sndMax = Seq.max(c.t.sndMax, c.t.sndNxt);
        c.lastSendNs(nowNs);
        if (length > 0) {
            c.lastDataNs(nowNs);
        }
        ackSent(c);
    }

    /**
     * Resends the first unacknowledged segment (fast retransmit, partial ACK, timeout), whatever
     * the windows say: that segment was inside them once, and the receiver never takes room back.
     * After a timeout it also serves as the probe of a window that a stale ACK reported as zero.
     * Returns the sequence space it covered (data and FIN), 0 when nothing went out.
     */
    static int retransmitFirst(TcpConnection c, long nowNs) {
        return resend(c, c.sndUna, Integer.MAX_VALUE, 1, nowNs, c.host.maxTxPayload(c));
    }

    /**
     * Resends from {@code seq}: at most {@code span} of sequence space, one segment, or as many
     * whole segments as {@code room} bytes hold when the host segments for us; the FIN with the
     * last byte when it was sent before and lies within {@code span}. Resent data was inside the
     * windows once, so they are not consulted. Returns the sequence space covered, 0 when
     * nothing went out.
     */
    private static int resend(TcpConnection c, int seq, int span, int room, long nowNs, int maxTxPayload) {
        int outstandingData = Math.max(0, Seq.distance(seq, Seq.min(c.dataEndSeq(), c.t.sndMax)));
        SegmentOut out = c.host.segmentOut();
        out.start(TcpFlags.ACK, seq, c.rcvNxt, 0);
        addOptions(c, out, nowNs);
        int segmentSize = Math.max(1, Math.min(c.effectiveMss(), maxTxPayload) - out.optionsLength());
        int segments = maxTxPayload > c.ourMss() ? Math.clamp(room / segmentSize, 1, maxTxPayload / segmentSize) : 1;
        int length = Math.min(outstandingData, Math.min(span, segments * segmentSize));
        boolean fin =
                c.has(F_FIN_QUEUED) && Seq.lt(c.t.finSeq, c.t.sndMax) && seq + length == c.t.finSeq && span > length;
        if (length == 0 && !fin) {
            return 0;
        }
        out.flags(TcpFlags.ACK | (fin ? TcpFlags.FIN : 0));
        out.payload(c.t.sendBuffer, Seq.distance(c.dataStartSeq(), seq), length, segmentSize);
        finishHeader(c, out);
        if (!transmit(c, out)) {
            return 0;
        }
        c.countRetransmit();
        c.t.rtt.cancelTiming();
        c.lastSendNs(nowNs);
        ackSent(c);
        if (c.t.rtxDeadlineNs == NONE) {
            c.t.rtxDeadlineNs = nowNs + c.t.rtt.rtoNs(c.config);
        }
        if (Rack.enabled(c)) {
            c.t.rack.onSent(c, seq, seq + length + (fin ? 1 : 0), true, false, nowNs);
        }
        return length + (fin ? 1 : 0);
    }

    /**
     * Resends one segment from {@code start} (at most up to {@code end}) whatever the windows say,
     * as {@link #retransmitFirst} does. Returns the sequence space it covered.
     */
    static int retransmitHole(TcpConnection c, int start, int end, long nowNs) {
        return resend(c, start, Seq.distance(start, end), 1, nowNs, c.host.maxTxPayload(c));
    }

    /** What {@link #lossProbe} sent. */
    static final int PROBE_NONE = 0;

    static final int PROBE_NEW_DATA = 1;
    static final int PROBE_RETRANSMISSION = 2;

    /**
     * A tail loss probe (RFC 8985 7.3): one segment of new data if the peer's window allows,
     * whatever cwnd says and Nagle would wait for; else the last segment sent, again.
     */
    static int lossProbe(TcpConnection c, long nowNs) {
        int maxTxPayload = c.host.maxTxPayload(c);
        int mss = dataMss(c);
        int saved = c.flags & (F_FORCE_SEND | F_PROBING);
        c.flags |= F_FORCE_SEND | F_PROBING;
        // A pipe of cwnd - one segment leaves room for exactly one, within the peer's window.
        int outcome = nextDataSegment(c, nowNs, maxTxPayload, c.t.congestion.cwnd() - mss);
        c.flags = (c.flags & ~(F_FORCE_SEND | F_PROBING)) | saved;
        if (outcome == SENT) {
            return PROBE_NEW_DATA;
        }
        if (outcome == TX_FULL) {
            return PROBE_NONE;
        }
        int end = c.t.sndMax;
        int start = Seq.max(c.sndUna, end - mss);
        int sent = resend(c, start, Seq.distance(start, end), mss, nowNs, maxTxPayload);
        return sent > 0 ? PROBE_RETRANSMISSION : PROBE_NONE;
    }

    /** Time spent wanting to send but held back by the peer's window or by cwnd. */
    private static void noteLimit(TcpConnection c, int outcome, long nowNs) {
        byte kind = LIMIT_NONE;
        if (outcome == WINDOW_LIMITED) {
            kind = c.t.congestion.cwnd() < c.sndWnd ? LIMIT_CONGESTION : LIMIT_PEER_WINDOW;
        }
        if (kind == c.t.limitKind) {
            return;
        }
        long spent = nowNs - c.t.limitedSinceNs;
        if (c.t.limitKind == LIMIT_PEER_WINDOW) {
            c.extras().peerWindowLimitedNs += spent;
        } else if (c.t.limitKind == LIMIT_CONGESTION) {
            c.extras().congestionLimitedNs += spent;
        }
        c.t.limitKind = kind;
        c.t.limitedSinceNs = nowNs;
    }

    // ---------------------------------------------------------------- ACKs, probes, resets

    private static void ackIfOwed(TcpConnection c, long nowNs) {
        if (c.has(F_ACK_NOW)) {
            sendAck(c, nowNs);
        }
    }

    /**
     * A bare ACK carries SND.MAX, not SND.NXT: while a timeout rolls SND.NXT back to resend, an
     * ACK numbered below what the peer already received would fail its sequence test and its
     * acknowledgment would be lost with it (BSD's tcp_output does the same).
     */
    private static void sendAck(TcpConnection c, long nowNs) {
        SegmentOut out = c.host.segmentOut();
        out.start(TcpFlags.ACK, c.t.sndMax, c.rcvNxt, 0);
        addOptions(c, out, nowNs);
        finishHeader(c, out);
        if (transmit(c, out)) {
            ackSent(c);
        }
    }

    /**
     * A zero-window or keepalive probe: an ACK one byte below SND.UNA, which the peer must answer
     * with an ACK carrying its current window (Linux's form; RFC 9293 3.8.4 allows it).
     */
    static void sendProbe(TcpConnection c, long nowNs) {
        SegmentOut out = c.host.segmentOut();
        out.start(TcpFlags.ACK, c.sndUna - 1, c.rcvNxt, 0);
        addOptions(c, out, nowNs);
        finishHeader(c, out);
        if (transmit(c, out)) {
            ackSent(c);
        }
    }

    /** A reset for an unacceptable ACK: {@code <SEQ=SEG.ACK><CTL=RST>} (RFC 9293 3.10.7). */
    static void resetFor(TcpConnection c, int seq) {
        SegmentOut out = c.host.segmentOut();
        out.start(TcpFlags.RST, seq, 0, 0);
        if (transmit(c, out)) {
            c.host.counters().increment(TcpCounter.RST_SENT);
        }
    }

    /** Aborts: a reset if the peer knows us (RFC 9293 3.10.5), then CLOSED with {@code reason}. */
    static void abort(TcpConnection c, CloseReason reason) {
        if (c.state() != TcpState.SYN_SENT && c.state() != TcpState.CLOSED && c.state() != TcpState.TIME_WAIT) {
            SegmentOut out = c.host.segmentOut();
            out.start(TcpFlags.RST | TcpFlags.ACK, c.t.sndMax, c.rcvNxt, 0); // as a bare ACK: see sendAck
            if (transmit(c, out)) {
                c.host.counters().increment(TcpCounter.RST_SENT);
            }
        }
        c.closeNow(reason);
    }

    // ---------------------------------------------------------------- shared parts of a segment

    /**
     * Timestamps on every segment once negotiated; SACK blocks while out-of-order data is held,
     * after a D-SACK block for a duplicate just received (RFC 2883).
     */
    private static void addOptions(TcpConnection c, SegmentOut out, long nowNs) {
        boolean timestamps = c.has(F_TIMESTAMPS);
        if (timestamps) {
            out.timestamps(Timestamps.clock(nowNs, c.tsOffset), c.tsRecent);
        }
        if (!c.has(F_SACK)) {
            return;
        }
        int blocks = timestamps ? 3 : 4;
        if (c.t.dsackRight != c.t.dsackLeft) {
            out.sackBlock(c.t.dsackLeft, c.t.dsackRight); // RFC 2883: the duplicate goes first
            blocks--;
        }
        if (c.t.receiveBuffer != null && c.t.receiveBuffer.outOfOrderRanges() > 0) {
            out.sackFrom(c.t.receiveBuffer, c.rcvNxt, blocks);
        }
    }

    /** The window goes in last: it is computed for the moment of sending. */
    private static void finishHeader(TcpConnection c, SegmentOut out) {
        out.window(advertiseWindow(c));
    }

    /**
     * The window to advertise, scaled down, and the new right edge. The edge never moves back
     * (RFC 9293 3.8.6.2.2: shrinking the window is discouraged), and it moves forward only by at
     * least min(half the buffer, one MSS) so the peer is never invited to send silly segments.
     */
    static int advertiseWindow(TcpConnection c) {
        int edge = c.rcvNxt + c.receiveSpace();
        int step = Math.min(c.config.receiveBufferBytes() / 2, c.effectiveMss());
        if (Seq.lt(edge, c.rcvAdvEdge) || Seq.distance(c.rcvAdvEdge, edge) < step) {
            edge = Seq.max(c.rcvAdvEdge, c.rcvNxt);
        }
        int window = Seq.distance(c.rcvNxt, edge);
        int raw = window >>> c.receiveWindowScale();
        if (c.rcvNxt + (raw << c.receiveWindowScale()) != edge
                && Seq.lt(c.rcvNxt + (raw << c.receiveWindowScale()), c.rcvAdvEdge)) {
            raw++; // round up rather than take back what was offered
        }
        raw = Math.min(raw, 65_535);
        c.rcvAdvEdge = Seq.max(c.rcvAdvEdge, c.rcvNxt + (raw << c.receiveWindowScale()));
        return raw;
    }

    private static void ackSent(TcpConnection c) {
        c.t.dsackLeft = c.t.dsackRight; // reported once
        c.flags &= ~F_ACK_NOW;
        c.t.ackDeadlineNs = NONE;
        c.t.unackedBytes = 0;
        c.t.lastAckSent = c.rcvNxt;
    }

    private static boolean transmit(TcpConnection c, SegmentOut out) {
        if (c.host.transmit(c, out)) {
            c.countSegmentOut();
            return true;
        }
        c.host.counters().increment(TcpCounter.TX_RING_FULL);
        if (!c.has(F_OUTPUT_REQUESTED)) {
            c.flags |= F_OUTPUT_REQUESTED;
            c.host.requestOutput(c); // try again on the next turn
        }
        return false;
    }
}
