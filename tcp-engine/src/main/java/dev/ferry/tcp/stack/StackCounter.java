package dev.ferry.tcp.stack;

/**
 * One named counter per thing a shard's stack does with a frame outside any connection: what it
 * received, dropped (by reason), answered and could not send. Malformed frames are counted by
 * their own reason in {@link dev.ferry.tcp.wire.MalformedCounts}; connection-level events in
 * {@link dev.ferry.tcp.conn.TcpCounters}.
 */
public enum StackCounter {
    /** Frames handed over by the link. */
    FRAMES_IN,
    /** Frames put on the link. */
    FRAMES_OUT,
    /** Well-formed frames that were neither TCP nor ARP. */
    DROP_NOT_TCP,
    /** TCP frames sent to another Ethernet address (seen in promiscuous capture). */
    DROP_OTHER_MAC,
    /** TCP frames to an address that is not local. */
    DROP_NOT_LOCAL,
    /** Segments for a closed port: answered with a reset (RFC 9293 3.10.7.1). */
    RST_CLOSED_PORT,
    /** Non-SYN segments for a listening port with no connection: reset or dropped (3.10.7.2). */
    LISTENER_NON_SYN,
    /** SYNs a listener refused (backlog full or closed). */
    SYN_REFUSED,
    /** Segments answered from a compact TIME_WAIT entry. */
    TIME_WAIT_SEGMENT,
    /** SYNs that ended a TIME_WAIT entry to open a new connection (RFC 6191). */
    TIME_WAIT_REOPEN,
    /** Connections that handed their TIME_WAIT to a compact entry. */
    TIME_WAIT_COMPACTED,
    /** Frames that found the TX ring full (the connection retries). */
    TX_RING_FULL,
    /** Frames held while their next hop is resolved with ARP. */
    NEIGHBOR_HELD,
    /** Held frames dropped: the hold queue was full or resolution timed out. */
    NEIGHBOR_DROP,
    /** ARP packets received. */
    ARP_IN,
    /** ARP replies and requests sent. */
    ARP_OUT,
    /** Connections the stack created (both directions). */
    CONNECTIONS_OPENED,
    /** Connections that reached CLOSED. */
    CONNECTIONS_CLOSED,
    /** Application requests for attention from other threads, served by the shard. */
    ATTENTION_SERVED,
}
