/**
 * Stream buffers: a shard-local {@link dev.ferry.tcp.buffer.BufferPool} of fixed-size chunks, the
 * {@link dev.ferry.tcp.buffer.SendBuffer} (which is also the retransmission queue) and the {@link
 * dev.ferry.tcp.buffer.ReceiveBuffer} (which reassembles out-of-order data and remembers it for SACK).
 *
 * <p>Buffers hold chunks only while they hold bytes: an idle stream owns no buffer memory, and the
 * buffer objects themselves go back to the pool when empty.
 */
package dev.ferry.tcp.buffer;
