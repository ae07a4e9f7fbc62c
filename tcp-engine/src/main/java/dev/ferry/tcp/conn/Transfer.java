package dev.ferry.tcp.conn;

import static dev.ferry.tcp.conn.TcpConnection.NONE;

import dev.ferry.tcp.api.CloseReason;
import dev.ferry.tcp.buffer.ReceiveBuffer;
import dev.ferry.tcp.buffer.SendBuffer;

/**
 * The part of a connection's state that only matters while something is moving: the handshake,
 * bytes in flight or buffered, retransmission and delayed-ACK timers, loss recovery (with the SACK
 * scoreboard and RACK-TLP's send times), RTT timing.
 *
 * <p>A connection borrows one from its shard's {@link TransferPool} when an event or an
 * application call needs it and gives it back at the end of any event that leaves the connection
 * quiescent (established, everything acknowledged and read, no timer but keepalive/idle/lifetime).
 * What must outlive a quiet period (SRTT, RTTVAR, cwnd, ssthresh) is saved into the connection on
 * the way back (ssthresh into its {@link ConnectionExtras}, and only once a loss lowered it) and
 * restored on the way out; what a quiet connection can rebuild (SND.NXT =
 * SND.MAX = SND.UNA, SND.WL1/WL2, the recovery point) is rebuilt. That keeps an idle stream down
 * to the connection object alone.
 */
final class Transfer {
    final RttEstimator rtt;
    final NewReno congestion = new NewReno();
    final SackRecovery sack = new SackRecovery();
    final Rack rack = new Rack();

    SendBuffer sendBuffer;
    ReceiveBuffer receiveBuffer;
    TcpListener listener;
    CloseReason pendingAbort;

    // Send sequence space (RFC 9293 3.3.1) beyond SND.UNA, SND.WND and the largest window seen,
    // which the connection keeps.
    // sndMax: the highest sequence number sent, which sndNxt falls back below after a timeout.
    int iss;
    int irs;
    int sndNxt;
    int sndMax;
    int sndWl1;
    int sndWl2;
    int finSeq;
    int sndSmall;
    int peerFinSeq;
    int unackedBytes;
    int lastAckSent;
    // A duplicate segment to report in the next ACK's first SACK block (RFC 2883 4); valid while
    // dsackRight != dsackLeft.
    int dsackLeft;
    int dsackRight;
    byte retries;
    byte limitKind;

    long rtxDeadlineNs = NONE;
    long ackDeadlineNs = NONE;
    long armedDeadlineNs = NONE;
    long limitedSinceNs;

    Transfer(TcpConfig config) {
        this.rtt = new RttEstimator(config.initialRtoNs());
    }

    /** Prepares a fresh transfer for a connection about to start its handshake. */
    void startHandshake(TcpConfig config, int iss) {
        clear(config);
        this.iss = iss;
        this.sndNxt = iss;
        this.sndMax = iss;
        this.sndSmall = iss;
        sack.reset(iss);
        rack.reset(iss);
    }

    /** Rebuilds the state of a quiescent established connection and restores what it saved. */
    void resume(TcpConnection c) {
        clear(c.config);
        sndNxt = c.sndUna;
        sndMax = c.sndUna;
        sndSmall = c.sndUna;
        // The peer's next segment has SEG.SEQ >= RCV.NXT and SEG.ACK >= SND.UNA: let it update.
        sndWl1 = c.rcvNxt - 1;
        sndWl2 = c.sndUna;
        lastAckSent = c.rcvNxt;
        rtt.restore(c.srttUs, c.rttvarUs, c.minRttUs, c.config);
        if (c.has(TcpConnection.F_SYN_LOST) && c.srttUs < 0) {
            rtt.synRetransmitted(c.config); // still no sample: keep RFC 6298 5.7's 3 s
        }
        // Nothing was lost since the last quiet moment: any later duplicate ACKs are news.
        congestion.restore(c.cwnd, c.ssthresh(), c.sndUna - 1);
        sack.reset(c.sndUna); // a quiet connection has nothing outstanding: nothing SACKed
        rack.reset(c.sndUna);
    }

    /** Saves into the connection what must outlive the quiet period. */
    void suspend(TcpConnection c) {
        c.srttUs = RttEstimator.toMicros(rtt.srttNs());
        c.rttvarUs = RttEstimator.toMicros(rtt.rttvarNs());
        c.minRttUs = RttEstimator.toMicros(rtt.minRttNs());
        c.cwnd = congestion.cwnd();
        c.saveSsthresh(congestion.ssthresh());
    }

    private void clear(TcpConfig config) {
        sendBuffer = null;
        receiveBuffer = null;
        listener = null;
        pendingAbort = null;
        iss = 0;
        irs = 0;
        sndNxt = 0;
        sndMax = 0;
        sndWl1 = 0;
        sndWl2 = 0;
        finSeq = 0;
        sndSmall = 0;
        peerFinSeq = 0;
        unackedBytes = 0;
        lastAckSent = 0;
        dsackLeft = 0;
        dsackRight = 0;
        retries = 0;
        limitKind = TcpConnection.LIMIT_NONE;
        rtxDeadlineNs = NONE;
        ackDeadlineNs = NONE;
        armedDeadlineNs = NONE;
        limitedSinceNs = 0;
        rtt.reset(config);
        congestion.reset();
        sack.reset(0);
        // (RACK's state is reset by the callers, which know SND.UNA.)
    }
}
