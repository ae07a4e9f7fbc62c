package dev.ferry.tcp.api;

/**
 * How an application thread hands a stream back to its shard: the host puts the stream on the
 * shard's bounded "needs attention" queue and wakes the shard, which then flushes the stream
 * (sends what the application's operations made due). Implemented by the stack.
 *
 * <p>Thread-safe; must not block and must not lose a request. A stream needs at most one entry
 * in the queue at a time, so a queue sized for the shard's streams (with a per-stream "queued"
 * mark) is bounded.
 */
@FunctionalInterface
public interface ShardWakeup {
    void wake(Stream stream);
}
