package dev.ferry.tcp.conn;

import static dev.ferry.tcp.conn.TcpConnection.F_APP_CLOSED;
import static dev.ferry.tcp.conn.TcpConnection.F_FORCE_SEND;
import static dev.ferry.tcp.conn.TcpConnection.F_KEEPALIVE;
import static dev.ferry.tcp.conn.TcpConnection.F_SACK;
import static dev.ferry.tcp.conn.TcpConnection.NONE;

import dev.ferry.tcp.api.CloseReason;
import dev.ferry.tcp.seq.Seq;

/**
 * The one timer of a connection, multiplexed as in Linux's tcp_timer.c: the deadline handed to the
 * host is the earliest of the retransmission slot (RTO, SYN retransmission, persist, FIN_WAIT_2,
 * TIME_WAIT: never two at once), the delayed ACK, RACK's reorder timer and the tail loss probe
 * (RFC 8985), keepalive, the idle timeout, the handshake timeout and the maximum lifetime. When it
 * fires, each is checked against the clock, because the host's timer may be early (lazy
 * re-arming) or late.
 */
final class TimerEvents {
    private TimerEvents() {}

    /** The earliest moment something is due, or {@link TcpConnection#NONE}. */
    static long nextDeadline(TcpConnection c) {
        if (c.state() == TcpState.CLOSED) {
            return NONE;
        }
        long next = NONE;
        Transfer x = c.t;
        if (x != null) {
            next = Math.min(
                    Math.min(x.rtxDeadlineNs, x.ackDeadlineNs),
                    Math.min(x.rack.reorderDeadlineNs, x.rack.probeDeadlineNs));
        }
        TcpConfig config = c.config;
        if (c.state() == TcpState.TIME_WAIT) {
            return next;
        }
        if (config.maxLifetimeNs() > 0) {
            next = Math.min(next, c.createdNs + config.maxLifetimeNs());
        }
        if (config.idleTimeoutNs() > 0) {
            next = Math.min(next, c.lastDataNs() + config.idleTimeoutNs());
        }
        if (config.handshakeTimeoutNs() > 0 && inHandshake(c)) {
            next = Math.min(next, c.createdNs + config.handshakeTimeoutNs());
        }
        if (keepaliveArmed(c)) {
            next = Math.min(next, keepaliveDeadline(c));
        }
        return next;
    }

    static void fire(TcpConnection c, long nowNs) {
        TcpConfig config = c.config;
        if (c.state() != TcpState.TIME_WAIT) {
            if (config.maxLifetimeNs() > 0 && nowNs - c.createdNs >= config.maxLifetimeNs()) {
                Sender.abort(c, CloseReason.MAX_LIFETIME);
                return;
            }
            if (config.idleTimeoutNs() > 0 && nowNs - c.lastDataNs() >= config.idleTimeoutNs()) {
                Sender.abort(c, CloseReason.IDLE_TIMEOUT);
                return;
            }
            if (config.handshakeTimeoutNs() > 0
                    && inHandshake(c)
                    && nowNs - c.createdNs >= config.handshakeTimeoutNs()) {
                c.closeNow(
                        c.state() == TcpState.SYN_SENT ? CloseReason.CONNECT_TIMEOUT : CloseReason.HANDSHAKE_TIMEOUT);
                return;
            }
        }
        if (c.t.ackDeadlineNs <= nowNs) {
            c.t.ackDeadlineNs = NONE;
            c.ackNow(); // the delayed ACK is due
        }
        if (c.t.rack.reorderDeadlineNs <= nowNs) {
            reorderTimeout(c, nowNs);
        }
        if (c.t.rack.probeDeadlineNs <= nowNs) {
            c.t.rack.onProbeTimeout(c, nowNs); // may push the RTO out: a probe goes instead
        }
        if (c.t.rtxDeadlineNs <= nowNs) {
            c.t.rtxDeadlineNs = NONE;
            onRetransmitSlot(c, nowNs);
        }
        if (c.state() != TcpState.CLOSED && keepaliveArmed(c) && keepaliveDeadline(c) <= nowNs) {
            keepalive(c, nowNs);
        }
    }

    /**
     * RACK's reorder timer (RFC 8985 6.2 step 6): what was waiting out the reordering window is
     * judged again; what is lost now starts recovery, and output resends it.
     */
    private static void reorderTimeout(TcpConnection c, long nowNs) {
        c.t.rack.reorderDeadlineNs = NONE;
        if (!Rack.enabled(c) || c.t.sndMax == c.sndUna) {
            return;
        }
        c.host.counters().increment(TcpCounter.RACK_REORDER_TIMEOUT);
        if (c.t.rack.detectLosses(c, nowNs)) {
            c.t.sack.onRackLoss(c, nowNs);
        }
    }

    private static boolean inHandshake(TcpConnection c) {
        return c.state() == TcpState.SYN_SENT || c.state() == TcpState.SYN_RECEIVED;
    }

    private static void onRetransmitSlot(TcpConnection c, long nowNs) {
        switch (c.state()) {
            case SYN_SENT -> synTimeout(c, c.config.synRetries(), CloseReason.CONNECT_TIMEOUT); // no SYN-ACK yet
            case SYN_RECEIVED -> synTimeout(c, c.config.synAckRetries(), CloseReason.HANDSHAKE_TIMEOUT); // no ACK yet
            case ESTABLISHED, FIN_WAIT_1, CLOSE_WAIT, CLOSING, LAST_ACK -> sendTimeout(c, nowNs); // RTO or persist
            case FIN_WAIT_2 -> finWait2Timeout(c, nowNs); // the peer has not closed its side
            case TIME_WAIT -> c.closeNow(CloseReason.NORMAL); // 2*MSL are over
            case CLOSED, LISTEN -> {} // no timers here
        }
    }

    /** Our SYN or SYN-ACK went unanswered: send it again with a doubled RTO, up to a limit. */
    private static void synTimeout(TcpConnection c, int limit, CloseReason reason) {
        if (++c.t.retries > limit) {
            c.closeNow(reason);
            return;
        }
        c.host.counters().increment(TcpCounter.RETRANSMIT_TIMEOUT);
        c.t.rtt.backOff();
        c.t.rtt.cancelTiming();
        c.countRetransmit();
        c.t.sndNxt = c.t.iss; // output sends the SYN again
    }

    private static void sendTimeout(TcpConnection c, long nowNs) {
        if (c.t.sndMax != c.sndUna) {
            retransmitTimeout(c, nowNs);
        } else if (Seq.gt(c.dataEndSeq(), c.t.sndNxt)) {
            persist(c, nowNs);
        }
    }

    /**
     * RFC 6298 5.4-5.6 and RFC 5681 3.1: back off, collapse cwnd, resend the first segment at
     * once (even into a zero window, as Linux does: it doubles as the window probe) and go back
     * to SND.UNA for the rest, which goes out as ACKs open cwnd. With SACK (RFC 6675 5.1) only the
     * holes go out again, lowest first: SND.NXT stays, and {@link SackRecovery} picks them.
     */
    private static void retransmitTimeout(TcpConnection c, long nowNs) {
        if (++c.t.retries > c.config.maxRetransmits()) {
            c.closeNow(CloseReason.RETRANSMIT_TIMEOUT);
            return;
        }
        c.host.counters().increment(TcpCounter.RETRANSMIT_TIMEOUT);
        int flight = Seq.distance(c.sndUna, c.t.sndMax);
        c.t.congestion.onRetransmitTimeout(flight, c.t.sndMax, Sender.dataMss(c));
        c.t.rtt.backOff();
        c.t.rtt.cancelTiming();
        if (c.has(F_SACK)) {
            c.t.sack.onTimeout(c);
            c.t.sack.retransmitted(c.sndUna + Sender.retransmitFirst(c, nowNs));
            return;
        }
        c.t.sndNxt = c.sndUna;
        c.t.sndNxt += Sender.retransmitFirst(c, nowNs);
    }

    /**
     * Nothing in flight but data held back: probe a zero window (RFC 9293 3.8.6.1), or send what
     * the small window allows now that silly-window avoidance waited long enough (3.8.6.2.1).
     */
    private static void persist(TcpConnection c, long nowNs) {
        if (c.sndWnd > 0) {
            c.flags |= F_FORCE_SEND;
            return;
        }
        if (++c.probes > c.config.maxRetransmits()) {
            Sender.abort(c, CloseReason.PERSIST_TIMEOUT); // the peer stopped answering
            return;
        }
        c.host.counters().increment(TcpCounter.WINDOW_PROBE);
        Sender.sendProbe(c, nowNs);
        c.t.rtt.backOff();
        c.t.rtxDeadlineNs = nowNs + c.t.rtt.rtoNs(c.config);
    }

    private static void finWait2Timeout(TcpConnection c, long nowNs) {
        if (c.has(F_APP_CLOSED)) {
            c.closeNow(CloseReason.FIN_WAIT_2_TIMEOUT);
        } else {
            c.t.rtxDeadlineNs = nowNs + c.config.finWait2TimeoutNs(); // still read by its application
        }
    }

    private static boolean keepaliveArmed(TcpConnection c) {
        if (!c.has(F_KEEPALIVE) || c.sndMax() != c.sndUna || Seq.gt(c.dataEndSeq(), c.sndNxt())) {
            return false; // off, or data outstanding: the RTO and persist timers watch the peer
        }
        return c.state() == TcpState.ESTABLISHED
                || c.state() == TcpState.CLOSE_WAIT
                || c.state() == TcpState.FIN_WAIT_2;
    }

    private static long keepaliveDeadline(TcpConnection c) {
        TcpConfig config = c.config;
        return c.lastRecvNs() + config.keepaliveIdleNs() + c.probes * config.keepaliveIntervalNs();
    }

    /** RFC 9293 3.8.4: probe a silent peer; give up after the configured number of probes. */
    private static void keepalive(TcpConnection c, long nowNs) {
        if (c.probes >= c.config.keepaliveProbes()) {
            Sender.abort(c, CloseReason.KEEPALIVE_TIMEOUT);
            return;
        }
        c.host.counters().increment(TcpCounter.KEEPALIVE_PROBE);
        Sender.sendProbe(c, nowNs);
        c.probes++;
    }
}
