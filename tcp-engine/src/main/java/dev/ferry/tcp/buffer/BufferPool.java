package dev.ferry.tcp.buffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A shard's store of fixed-size memory chunks and of the (empty) buffer objects that hold them.
 *
 * <p>Streams borrow chunks only while they hold bytes and hand them back as soon as a buffer
 * empties, so the memory a shard needs is set by the bytes in flight, not by the number of
 * streams. Chunks are created on first demand up to {@code maxChunks} and then reused (up to
 * {@code maxFreeChunks} wait for reuse; more are let go after a burst); an acquire
 * beyond the budget fails (returns {@code null}, counted in {@link #exhaustedCount()}) and the
 * stream applies back-pressure instead of growing.
 *
 * <p>Threading: one pool belongs to one shard, but the blocking adapter lets application threads
 * write into and read from a stream's buffers (under that stream's lock), which takes and returns
 * chunks from their own thread. The pool therefore guards its free lists with its own lock. It is
 * taken once per chunk (thousands of bytes), never per byte or per segment, and is uncontended
 * unless application threads are in play.
 *
 * <p>Chunks are either heap arrays or native memory ({@link Memory}); both are handed out as
 * {@link MemorySegment}s so the buffers copy with the same code. {@code BufferBenchmark} in the
 * bench module compares the two.
 */
public final class BufferPool {
    /** Where chunk memory lives. */
    public enum Memory {
        /** {@code byte[]} chunks: the garbage collector owns them; no native footprint. */
        HEAP,
        /** Native chunks from an automatic arena: outside the heap, freed with the pool. */
        NATIVE
    }

    private final int chunkSize;
    private final int chunkShift;
    private final int maxChunks;
    private final int maxFreeChunks;
    private final Memory memory;
    private final Arena arena;
    private final ReentrantLock lock = new ReentrantLock();

    private MemorySegment[] freeChunks = new MemorySegment[16];
    private int freeChunkCount;
    private int createdChunks;
    private long exhaustedCount;

    private SendBuffer[] freeSendBuffers = new SendBuffer[16];
    private int freeSendBufferCount;
    private ReceiveBuffer[] freeReceiveBuffers = new ReceiveBuffer[16];
    private int freeReceiveBufferCount;

    /**
     * @param chunkSize bytes per chunk, a power of two between 256 and 1 MiB
     * @param maxChunks the most chunks this pool will ever create (its memory budget)
     * @param memory    heap or native chunks
     */
    public BufferPool(int chunkSize, int maxChunks, Memory memory) {
        this(chunkSize, maxChunks, Math.max(64, maxChunks / 16), memory);
    }

    /**
     * @param maxFreeChunks chunks kept for reuse once given back; beyond that, a returned chunk is
     *     let go (to the garbage collector, or the automatic arena's cleaner), so a burst of
     *     traffic does not pin its peak memory for the life of the shard
     */
    public BufferPool(int chunkSize, int maxChunks, int maxFreeChunks, Memory memory) {
        if (Integer.bitCount(chunkSize) != 1 || chunkSize < 256 || chunkSize > (1 << 20)) {
            throw new IllegalArgumentException("chunk size must be a power of two in [256, 1 MiB]: " + chunkSize);
        }
        if (maxChunks < 1) {
            throw new IllegalArgumentException("maxChunks must be positive: " + maxChunks);
        }
        this.chunkSize = chunkSize;
        this.chunkShift = Integer.numberOfTrailingZeros(chunkSize);
        this.maxChunks = maxChunks;
        this.maxFreeChunks = maxFreeChunks;
        this.memory = memory;
        this.arena = memory == Memory.NATIVE ? Arena.ofAuto() : null;
    }

    /** Bytes per chunk. */
    public int chunkSize() {
        return chunkSize;
    }

    /** log2 of {@link #chunkSize()}. */
    int chunkShift() {
        return chunkShift;
    }

    /** Where this pool's chunks live. */
    public Memory memory() {
        return memory;
    }

    /**
     * Takes a chunk, or returns {@code null} when the budget is spent (counted). The chunk's
     * content is whatever its last user left there.
     */
    public MemorySegment acquireChunk() {
        lock.lock();
        try {
            if (freeChunkCount > 0) {
                MemorySegment chunk = freeChunks[--freeChunkCount];
                freeChunks[freeChunkCount] = null;
                return chunk;
            }
            if (createdChunks == maxChunks) {
                exhaustedCount++;
                return null;
            }
            createdChunks++;
        } finally {
            lock.unlock();
        }
        return memory == Memory.NATIVE ? arena.allocate(chunkSize, 64) : MemorySegment.ofArray(new byte[chunkSize]);
    }

    /** Gives a chunk back. It must have come from this pool and must not be used afterwards. */
    public void releaseChunk(MemorySegment chunk) {
        lock.lock();
        try {
            if (freeChunkCount >= maxFreeChunks) {
                createdChunks--; // let it go: the budget counts chunks that exist
                return;
            }
            if (freeChunkCount == freeChunks.length) {
                freeChunks = Arrays.copyOf(freeChunks, freeChunks.length * 2);
            }
            freeChunks[freeChunkCount++] = chunk;
        } finally {
            lock.unlock();
        }
    }

    /** An empty send buffer that accepts up to {@code limit} bytes. */
    public SendBuffer acquireSendBuffer(int limit) {
        SendBuffer buffer = null;
        lock.lock();
        try {
            if (freeSendBufferCount > 0) {
                buffer = freeSendBuffers[--freeSendBufferCount];
                freeSendBuffers[freeSendBufferCount] = null;
            }
        } finally {
            lock.unlock();
        }
        if (buffer == null) {
            buffer = new SendBuffer(this);
        }
        buffer.limit(limit);
        return buffer;
    }

    /** Takes back an empty send buffer. */
    public void releaseSendBuffer(SendBuffer buffer) {
        if (!buffer.isEmpty()) {
            throw new IllegalStateException("send buffer still holds " + buffer.length() + " bytes");
        }
        lock.lock();
        try {
            if (freeSendBufferCount >= maxFreeChunks) {
                return;
            }
            if (freeSendBufferCount == freeSendBuffers.length) {
                freeSendBuffers = Arrays.copyOf(freeSendBuffers, freeSendBuffers.length * 2);
            }
            freeSendBuffers[freeSendBufferCount++] = buffer;
        } finally {
            lock.unlock();
        }
    }

    /** An empty receive buffer that holds up to {@code limit} bytes. */
    public ReceiveBuffer acquireReceiveBuffer(int limit) {
        ReceiveBuffer buffer = null;
        lock.lock();
        try {
            if (freeReceiveBufferCount > 0) {
                buffer = freeReceiveBuffers[--freeReceiveBufferCount];
                freeReceiveBuffers[freeReceiveBufferCount] = null;
            }
        } finally {
            lock.unlock();
        }
        if (buffer == null) {
            buffer = new ReceiveBuffer(this);
        }
        buffer.limit(limit);
        return buffer;
    }

    /** Takes back an empty receive buffer (no readable and no out-of-order bytes). */
    public void releaseReceiveBuffer(ReceiveBuffer buffer) {
        if (!buffer.isEmpty()) {
            throw new IllegalStateException("receive buffer still holds bytes");
        }
        lock.lock();
        try {
            if (freeReceiveBufferCount >= maxFreeChunks) {
                return;
            }
            if (freeReceiveBufferCount == freeReceiveBuffers.length) {
                freeReceiveBuffers = Arrays.copyOf(freeReceiveBuffers, freeReceiveBuffers.length * 2);
            }
            freeReceiveBuffers[freeReceiveBufferCount++] = buffer;
        } finally {
            lock.unlock();
        }
    }

    /** Chunks currently lent to buffers. */
    public int chunksInUse() {
        lock.lock();
        try {
            return createdChunks - freeChunkCount;
        } finally {
            lock.unlock();
        }
    }

    /** Chunks that exist now: lent to buffers or kept free for reuse. */
    public int chunksCreated() {
        lock.lock();
        try {
            return createdChunks;
        } finally {
            lock.unlock();
        }
    }

    /** How many acquires found the budget spent. */
    public long exhaustedCount() {
        lock.lock();
        try {
            return exhaustedCount;
        } finally {
            lock.unlock();
        }
    }
}
