package dev.ferry.tcp.conn;

/** The connection states of RFC 9293 section 3.3.2. */
public enum TcpState {
    /** No connection: the start and the end. */
    CLOSED,
    /** Waiting for a SYN (only listeners are in this state; see {@link TcpListener}). */
    LISTEN,
    /** Our SYN is out; waiting for the peer's SYN. */
    SYN_SENT,
    /** Both SYNs seen; waiting for the peer to acknowledge ours. */
    SYN_RECEIVED,
    /** Open both ways. */
    ESTABLISHED,
    /** We closed our side; our FIN is queued or unacknowledged; the peer may still send. */
    FIN_WAIT_1,
    /** Our FIN is acknowledged; the peer may still send until its FIN. */
    FIN_WAIT_2,
    /** The peer closed its side; we may still send until we close. */
    CLOSE_WAIT,
    /** Both sides sent FIN at the same time; waiting for the ACK of ours. */
    CLOSING,
    /** The peer closed first, then we did; waiting for the ACK of our FIN. */
    LAST_ACK,
    /** Both FINs acknowledged; lingering 2*MSL so that late segments die (RFC 9293 3.6.1). */
    TIME_WAIT;

    /** True once SYNs have been exchanged both ways (the states of RFC 9293 3.10.7.4). */
    public boolean isSynchronized() {
        return compareTo(SYN_RECEIVED) >= 0;
    }

    /** True in the states where the peer may still send us data. */
    public boolean canReceiveData() {
        return this == ESTABLISHED || this == FIN_WAIT_1 || this == FIN_WAIT_2;
    }
}
