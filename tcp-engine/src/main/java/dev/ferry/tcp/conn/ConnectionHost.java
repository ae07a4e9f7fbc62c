package dev.ferry.tcp.conn;

import dev.ferry.tcp.api.CloseReason;
import dev.ferry.tcp.buffer.BufferPool;

/**
 * What a {@link TcpConnection} needs from the stack around it. Implemented by the shard (and by
 * the simulator in tests); every method is called on the shard thread, from inside a connection
 * call ({@code onSegment}, {@code onTimer}, {@code flush} or an application call).
 *
 * <p>One host usually serves all connections of a shard: the connection passes itself, and the
 * host finds its addresses through {@link TcpConnection#hostHandle()} (e.g. a flow-table slot).
 */
public interface ConnectionHost {
    /**
     * Builds and queues the frame for {@code segment} (copying its payload with {@link
     * SegmentOut#copyPayload}). Returns false when it cannot (TX ring full): the connection then
     * keeps that output pending, calls {@link #requestOutput}, and tries again on the next {@code
     * flush}.
     */
    boolean transmit(TcpConnection connection, SegmentOut segment);

    /**
     * Arms the connection's one deadline (replacing the previous one): call {@link
     * TcpConnection#onTimer} at or after {@code deadlineNs}; {@link Long#MAX_VALUE} means none.
     *
     * <p>Re-arming is lazy, as in Linux: the connection reports a deadline only when it moves
     * earlier than the one armed (or after {@code onTimer}, which consumes the armed one). A
     * deadline that moved later is found out when the old one fires: {@code onTimer} checks what
     * is really due and reports the next one. A firing early, late or twice is harmless.
     */
    void deadline(TcpConnection connection, long deadlineNs);

    /**
     * The connection has output to send outside of an event the stack drives (an application
     * write, a read that opened the window, a transmit that found the ring full): call {@link
     * TcpConnection#flush} once later in this shard turn. Requested at most once per flush.
     */
    void requestOutput(TcpConnection connection);

    /**
     * The connection entered TIME_WAIT and holds no buffers any more. The host either keeps it
     * (returns false: it runs TIME_WAIT itself and reports {@link #closed} when 2*MSL ends), or
     * replaces it with a compact entry built from {@link TcpConnection#timeWait(TimeWait)}, drops
     * it from its flow table and timer, and returns true: the connection then gives back what it
     * borrowed, takes no further calls and makes none.
     */
    boolean enteredTimeWait(TcpConnection connection);

    /**
     * The connection reached CLOSED: release its flow-table entry and its timer. No call reaches
     * the connection after this, and it makes none.
     */
    void closed(TcpConnection connection, CloseReason reason);

    /**
     * The MSS we announce in our SYN: the largest payload that fits our link's MTU without
     * options (MTU - 40 for IPv4, MTU - 60 for IPv6). Asked once per connection.
     */
    int mss(TcpConnection connection);

    /**
     * The largest payload the host can put in one frame for this connection: the MSS without
     * segmentation offload, up to about 64 KB with it.
     */
    int maxTxPayload(TcpConnection connection);

    /** The shard's reusable segment holder, which connections fill before {@link #transmit}. */
    SegmentOut segmentOut();

    /** The shard's buffer pool. */
    BufferPool bufferPool();

    /** The shard's pool of the state connections borrow while busy. */
    TransferPool transferPool();

    /** The shard's counters. */
    TcpCounters counters();
}
