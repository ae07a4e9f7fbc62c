/**
 * The TCP endpoint of RFC 9293 as a pure state machine: {@link dev.ferry.tcp.conn.TcpConnection}
 * driven by {@code onSegment(SegmentIn, nowNs)}, {@code onTimer(nowNs)} and application calls, with
 * time, initial sequence numbers and I/O passed in through {@link dev.ferry.tcp.conn.ConnectionHost}.
 *
 * <p>The boundary with the rest of the stack is small on purpose: {@link
 * dev.ferry.tcp.conn.SegmentIn} (a parsed segment), {@link dev.ferry.tcp.conn.SegmentOut} (a
 * segment to build) and {@link dev.ferry.tcp.conn.ConnectionHost} (transmit, one deadline,
 * lifecycle). Nothing here reads a clock, starts a thread, logs, or allocates per segment.
 *
 * <p>How a shard drives it (one {@code SegmentIn}, {@code SegmentOut}, {@code BufferPool}, {@code
 * TransferPool}, {@code TcpCounters} and {@code ConnectionHost} per shard):
 *
 * <pre>{@code
 * frame in:  parse; in.clear().header(seq, ack, flags, window) + options + payload(ring, off, len)
 *            conn = flows.get(tuple)                 -> conn.onSegment(in, nowNs)
 *            else a compact TimeWait entry            -> entry.onSegment(in, nowNs, 2*MSL)
 *            else a TcpListener on the port, a SYN    -> conn = listener.onSyn(in, nowNs, host, isn, tsOffset);
 *                                                        flows.put(tuple, conn); conn.hostHandle(slot)
 *            else Resets.forClosedPort / forListener  -> send the reply to the frame's source
 * host.requestOutput(conn)   -> remember it; call conn.flush(nowNs) once at the end of the turn
 * host.deadline(conn, ns)    -> arm the wheel entry of conn.hostHandle() (replace); on firing: conn.onTimer(nowNs)
 * host.transmit(conn, out)   -> build the frame for the flow of conn.hostHandle(); out.copyPayload(tx, at)
 * host.closed(conn, reason)  -> drop the flow and its wheel entry
 * host.enteredTimeWait(conn) -> keep it (false), or conn.timeWait(entry), drop the flow, return true
 * }</pre>
 */
package dev.ferry.tcp.conn;
