package dev.ferry.tcp.stack;

import dev.ferry.tcp.conn.TcpConnection;
import java.util.Arrays;

/**
 * Connections that asked to send outside an event the stack drove ({@code requestOutput}): served
 * once per shard turn, after receive and timers, so a burst of frames for one connection produces
 * one round of output. A connection asks at most once per flush; one that asks again while being
 * served (its transmit found the ring full) waits for the next turn.
 */
final class OutputQueue {
    private TcpConnection[] queue = new TcpConnection[64];
    private int size;

    void add(TcpConnection c) {
        if (size == queue.length) {
            queue = Arrays.copyOf(queue, size * 2);
        }
        queue[size++] = c;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Flushes every connection queued before this call; returns how many. */
    int flush(long nowNs) {
        int n = size;
        for (int i = 0; i < n; i++) {
            TcpConnection c = queue[i];
            queue[i] = null;
            c.flush(nowNs);
        }
        // Requests made during these flushes sit after the first n: they go first next turn.
        System.arraycopy(queue, n, queue, 0, size - n);
        Arrays.fill(queue, size - n, size, null);
        size -= n;
        return n;
    }
}
