package dev.ferry.tcp.api;

/** Why a stream ended. Every abort path names its own reason (and the shard counts each). */
public enum CloseReason {
    /** Both sides closed in order and every byte was acknowledged. */
    NORMAL,
    /** The peer answered our SYN with a reset (nothing listening there). */
    REFUSED,
    /** The peer reset the connection. */
    RESET_BY_PEER,
    /** The application aborted the stream (we sent a reset). */
    ABORTED,
    /** The application closed with unread data, or data arrived after it closed: we sent a reset (RFC 9293 3.10.4). */
    ABORTED_UNREAD_DATA,
    /** Our SYN was never answered within the SYN retries. */
    CONNECT_TIMEOUT,
    /** The handshake did not complete within the configured handshake timeout or SYN-ACK retries. */
    HANDSHAKE_TIMEOUT,
    /** Data (or our FIN) stayed unacknowledged through every retransmission (RFC 9293 3.8.3, R2). */
    RETRANSMIT_TIMEOUT,
    /** The peer kept a zero window and stopped answering window probes. */
    PERSIST_TIMEOUT,
    /** Keepalive probes went unanswered. */
    KEEPALIVE_TIMEOUT,
    /** No data moved either way for the configured idle timeout. */
    IDLE_TIMEOUT,
    /** The stream reached its configured maximum lifetime. */
    MAX_LIFETIME,
    /** We closed, our FIN was acknowledged, and the peer never sent its FIN in time. */
    FIN_WAIT_2_TIMEOUT,
    /** Its listener was closed before the application accepted it. */
    LISTENER_CLOSED
}
