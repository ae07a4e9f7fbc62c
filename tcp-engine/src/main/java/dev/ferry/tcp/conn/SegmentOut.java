package dev.ferry.tcp.conn;

import dev.ferry.tcp.buffer.ReceiveBuffer;
import dev.ferry.tcp.buffer.SendBuffer;
import dev.ferry.tcp.wire.TcpFlags;
import java.lang.foreign.MemorySegment;

/**
 * A segment a connection wants sent: header fields, options, and the payload as a range of its
 * send buffer. One instance per shard, refilled for every segment and valid only during {@link
 * ConnectionHost#transmit}: the host builds the frame from it and copies the payload with {@link
 * #copyPayload}.
 *
 * <p>The window is already scaled down to the 16-bit field. Options are listed, not encoded: the
 * frame builder lays them out ({@link #optionsLength()} gives the length of the usual layout). A
 * payload longer than {@link #segmentSize()} is meant for segmentation offload (GSO): the device
 * cuts it into {@code segmentSize} pieces, each with this header and these options.
 */
public final class SegmentOut {
    /** SACK blocks sent at most (3 fit beside timestamps, 4 without). */
    public static final int MAX_SACK_BLOCKS = 4;

    private int flags;
    private int seq;
    private int ack;
    private int window;
    private int mss;
    private int windowScale;
    private boolean sackPermitted;
    private boolean timestamps;
    private int tsVal;
    private int tsEcr;
    private int sackBlockCount;
    private final int[] sackBlocks = new int[2 * MAX_SACK_BLOCKS];
    private final int[] rangeScratch = new int[2 * MAX_SACK_BLOCKS];
    private SendBuffer source;
    private int payloadOffset;
    private int payloadLength;
    private int segmentSize;

    /** Starts a new segment with no options and no payload. */
    public SegmentOut start(int flags, int seq, int ack, int window) {
        this.flags = flags;
        this.seq = seq;
        this.ack = ack;
        this.window = window;
        this.mss = -1;
        this.windowScale = -1;
        this.sackPermitted = false;
        this.timestamps = false;
        this.tsVal = 0;
        this.tsEcr = 0;
        this.sackBlockCount = 0;
        this.source = null;
        this.payloadOffset = 0;
        this.payloadLength = 0;
        this.segmentSize = 0;
        return this;
    }

    /** Sets the 16-bit window field (already scaled down). */
    public SegmentOut window(int window) {
        this.window = window;
        return this;
    }

    /**
     * Adds up to {@code max} SACK blocks for the out-of-order ranges {@code buffer} holds, most
     * recent first (RFC 2018 4), as sequence numbers relative to {@code rcvNxt}.
     */
    public SegmentOut sackFrom(ReceiveBuffer buffer, int rcvNxt, int max) {
        int first = sackBlockCount; // after a D-SACK block, if one went first
        int n = buffer.sackRanges(Math.min(max, MAX_SACK_BLOCKS - first), rangeScratch);
        for (int i = 0; i < 2 * n; i++) {
            sackBlocks[2 * first + i] = rangeScratch[i] + rcvNxt;
        }
        sackBlockCount = first + n;
        return this;
    }

    public SegmentOut flags(int flags) {
        this.flags = flags;
        return this;
    }

    public SegmentOut synOptions(int mss, int windowScale, boolean sackPermitted) {
        this.mss = mss;
        this.windowScale = windowScale;
        this.sackPermitted = sackPermitted;
        return this;
    }

    public SegmentOut timestamps(int tsVal, int tsEcr) {
        this.timestamps = true;
        this.tsVal = tsVal;
        this.tsEcr = tsEcr;
        return this;
    }

    public SegmentOut sackBlock(int left, int right) {
        sackBlocks[2 * sackBlockCount] = left;
        sackBlocks[2 * sackBlockCount + 1] = right;
        sackBlockCount++;
        return this;
    }

    public SegmentOut payload(SendBuffer source, int offset, int length, int segmentSize) {
        this.source = source;
        this.payloadOffset = offset;
        this.payloadLength = length;
        this.segmentSize = segmentSize;
        return this;
    }

    public int flags() {
        return flags;
    }

    public int seq() {
        return seq;
    }

    public int ack() {
        return ack;
    }

    /** The 16-bit window field, already scaled down. */
    public int window() {
        return window;
    }

    /** MSS option value, or -1 for none (SYNs only). */
    public int mss() {
        return mss;
    }

    /** Window-scale shift, or -1 for none (SYNs only). */
    public int windowScale() {
        return windowScale;
    }

    /** Whether to include SACK-permitted (SYNs only). */
    public boolean sackPermitted() {
        return sackPermitted;
    }

    /** Whether to include the timestamps option. */
    public boolean hasTimestamps() {
        return timestamps;
    }

    public int tsVal() {
        return tsVal;
    }

    public int tsEcr() {
        return tsEcr;
    }

    public int sackBlockCount() {
        return sackBlockCount;
    }

    /** Left edge of SACK block {@code i}, most recent first (RFC 2018 4). */
    public int sackLeft(int i) {
        return sackBlocks[2 * i];
    }

    /** Right edge (exclusive) of SACK block {@code i}. */
    public int sackRight(int i) {
        return sackBlocks[2 * i + 1];
    }

    /** Payload bytes. */
    public int payloadLength() {
        return payloadLength;
    }

    /** Where the payload starts in the send buffer, counted from SND.UNA's byte. */
    public int payloadOffset() {
        return payloadOffset;
    }

    /** Payload bytes per wire segment when the payload must be cut (GSO); the sender's MSS. */
    public int segmentSize() {
        return segmentSize;
    }

    /** Copies the payload into {@code dst} at {@code dstOffset}. */
    public void copyPayload(MemorySegment dst, long dstOffset) {
        if (payloadLength > 0) {
            source.copyTo(payloadOffset, payloadLength, dst, dstOffset);
        }
    }

    /**
     * TCP option bytes in the usual layout (Linux's): MSS (4); SACK-permitted beside timestamps (2 +
     * 10) or each NOP-padded alone (4, 12); NOP + window scale (4); NOP NOP + SACK blocks (4 + 8
     * each). Always a multiple of 4 and at most 40.
     */
    public int optionsLength() {
        int length = mss >= 0 ? 4 : 0;
        if (sackPermitted && timestamps) {
            length += 12;
        } else {
            length += (sackPermitted ? 4 : 0) + (timestamps ? 12 : 0);
        }
        length += windowScale >= 0 ? 4 : 0;
        length += sackBlockCount > 0 ? 4 + 8 * sackBlockCount : 0;
        return length;
    }

    @Override
    public String toString() {
        return "SegmentOut[" + TcpFlags.toString(flags) + " seq=" + Integer.toUnsignedString(seq) + " ack="
                + Integer.toUnsignedString(ack) + " win=" + window + " len=" + payloadLength
                + (mss >= 0 ? " mss=" + mss : "") + (windowScale >= 0 ? " ws=" + windowScale : "")
                + (sackPermitted ? " sackOK" : "") + (timestamps ? " ts=" + tsVal + "/" + tsEcr : "")
                + (sackBlockCount > 0 ? " sacks=" + sackBlockCount : "") + "]";
    }
}
