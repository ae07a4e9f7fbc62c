package dev.ferry.tcp.conn;

import dev.ferry.tcp.wire.TcpFlags;
import java.lang.foreign.MemorySegment;

/**
 * A received TCP segment as the connection needs it: header fields, the options it understands,
 * and where the payload lies.
 *
 * <p>One instance per shard, refilled for every segment: the stack {@link #clear()}s it, sets the
 * {@link #header header} and whatever options the frame carried, points {@link #payload payload}
 * at the bytes in the RX ring, and passes it to {@code TcpConnection.onSegment}. It is valid only
 * during that call; the connection copies what it keeps.
 *
 * <p>The stack has already checked lengths and checksums. It passes options as they were on the
 * wire (an MSS of 0 or a window-scale shift of 30 included): judging them is the connection's job.
 * The payload may be longer than any MSS (GSO super-frames of up to 64 KB are normal on veth).
 */
public final class SegmentIn {
    /** SACK blocks kept at most (4 fit in the option space; RFC 2018 section 3). */
    public static final int MAX_SACK_BLOCKS = 4;

    private int seq;
    private int ack;
    private int flags;
    private int window;
    private int mss = -1;
    private int windowScale = -1;
    private boolean sackPermitted;
    private boolean timestamps;
    private int tsVal;
    private int tsEcr;
    private int sackBlockCount;
    private final int[] sackBlocks = new int[2 * MAX_SACK_BLOCKS];
    private MemorySegment payload = MemorySegment.NULL;
    private long payloadOffset;
    private int payloadLength;

    /** Forgets every option and the payload; header fields are left to {@link #header}. */
    public SegmentIn clear() {
        mss = -1;
        windowScale = -1;
        sackPermitted = false;
        timestamps = false;
        tsVal = 0;
        tsEcr = 0;
        sackBlockCount = 0;
        payload = MemorySegment.NULL;
        payloadOffset = 0;
        payloadLength = 0;
        return this;
    }

    /**
     * @param seq    sequence number
     * @param ack    acknowledgment number (meaningful with {@link TcpFlags#ACK})
     * @param flags  control bits, {@link TcpFlags}
     * @param window raw 16-bit window field, not yet scaled
     */
    public SegmentIn header(int seq, int ack, int flags, int window) {
        this.seq = seq;
        this.ack = ack;
        this.flags = flags & 0xFF;
        this.window = window & 0xFFFF;
        return this;
    }

    /** The MSS option's value as sent (SYNs only), or -1 when absent. */
    public SegmentIn mss(int mss) {
        this.mss = mss;
        return this;
    }

    /** The window-scale option's shift as sent (SYNs only), or -1 when absent. */
    public SegmentIn windowScale(int shift) {
        this.windowScale = shift;
        return this;
    }

    /** Whether the SYN carried SACK-permitted. */
    public SegmentIn sackPermitted(boolean present) {
        this.sackPermitted = present;
        return this;
    }

    /** The timestamps option's values (RFC 7323 3.2). */
    public SegmentIn timestamps(int tsVal, int tsEcr) {
        this.timestamps = true;
        this.tsVal = tsVal;
        this.tsEcr = tsEcr;
        return this;
    }

    /** Adds one SACK block [left, right); blocks beyond {@link #MAX_SACK_BLOCKS} are ignored. */
    public SegmentIn sackBlock(int left, int right) {
        if (sackBlockCount < MAX_SACK_BLOCKS) {
            sackBlocks[2 * sackBlockCount] = left;
            sackBlocks[2 * sackBlockCount + 1] = right;
            sackBlockCount++;
        }
        return this;
    }

    /** Points at the payload: {@code length} bytes of {@code memory} from {@code offset}. */
    public SegmentIn payload(MemorySegment memory, long offset, int length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative payload length " + length);
        }
        this.payload = memory;
        this.payloadOffset = offset;
        this.payloadLength = length;
        return this;
    }

    public int seq() {
        return seq;
    }

    public int ack() {
        return ack;
    }

    public int flags() {
        return flags;
    }

    /** True when every bit of {@code bits} is set. */
    public boolean has(int bits) {
        return (flags & bits) == bits;
    }

    /** The raw window field; the connection scales it. */
    public int window() {
        return window;
    }

    public int mss() {
        return mss;
    }

    public int windowScale() {
        return windowScale;
    }

    public boolean sackPermitted() {
        return sackPermitted;
    }

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

    /** Left edge of SACK block {@code i}. */
    public int sackLeft(int i) {
        return sackBlocks[2 * i];
    }

    /** Right edge (exclusive) of SACK block {@code i}. */
    public int sackRight(int i) {
        return sackBlocks[2 * i + 1];
    }

    public MemorySegment payloadMemory() {
        return payload;
    }

    public long payloadOffset() {
        return payloadOffset;
    }

    public int payloadLength() {
        return payloadLength;
    }

    /** SEG.LEN of RFC 9293: payload bytes plus one for SYN and one for FIN. */
    public int sequenceLength() {
        return payloadLength + (flags & TcpFlags.SYN) / TcpFlags.SYN + (flags & TcpFlags.FIN);
    }

    @Override
    public String toString() {
        return "SegmentIn[" + TcpFlags.toString(flags) + " seq=" + Integer.toUnsignedString(seq) + " ack="
                + Integer.toUnsignedString(ack) + " win=" + window + " len=" + payloadLength
                + (mss >= 0 ? " mss=" + mss : "") + (windowScale >= 0 ? " ws=" + windowScale : "")
                + (sackPermitted ? " sackOK" : "") + (timestamps ? " ts=" + tsVal + "/" + tsEcr : "")
                + (sackBlockCount > 0 ? " sacks=" + sackBlockCount : "") + "]";
    }
}
