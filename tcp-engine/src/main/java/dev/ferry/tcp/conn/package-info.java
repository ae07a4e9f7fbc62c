/**
 * The TCP endpoint of RFC 9293 as a pure state machine: {@link dev.ferry.tcp.conn.TcpConnection}
 * driven by {@code onSegment(SegmentIn, nowNs)}, {@code onTimer(nowNs)} and application calls, with
 * time, initial sequence numbers and I/O passed in through {@link dev.ferry.tcp.conn.ConnectionHost}.
 *
 * <p>The boundary with the rest of the stack is small on purpose: {@link
 * dev.ferry.tcp.conn.SegmentIn} (a parsed segment), {@link dev.ferry.tcp.conn.SegmentOut} (a
 * segment to build) and {@link dev.ferry.tcp.conn.ConnectionHost} (transmit, one deadline,
 * lifecycle). Nothing here reads a clock, starts a thread, logs, or allocates per segment.
 */
package dev.ferry.tcp.conn;
