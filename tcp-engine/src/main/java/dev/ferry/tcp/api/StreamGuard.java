package dev.ferry.tcp.api;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes a stream usable from application threads (see {@link Stream#guard}). The stream's shard
 * takes {@link #lock()} around every event of the stream; application threads take it around
 * every operation. Operations under a guard transmit nothing themselves: they call {@link
 * #requestAttention} and the shard does the sending on its next turn.
 */
public interface StreamGuard {
    /** The stream's one lock. A {@link ReentrantLock}, so virtual threads do not pin. */
    ReentrantLock lock();

    /**
     * The stream has work for its shard (bytes to send, a window to open, a close). Called with
     * the lock held, from any thread; must not block and must not lose the request.
     */
    void requestAttention(Stream stream);
}
