package dev.ferry.tcp.conn;

/**
 * One named counter per thing the engine drops, answers or gives up on. Counted per shard in
 * {@link TcpCounters}; nothing on the data path logs.
 */
public enum TcpCounter {
    // Segments dropped, by reason.
    /** A segment arrived for a connection that is already closed. */
    DROP_CLOSED,
    /** Flag combinations no peer sends (SYN+FIN, SYN+RST) . */
    DROP_BAD_FLAGS,
    /** Outside the receive window (RFC 9293 3.10.7.4): answered with an ACK. */
    DROP_OUT_OF_WINDOW,
    /** Failed the PAWS test (RFC 7323 5.3): answered with an ACK. */
    DROP_PAWS,
    /** Timestamps were negotiated but the segment carried none (RFC 7323 3.2). */
    DROP_MISSING_TIMESTAMP,
    /** A segment without the ACK bit in a synchronized state. */
    DROP_NO_ACK,
    /** ACK of data never sent, or too old to be real (RFC 5961 5.2): answered with an ACK. */
    DROP_BAD_ACK,
    /** A SYN_SENT segment whose ACK did not acknowledge our SYN: answered with a reset. */
    DROP_BAD_SYN_ACK,
    /** A reset that failed the sequence test (out of window). */
    DROP_RST_OUT_OF_WINDOW,
    /** A reset in SYN_SENT that did not acknowledge our SYN. */
    DROP_RST_UNACCEPTABLE,
    /** Data that arrived after the peer's FIN (the peer cannot send more). */
    DROP_DATA_AFTER_FIN,
    /** Data that the receive buffer could not hold (pool exhausted or too many gaps). */
    DROP_NO_BUFFER,
    /** Data carried on a SYN (we do not queue SYN data; the peer sends it again). */
    DROP_SYN_DATA,
    /** A handshake ACK dropped because the listener's accept queue was full. */
    DROP_ACCEPT_QUEUE_FULL,
    /** A SYN refused because the listener already holds its maximum of half-open connections. */
    DROP_SYN_BACKLOG_FULL,
    /** A segment that had to be a SYN (to a listener, or in SYN_SENT) and was not. */
    DROP_NOT_SYN,

    // Answers and adjustments.
    /** Challenge ACKs sent for in-window RSTs and SYNs (RFC 5961 3.2, 4.2). */
    CHALLENGE_ACK_SENT,
    /** Challenge ACKs suppressed by the per-connection rate limit (RFC 5961 7). */
    CHALLENGE_ACK_RATE_LIMITED,
    /** Resets sent. */
    RST_SENT,
    /** Resets accepted. */
    RST_ACCEPTED,
    /** A peer MSS option below the minimum (zero included) raised to the minimum. */
    PEER_MSS_CLAMPED,
    /** A peer window-scale option above 14 treated as 14 (RFC 7323 2.3). */
    PEER_WINDOW_SCALE_CLAMPED,
    /** Duplicate SYNs in SYN_RECEIVED answered with the SYN-ACK again. */
    SYN_ACK_RESENT,

    // Sender events.
    /** Retransmission timeouts (RFC 6298 5.4). */
    RETRANSMIT_TIMEOUT,
    /** Fast retransmits on the third duplicate ACK (RFC 5681 3.2). */
    FAST_RETRANSMIT,
    /** Retransmissions on partial ACKs during NewReno recovery (RFC 6582). */
    PARTIAL_ACK_RETRANSMIT,
    /** Retransmissions of holes the SACK scoreboard shows (RFC 6675 NextSeg rules 1 and 3, or after a timeout). */
    SACK_HOLE_RETRANSMIT,
    /** Rescue retransmissions of the highest un-SACKed segment (RFC 6675 NextSeg rule 4). */
    SACK_RESCUE_RETRANSMIT,
    /** SACK blocks ignored: reversed, not above SND.UNA, or beyond what we sent. */
    SACK_BLOCK_INVALID,
    /** SACK ranges forgotten because the scoreboard was full. */
    SACK_SCOREBOARD_FULL,
    /** A cumulative ACK ended inside SACKed data: the peer discarded it (RFC 2018 8); SACK state dropped. */
    SACK_RENEGED,
    /** D-SACK blocks (RFC 2883): the peer received something twice. */
    DSACK_RECEIVED,
    /** Transmissions RACK judged lost by time (RFC 8985 6.2 step 5), retransmissions included. */
    RACK_LOST,
    /** RACK reorder timer expiries (RFC 8985 6.2 step 6). */
    RACK_REORDER_TIMEOUT,
    /** Transmissions left untracked because the send-time log was full (RACK leaves them to the RTO). */
    SEND_TIMES_FULL,
    /** Tail loss probes sent (RFC 8985 7.3). */
    TLP_PROBE,
    /** Tail loss probes that repaired a loss: a resent segment acknowledged without D-SACK (RFC 8985 7.4). */
    TLP_RECOVERY,
    /** Zero-window probes sent (RFC 9293 3.8.6.1). */
    WINDOW_PROBE,
    /** Keepalive probes sent (RFC 9293 3.8.4). */
    KEEPALIVE_PROBE,
    /** Transmits refused because the TX ring was full (output retried next turn). */
    TX_RING_FULL
}
