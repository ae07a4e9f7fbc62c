package dev.ferry.tcp.wire;

import static dev.ferry.tcp.wire.NetworkOrder.putU32;
import static dev.ferry.tcp.wire.NetworkOrder.putU64;
import static dev.ferry.tcp.wire.NetworkOrder.u32;
import static dev.ferry.tcp.wire.NetworkOrder.u64;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over a TCP header (RFC 9293 section 3.1; ECE and CWR from RFC 3168).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------------------------------+-------------------------------+
 * |          source port          |       destination port        |
 * +-------------------------------+-------------------------------+
 * |                        sequence number                        |
 * +---------------------------------------------------------------+
 * |                     acknowledgment number                     |
 * +-------+-------+-+-+-+-+-+-+-+-+-------------------------------+
 * | data  |reser- |C|E|U|A|P|R|S|F|                               |
 * | offset| ved   |W|C|R|C|S|S|Y|I|            window             |
 * |(words)|       |R|E|G|K|H|T|N|N|                               |
 * +-------+-------+-+-+-+-+-+-+-+-+-------------------------------+
 * |           checksum            |        urgent pointer         |
 * +-------------------------------+-------------------------------+
 * |          options (data offset - 5 words), see TcpOptions      |
 * +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Contract: after {@link #wrap} returned {@link Malformed#NONE}, the header including its
 * options lies inside the wrapped segment and no accessor can fail. {@code wrap} reads the fixed
 * 20 bytes in three loads and the accessors decode those (one bounds-checked memory access per
 * field would cost more than the rest of the parse), so they see the header as it was when
 * wrapped; the options stay in memory for {@link TcpOptions}.
 */
public final class TcpHeader {
    public static final int SRC_PORT_OFFSET = 0;
    public static final int DST_PORT_OFFSET = 2;
    public static final int SEQ_OFFSET = 4;
    public static final int ACK_OFFSET = 8;
    public static final int DATA_OFFSET_OFFSET = 12;
    public static final int FLAGS_OFFSET = 13;
    public static final int WINDOW_OFFSET = 14;
    public static final int CHECKSUM_OFFSET = 16;
    public static final int URGENT_OFFSET = 18;
    public static final int OPTIONS_OFFSET = 20;
    /** Bytes of a header without options. */
    public static final int MIN_LENGTH = 20;
    /** Bytes of a header with the most options (data offset 15). */
    public static final int MAX_LENGTH = 60;

    private long offset;
    // The fixed header as three big-endian loads, taken by wrap; accessors decode these.
    private long bytes0to7;
    private long bytes8to15;
    private int bytes16to19;

    /**
     * Points this view at a TCP segment of {@code segmentLength} bytes (header and payload) and
     * reads its fixed header.
     *
     * @return {@link Malformed#NONE}, {@link Malformed#TCP_TRUNCATED} or {@link
     *     Malformed#BAD_TCP_DATA_OFFSET}
     */
    public Malformed wrap(MemorySegment memory, long offset, int segmentLength) {
        this.offset = offset;
        if (segmentLength < MIN_LENGTH) {
            return Malformed.TCP_TRUNCATED;
        }
        bytes0to7 = u64(memory, offset);
        bytes8to15 = u64(memory, offset + 8);
        bytes16to19 = u32(memory, offset + 16);
        int headerLength = headerLength();
        if (headerLength < MIN_LENGTH || headerLength > segmentLength) {
            return Malformed.BAD_TCP_DATA_OFFSET;
        }
        return Malformed.NONE;
    }

    public int srcPort() {
        return (int) (bytes0to7 >>> 48);
    }

    public int dstPort() {
        return (int) (bytes0to7 >>> 32) & 0xffff;
    }

    public int seq() {
        return (int) bytes0to7;
    }

    public int ack() {
        return (int) (bytes8to15 >>> 32);
    }

    /** Header bytes including options: data offset * 4. */
    public int headerLength() {
        return (int) (bytes8to15 >>> 28 & 0xf) * 4;
    }

    /** The eight flag bits, {@link TcpFlags} constants. */
    public int flags() {
        return (int) (bytes8to15 >>> 16) & 0xff;
    }

    /** The window field as sent, before any window scaling. */
    public int window() {
        return (int) bytes8to15 & 0xffff;
    }

    public int checksum() {
        return bytes16to19 >>> 16;
    }

    public int urgentPointer() {
        return bytes16to19 & 0xffff;
    }

    /** Absolute offset of the first option byte in the wrapped memory. */
    public long optionsOffset() {
        return offset + OPTIONS_OFFSET;
    }

    /** Option bytes (padding included). */
    public int optionsLength() {
        return headerLength() - MIN_LENGTH;
    }

    /**
     * Writes the fixed header with the checksum left 0 (see {@link FrameBuilder}); the options, if
     * any, follow at {@link #OPTIONS_OFFSET} and {@code headerLength} must count them.
     */
    public static void write(
            MemorySegment memory,
            long offset,
            int srcPort,
            int dstPort,
            int seq,
            int ack,
            int headerLength,
            int flags,
            int window,
            int urgentPointer) {
        putU64(memory, offset, (srcPort & 0xffffL) << 48 | (dstPort & 0xffffL) << 32 | (seq & 0xffff_ffffL));
        putU64(
                memory,
                offset + 8,
                (ack & 0xffff_ffffL) << 32
                        | (long) (headerLength / 4) << 28
                        | (flags & 0xffL) << 16
                        | (window & 0xffffL));
        putU32(memory, offset + CHECKSUM_OFFSET, urgentPointer & 0xffff); // checksum 0 for now
    }
}
