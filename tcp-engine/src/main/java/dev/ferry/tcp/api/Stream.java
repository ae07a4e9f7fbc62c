package dev.ferry.tcp.api;

import java.lang.foreign.MemorySegment;

/**
 * One TCP stream as the application sees it: bytes in, bytes out, half-close, close, abort.
 *
 * <p>Threading: every method is for the stream's shard thread (typically from inside a {@link
 * StreamHandler} callback), except under a {@link StreamGuard}: then an application thread may
 * call the buffer operations ({@code read}, {@code write}, {@code readable}, {@code writable}, the
 * closes) while holding the guard's lock, which the shard also holds around every event of the
 * stream. {@link BlockingStream} does exactly that.
 *
 * <p>Operations never block and never send on the spot: they change buffers and state, and the
 * stream transmits what they imply (data, window updates, FIN, reset) at the end of the current
 * event or on the shard's next turn. They never throw for conditions the peer causes: a stream
 * that can no longer send or receive answers -1.
 */
public interface Stream {
    /**
     * Copies up to {@code length} received bytes into {@code dst} at {@code offset}. Returns the
     * bytes copied, 0 when none are available yet, or -1 at the end of input (the peer closed its
     * side and everything was read, or the stream is closed).
     */
    int read(MemorySegment dst, long offset, int length);

    /** {@link #read(MemorySegment, long, int)} into a byte array. */
    int read(byte[] dst, int offset, int length);

    /** Bytes that {@code read} would return now. */
    int readable();

    /** True once the peer's FIN was received and every byte before it read. */
    boolean isInputShutdown();

    /**
     * Queues up to {@code length} bytes of {@code src} from {@code offset} for sending and returns
     * how many were taken: fewer when the send buffer is full ({@link StreamHandler#onWritable}
     * follows when room opens), -1 when the stream can no longer send (output shut down, closed,
     * reset).
     */
    int write(MemorySegment src, long offset, int length);

    /** {@link #write(MemorySegment, long, int)} from a byte array. */
    int write(byte[] src, int offset, int length);

    /** Bytes that {@code write} would take now; 0 when it can take none or can no longer send. */
    int writable();

    /** Half-close: send FIN after the queued bytes; receiving continues (RFC 9293 3.6). */
    void shutdownOutput();

    /**
     * Full close: no more writes or reads; queued bytes are still delivered, then FIN. If unread
     * bytes are waiting, or bytes arrive later, the stream is reset instead (RFC 1122 4.2.2.13).
     */
    void close();

    /** Resets the stream now: queued and unread bytes are dropped and the peer gets a reset. */
    void abort();

    /** Turns Nagle's algorithm off (true: small writes go out at once) or on. */
    void noDelay(boolean on);

    /** Turns keepalive probes on or off for this stream (timing from the stream's configuration). */
    void keepalive(boolean on);

    /**
     * Installs the handler that receives this stream's events. On an established stream it is
     * called back at once: {@link StreamHandler#onOpen}, then {@link StreamHandler#onData} and
     * {@link StreamHandler#onEndOfInput} for what already arrived.
     */
    void handler(StreamHandler handler);

    /**
     * Lets application threads use this stream under {@code guard}'s lock (see the class comment).
     * Called once, on the shard thread, before handing the stream to another thread.
     */
    void guard(StreamGuard guard);

    /** False once the stream is closed or reset (TIME_WAIT counts as closed). */
    boolean isOpen();

    /** Why the stream closed, or null while it is open. */
    CloseReason closeReason();
}
