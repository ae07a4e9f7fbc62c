package dev.ferry.tcp.api;

/**
 * Events of one stream, called on its shard thread (under its {@link StreamGuard}'s lock when it
 * has one). Callbacks may call any {@link Stream} method; what they write goes out with the
 * segment that answers the event. They must not block.
 */
public interface StreamHandler {
    /**
     * The stream is established and this handler installed: the active open completed, or the
     * application accepted the stream and installed this handler.
     */
    default void onOpen(Stream stream) {}

    /** New bytes arrived; {@code readable} bytes can be read now. */
    void onData(Stream stream, int readable);

    /** The peer closed its side: after the readable bytes, {@code read} returns -1. */
    default void onEndOfInput(Stream stream) {}

    /**
     * Room opened in the send buffer after a write that could not take everything, or after
     * {@link Stream#writable()} answered 0.
     */
    default void onWritable(Stream stream, int writable) {}

    /** The stream ended; no event follows. */
    void onClosed(Stream stream, CloseReason reason);
}
