package dev.ferry.tcp.buffer;

import java.lang.foreign.MemorySegment;

/**
 * Bytes received from the peer and not yet read by the application, reassembled in stream order.
 *
 * <p>Positions are counted from the end of the contiguous data, which the connection keeps at
 * RCV.NXT: in-order data is written at offset 0 and extends the readable bytes; data further on
 * (out of order) is stored where it belongs and remembered as a range until the gap before it
 * fills. The ranges are what the connection reports in SACK blocks (RFC 2018), most recently
 * changed first. At most {@link #MAX_RANGES} separate ranges are kept: a segment that would open
 * one more is refused (the sender retransmits it).
 *
 * <p>The buffer does not police the window: the connection trims segments to the window it
 * advertised before writing, and {@link #window()} tells it how much room its {@linkplain #limit
 * limit} leaves. Chunks come from the pool as positions are first written and go back as soon as
 * they are read; all of them when nothing is held.
 *
 * <p>Not thread-safe: used by the shard thread, or under the stream's lock (blocking adapter).
 */
public final class ReceiveBuffer {
    /** Separate out-of-order ranges kept at most. */
    public static final int MAX_RANGES = 16;

    private final ChunkRing chunks;
    private final int chunkShift;
    private final int chunkMask;
    /** Stream position of byte 0 of the first chunk. */
    private long basePosition;
    /** Stream position of the next byte the application reads. */
    private long readPosition;
    /** Stream position just after the contiguous bytes (RCV.NXT). */
    private long contiguousEnd;

    private final long[] rangeStart = new long[MAX_RANGES];
    private final long[] rangeEnd = new long[MAX_RANGES];
    private final int[] rangeStamp = new int[MAX_RANGES];
    private int rangeCount;
    private int stamp;
    private int limit;

    ReceiveBuffer(BufferPool pool) {
        this.chunks = new ChunkRing(pool);
        this.chunkShift = pool.chunkShift();
        this.chunkMask = pool.chunkSize() - 1;
    }

    /** The most bytes this buffer is meant to hold (the receive window it offers when empty). */
    public int limit() {
        return limit;
    }

    /** Changes the offered capacity; bytes already held stay. */
    public void limit(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("negative limit " + limit);
        }
        this.limit = limit;
    }

    /** Contiguous bytes the application can read now. */
    public int readable() {
        return (int) (contiguousEnd - readPosition);
    }

    /** Room after the contiguous bytes within the limit: the receive window to offer. */
    public int window() {
        return (int) Math.max(0, limit - (contiguousEnd - readPosition));
    }

    /** True when neither readable nor out-of-order bytes are held (and therefore no chunk). */
    public boolean isEmpty() {
        return contiguousEnd == readPosition && rangeCount == 0;
    }

    /** Out-of-order ranges held. */
    public int outOfOrderRanges() {
        return rangeCount;
    }

    /** Chunks currently held. */
    public int chunks() {
        return chunks.count();
    }

    /**
     * Stores {@code len} bytes of {@code src} that belong {@code offset} bytes after the contiguous
     * end (0 = in order) and returns by how many bytes the contiguous end moved (including
     * out-of-order bytes this write connected), or -1 when the bytes could not be stored (pool
     * exhausted, or one range too many) and were dropped.
     */
    public int write(int offset, MemorySegment src, long srcOffset, int len) {
        if (offset < 0 || len < 0) {
            throw new IllegalArgumentException("offset " + offset + ", length " + len);
        }
        if (len == 0) {
            return 0;
        }
        long start = contiguousEnd + offset;
        long end = start + len;
        if (offset > 0 && !canRecord(start, end)) {
            return -1;
        }
        if (!ensureChunksUpTo(end)) {
            releaseIfEmpty();
            return -1;
        }
        copyIn(start, src, srcOffset, len);
        if (offset > 0) {
            record(start, end);
            return 0;
        }
        long before = contiguousEnd;
        contiguousEnd = end;
        absorbRanges();
        return (int) (contiguousEnd - before);
    }

    /** Copies up to {@code len} readable bytes into {@code dst} and returns how many it copied. */
    public int read(MemorySegment dst, long dstOffset, int len) {
        int n = Math.min(len, readable());
        int done = 0;
        while (done < n) {
            long position = readPosition + done;
            int within = (int) ((position - basePosition) & chunkMask);
            int chunkBytes = Math.min(n - done, chunkMask + 1 - within);
            MemorySegment.copy(chunkAt(position), within, dst, dstOffset + done, chunkBytes);
            done += chunkBytes;
        }
        skip(n);
        return n;
    }

    /** Discards up to {@code len} readable bytes and returns how many it discarded. */
    public int skip(int len) {
        int n = Math.min(len, readable());
        readPosition += n;
        if (isEmpty()) {
            releaseAll();
            return n;
        }
        int consumed = (int) ((readPosition - basePosition) >>> chunkShift);
        releaseFront(consumed);
        return n;
    }

    /** Drops everything held, readable and out of order. */
    public void clear() {
        readPosition = contiguousEnd;
        rangeCount = 0;
        stamp = 0;
        releaseAll();
    }

    /**
     * Writes up to {@code max} out-of-order ranges into {@code out} as pairs of offsets from the
     * contiguous end ({@code out[2i]} = start, {@code out[2i+1]} = end, exclusive), the most
     * recently changed range first (RFC 2018 section 4), and returns how many it wrote.
     */
    public int sackRanges(int max, int[] out) {
        int n = Math.min(max, rangeCount);
        int previousStamp = Integer.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            int best = -1;
            for (int r = 0; r < rangeCount; r++) {
                int s = rangeStamp[r];
                if (s < previousStamp && (best < 0 || s > rangeStamp[best])) {
                    best = r;
                }
            }
            previousStamp = rangeStamp[best];
            out[2 * i] = (int) (rangeStart[best] - contiguousEnd);
            out[2 * i + 1] = (int) (rangeEnd[best] - contiguousEnd);
        }
        return n;
    }

    /** Whether [start, end) can be recorded without exceeding {@link #MAX_RANGES}. */
    private boolean canRecord(long start, long end) {
        if (rangeCount < MAX_RANGES) {
            return true;
        }
        for (int r = 0; r < rangeCount; r++) {
            if (start <= rangeEnd[r] && end >= rangeStart[r]) {
                return true;
            }
        }
        return false;
    }

    /** Adds [start, end) to the sorted ranges, merging what it touches, and marks it newest. */
    private void record(long start, long end) {
        int at = 0;
        while (at < rangeCount && rangeEnd[at] < start) {
            at++;
        }
        int last = at;
        while (last < rangeCount && rangeStart[last] <= end) {
            start = Math.min(start, rangeStart[last]);
            end = Math.max(end, rangeEnd[last]);
            last++;
        }
        int merged = last - at;
        if (merged == 0) {
            shiftRanges(at, 1);
        } else if (merged > 1) {
            shiftRanges(last, -(merged - 1));
        }
        rangeStart[at] = start;
        rangeEnd[at] = end;
        rangeStamp[at] = ++stamp;
    }

    /** Moves ranges from {@code from} on by {@code by} slots (positive opens a gap). */
    private void shiftRanges(int from, int by) {
        int moved = rangeCount - from;
        System.arraycopy(rangeStart, from, rangeStart, from + by, moved);
        System.arraycopy(rangeEnd, from, rangeEnd, from + by, moved);
        System.arraycopy(rangeStamp, from, rangeStamp, from + by, moved);
        rangeCount += by;
    }

    /** Joins out-of-order ranges that the contiguous end has reached. */
    private void absorbRanges() {
        int absorbed = 0;
        while (absorbed < rangeCount && rangeStart[absorbed] <= contiguousEnd) {
            contiguousEnd = Math.max(contiguousEnd, rangeEnd[absorbed]);
            absorbed++;
        }
        if (absorbed > 0) {
            shiftRanges(absorbed, -absorbed);
        }
        if (rangeCount == 0) {
            stamp = 0; // recency only orders ranges held together: restart it so it never wraps
        }
    }

    private void copyIn(long start, MemorySegment src, long srcOffset, int len) {
        int done = 0;
        while (done < len) {
            long position = start + done;
            int within = (int) ((position - basePosition) & chunkMask);
            int n = Math.min(len - done, chunkMask + 1 - within);
            MemorySegment.copy(src, srcOffset + done, chunkAt(position), within, n);
            done += n;
        }
    }

    private MemorySegment chunkAt(long position) {
        return chunks.get((int) ((position - basePosition) >>> chunkShift));
    }

    private boolean ensureChunksUpTo(long end) {
        if (chunks.count() == 0) {
            basePosition = readPosition;
        }
        int needed = (int) (((end - 1 - basePosition) >>> chunkShift) + 1);
        while (chunks.count() < needed) {
            if (!chunks.addFromPool()) {
                return false;
            }
        }
        return true;
    }

    private void releaseFront(int count) {
        chunks.releaseFront(count);
        basePosition += (long) count << chunkShift;
    }

    private void releaseIfEmpty() {
        if (isEmpty()) {
            releaseAll();
        }
    }

    private void releaseAll() {
        releaseFront(chunks.count());
        basePosition = readPosition;
    }

    @Override
    public String toString() {
        return "ReceiveBuffer[readable=" + readable() + ", ranges=" + rangeCount + ", limit=" + limit + ", chunks="
                + chunks.count() + "]";
    }
}
