package dev.ferry.tcp.buffer;

import java.lang.foreign.MemorySegment;

/**
 * The bytes a stream has accepted from its application and the peer has not yet acknowledged: it
 * is both the send queue and the retransmission queue.
 *
 * <p>Offsets are relative to the oldest byte held, which the connection keeps at SND.UNA (its
 * first unacknowledged data byte). The connection copies any range out when it (re)transmits and
 * {@linkplain #release releases} bytes from the front as ACKs arrive. The bytes live in a ring of
 * pooled chunks; a chunk goes back to the pool as soon as its last byte is released, and all of
 * them when the buffer empties.
 *
 * <p>Not thread-safe: used by the shard thread, or under the stream's lock (blocking adapter).
 */
public final class SendBuffer {
    private final ChunkRing chunks;
    private final int chunkShift;
    private final int chunkMask;
    private int headOffset;
    private int length;
    private int limit;

    SendBuffer(BufferPool pool) {
        this.chunks = new ChunkRing(pool);
        this.chunkShift = pool.chunkShift();
        this.chunkMask = pool.chunkSize() - 1;
    }

    /** Bytes held: unacknowledged plus not yet sent. */
    public int length() {
        return length;
    }

    /** True when no byte is held (and therefore no chunk). */
    public boolean isEmpty() {
        return length == 0;
    }

    /** The most bytes this buffer accepts. */
    public int limit() {
        return limit;
    }

    /** Changes the most bytes this buffer accepts; bytes already held stay. */
    public void limit(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("negative limit " + limit);
        }
        this.limit = limit;
    }

    /** Bytes that {@link #append} would accept now, if the pool has chunks. */
    public int space() {
        return Math.max(0, limit - length);
    }

    /** Chunks this buffer currently holds. */
    public int chunks() {
        return chunks.count();
    }

    /**
     * Appends up to {@code len} bytes of {@code src} from {@code srcOffset} and returns how many it
     * took: fewer when the limit is reached or the pool has no chunk left.
     */
    public int append(MemorySegment src, long srcOffset, int len) {
        int wanted = Math.min(len, space());
        int copied = 0;
        while (copied < wanted) {
            int position = headOffset + length;
            int index = position >>> chunkShift;
            if (index == chunks.count() && !chunks.addFromPool()) {
                break;
            }
            int within = position & chunkMask;
            int n = Math.min(wanted - copied, chunkMask + 1 - within);
            MemorySegment.copy(src, srcOffset + copied, chunks.get(index), within, n);
            copied += n;
            length += n;
        }
        return copied;
    }

    /**
     * Copies {@code len} held bytes starting {@code offset} bytes after the oldest one into {@code
     * dst} at {@code dstOffset}.
     */
    public void copyTo(int offset, int len, MemorySegment dst, long dstOffset) {
        if (offset < 0 || len < 0 || offset > length - len) {
            throw new IndexOutOfBoundsException(
                    "range [" + offset + ", " + offset + "+" + len + ") outside " + length + " bytes");
        }
        int done = 0;
        while (done < len) {
            int position = headOffset + offset + done;
            int within = position & chunkMask;
            int n = Math.min(len - done, chunkMask + 1 - within);
            MemorySegment.copy(chunks.get(position >>> chunkShift), within, dst, dstOffset + done, n);
            done += n;
        }
    }

    /** Drops the oldest {@code bytes} (they were acknowledged) and returns emptied chunks. */
    public void release(int bytes) {
        if (bytes < 0 || bytes > length) {
            throw new IndexOutOfBoundsException("release of " + bytes + " of " + length + " bytes");
        }
        length -= bytes;
        if (length == 0) {
            chunks.releaseFront(chunks.count());
            headOffset = 0;
            return;
        }
        headOffset += bytes;
        int emptied = headOffset >>> chunkShift;
        chunks.releaseFront(emptied);
        headOffset &= chunkMask;
    }

    @Override
    public String toString() {
        return "SendBuffer[length=" + length + ", limit=" + limit + ", chunks=" + chunks.count() + "]";
    }
}
