package dev.ferry.tcp.conn;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A shard's spare {@link Transfer} objects: the moving parts a connection borrows only while it
 * is busy (see {@link Transfer}), so that the number of them follows the busy streams, not all of
 * them. Created by the stack, one per shard, and handed out through {@link
 * ConnectionHost#transferPool()}.
 *
 * <p>Like the buffer pool it has its own lock, taken once per busy period of a stream (not per
 * segment), because an application thread using the blocking adapter may start a busy period.
 */
public final class TransferPool {
    private final ReentrantLock lock = new ReentrantLock();
    private Transfer[] spares = new Transfer[64];
    private int spareCount;
    private long created;

    Transfer take(TcpConfig config) {
        lock.lock();
        try {
            if (spareCount > 0) {
                Transfer transfer = spares[--spareCount];
                spares[spareCount] = null;
                return transfer;
            }
            created++;
        } finally {
            lock.unlock();
        }
        return new Transfer(config);
    }

    void give(Transfer transfer) {
        lock.lock();
        try {
            if (spareCount == spares.length) {
                spares = Arrays.copyOf(spares, spares.length * 2);
            }
            spares[spareCount++] = transfer;
        } finally {
            lock.unlock();
        }
    }

    /** Transfers created so far: the most connections that were busy at once. */
    public long created() {
        lock.lock();
        try {
            return created;
        } finally {
            lock.unlock();
        }
    }

    /** Transfers lent out now: connections busy at this moment. */
    public long inUse() {
        lock.lock();
        try {
            return created - spareCount;
        } finally {
            lock.unlock();
        }
    }
}
