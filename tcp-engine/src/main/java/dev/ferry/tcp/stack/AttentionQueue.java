package dev.ferry.tcp.stack;

import dev.ferry.tcp.api.ShardWakeup;
import dev.ferry.tcp.api.Stream;
import dev.ferry.tcp.conn.TcpConnection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Streams that application threads handed back to the shard (they wrote, read or closed under
 * their lock and now have something to send). Any thread may {@link #wake}; only the shard drains.
 *
 * <p>A stream is queued at most once until the shard serves it, so the queue never holds more
 * entries than the shard has guarded streams. The queue nodes are allocated on the application
 * threads' side, never on the shard's receive path.
 */
final class AttentionQueue implements ShardWakeup {
    private final ConcurrentLinkedQueue<Stream> queue = new ConcurrentLinkedQueue<>();
    private final Set<Stream> queued = ConcurrentHashMap.newKeySet();
    private volatile Runnable wakeShard = () -> {};

    void onRequest(Runnable wakeShard) {
        this.wakeShard = wakeShard;
    }

    @Override
    public void wake(Stream stream) {
        if (queued.add(stream)) {
            queue.offer(stream);
            wakeShard.run();
        }
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** On the shard: flushes every stream queued so far; returns how many. */
    int drain(long nowNs, StackCounters counters) {
        int served = 0;
        Stream stream;
        while ((stream = queue.poll()) != null) {
            // Unmark before flushing: a request made while we flush queues the stream again.
            queued.remove(stream);
            ((TcpConnection) stream).flush(nowNs);
            counters.increment(StackCounter.ATTENTION_SERVED);
            served++;
        }
        return served;
    }
}
