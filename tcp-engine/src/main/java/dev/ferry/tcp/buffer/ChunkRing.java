package dev.ferry.tcp.buffer;

import java.lang.foreign.MemorySegment;

/**
 * The pooled chunks of one buffer, oldest first: chunks join at the back as the buffer's bytes
 * grow and go back to the pool from the front as its oldest bytes leave. A power-of-two array
 * used as a circular queue, doubled when full (a buffer rarely holds more than a few chunks).
 *
 * <p>Not thread-safe: owned by one {@link SendBuffer} or {@link ReceiveBuffer}.
 */
final class ChunkRing {
    private final BufferPool pool;
    private MemorySegment[] ring = new MemorySegment[4];
    private int first;
    private int count;

    ChunkRing(BufferPool pool) {
        this.pool = pool;
    }

    /** Chunks held. */
    int count() {
        return count;
    }

    /** The chunk {@code index} places from the front. */
    MemorySegment get(int index) {
        return ring[(first + index) & (ring.length - 1)];
    }

    /** Takes a chunk from the pool onto the back; false when the pool has none left. */
    boolean addFromPool() {
        MemorySegment chunk = pool.acquireChunk();
        if (chunk == null) {
            return false;
        }
        if (count == ring.length) {
            grow();
        }
        ring[(first + count) & (ring.length - 1)] = chunk;
        count++;
        return true;
    }

    /** Gives the {@code n} front chunks back to the pool. */
    void releaseFront(int n) {
        for (int i = 0; i < n; i++) {
            int slot = first & (ring.length - 1);
            pool.releaseChunk(ring[slot]);
            ring[slot] = null;
            first = (first + 1) & (ring.length - 1);
        }
        count -= n;
        if (count == 0) {
            first = 0;
        }
    }

    private void grow() {
        MemorySegment[] bigger = new MemorySegment[ring.length * 2];
        for (int i = 0; i < count; i++) {
            bigger[i] = get(i);
        }
        ring = bigger;
        first = 0;
    }
}
