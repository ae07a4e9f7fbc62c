package dev.ferry.tcp.wire;

import static dev.ferry.tcp.wire.NetworkOrder.putU32;
import static dev.ferry.tcp.wire.NetworkOrder.putU64;
import static dev.ferry.tcp.wire.NetworkOrder.u32;
import static dev.ferry.tcp.wire.NetworkOrder.u64;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over an IPv4 header (RFC 791). Options are skipped, not interpreted.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------+-------+-----------+---+-------------------------------+
 * |version|  IHL  |   DSCP    |ECN|         total length          |
 * +-------+-------+-----------+---+-+-+-+-------------------------+
 * |        identification         |0|D|M|     fragment offset     |
 * |                               | |F|F|                         |
 * +---------------+---------------+-+-+-+-------------------------+
 * |      TTL      |   protocol    |        header checksum        |
 * +---------------+---------------+-------------------------------+
 * |                        source address                         |
 * +---------------------------------------------------------------+
 * |                     destination address                       |
 * +---------------------------------------------------------------+
 * |              options (IHL - 5 words), skipped                 |
 * +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Contract: after {@link #wrap} returned {@link Malformed#NONE}, the header (with options) and
 * {@link #totalLength()} bytes lie inside the wrapped range and no accessor can fail. {@code wrap}
 * reads the fixed 20 bytes in three loads and the accessors decode those, so they see the header
 * as it was when wrapped. The checksum
 * and the fragment fields are not judged here: that is {@link FrameParser}'s policy.
 */
public final class Ipv4Header {
    public static final int VERSION_IHL_OFFSET = 0;
    public static final int TOS_OFFSET = 1;
    public static final int TOTAL_LENGTH_OFFSET = 2;
    public static final int IDENTIFICATION_OFFSET = 4;
    public static final int FLAGS_FRAGMENT_OFFSET = 6;
    public static final int TTL_OFFSET = 8;
    public static final int PROTOCOL_OFFSET = 9;
    public static final int CHECKSUM_OFFSET = 10;
    public static final int SRC_OFFSET = 12;
    public static final int DST_OFFSET = 16;
    /** Bytes of a header without options. */
    public static final int MIN_LENGTH = 20;

    public static final int PROTOCOL_TCP = 6;
    /** Don't Fragment, in the 16-bit flags/fragment-offset word. */
    public static final int FLAG_DF = 0x4000;
    /** More Fragments. */
    public static final int FLAG_MF = 0x2000;

    private static final int FRAGMENT_OFFSET_MASK = 0x1fff;

    private MemorySegment memory;
    private long offset;
    // The fixed header as three big-endian loads, taken by wrap: accessors decode these instead of
    // touching memory again (one bounds-checked access per field costs more than the parse itself).
    private long bytes0to7;
    private long bytes8to15;
    private int bytes16to19;

    /**
     * Points this view at an IPv4 header with {@code available} bytes behind its start (the rest of
     * the frame, which may include Ethernet padding past the IP total length), and reads its fixed
     * part.
     *
     * @return {@link Malformed#NONE}, {@link Malformed#IP_TRUNCATED}, {@link
     *     Malformed#BAD_IP_VERSION}, {@link Malformed#BAD_IHL} or {@link
     *     Malformed#IP_LENGTH_BEYOND_FRAME}
     */
    public Malformed wrap(MemorySegment memory, long offset, int available) {
        this.memory = memory;
        this.offset = offset;
        if (available < MIN_LENGTH) {
            return Malformed.IP_TRUNCATED;
        }
        bytes0to7 = u64(memory, offset);
        bytes8to15 = u64(memory, offset + 8);
        bytes16to19 = u32(memory, offset + 16);
        if (bytes0to7 >>> 60 != 4) {
            return Malformed.BAD_IP_VERSION;
        }
        int total = totalLength();
        if (total > available) {
            return Malformed.IP_LENGTH_BEYOND_FRAME;
        }
        int headerLength = headerLength();
        if (headerLength < MIN_LENGTH || headerLength > total) {
            return Malformed.BAD_IHL;
        }
        return Malformed.NONE;
    }

    /** Header bytes including options: IHL * 4. */
    public int headerLength() {
        return (int) (bytes0to7 >>> 56 & 0x0f) * 4;
    }

    /** DSCP and ECN: the second byte. */
    public int tos() {
        return (int) (bytes0to7 >>> 48) & 0xff;
    }

    /** The ECN codepoint (RFC 3168): 0 not ECT, 1 ECT(1), 2 ECT(0), 3 CE. */
    public int ecn() {
        return tos() & 0x3;
    }

    /** Header plus payload bytes, as the sender declared them. */
    public int totalLength() {
        return (int) (bytes0to7 >>> 32) & 0xffff;
    }

    public int identification() {
        return (int) (bytes0to7 >>> 16) & 0xffff;
    }

    public boolean dontFragment() {
        return (bytes0to7 & FLAG_DF) != 0;
    }

    /** True for any piece of a fragmented datagram: MF set or a non-zero fragment offset. */
    public boolean isFragment() {
        return (bytes0to7 & (FLAG_MF | FRAGMENT_OFFSET_MASK)) != 0;
    }

    public int ttl() {
        return (int) (bytes8to15 >>> 56);
    }

    public int protocol() {
        return (int) (bytes8to15 >>> 48) & 0xff;
    }

    public int checksum() {
        return (int) (bytes8to15 >>> 32) & 0xffff;
    }

    /** The source address as a big-endian int (10.0.0.1 is 0x0a000001). */
    public int src() {
        return (int) bytes8to15;
    }

    public int dst() {
        return bytes16to19;
    }

    /** True when the header checksum (over the options too) verifies. */
    public boolean checksumValid() {
        long sum = (bytes0to7 >>> 32)
                + (bytes0to7 & 0xffff_ffffL)
                + (bytes8to15 >>> 32)
                + (bytes8to15 & 0xffff_ffffL)
                + (bytes16to19 & 0xffff_ffffL);
        int optionsLength = headerLength() - MIN_LENGTH;
        if (optionsLength > 0) {
            sum = Checksum.add(memory, offset + MIN_LENGTH, optionsLength, sum);
        }
        return Checksum.verifies(sum);
    }

    /**
     * Writes a 20-byte header with DF set, fragment offset 0 and its checksum, and returns {@link
     * #MIN_LENGTH}. With DF set the identification may be 0 (RFC 6864 section 4.1: it only serves
     * reassembly, which DF rules out).
     */
    public static int write(
            MemorySegment memory,
            long offset,
            int tos,
            int totalLength,
            int identification,
            int ttl,
            int protocol,
            int src,
            int dst) {
        // Composed as three words and summed from them: no read-back for the checksum.
        long bytes0to7 = 0x45L << 56
                | (tos & 0xffL) << 48
                | (totalLength & 0xffffL) << 32
                | (identification & 0xffffL) << 16
                | FLAG_DF;
        long bytes8to15 = (ttl & 0xffL) << 56 | (protocol & 0xffL) << 48 | (src & 0xffff_ffffL);
        long sum = (bytes0to7 >>> 32)
                + (bytes0to7 & 0xffff_ffffL)
                + (bytes8to15 >>> 32)
                + (bytes8to15 & 0xffff_ffffL)
                + (dst & 0xffff_ffffL);
        bytes8to15 |= (long) Checksum.finish(sum) << 32;
        putU64(memory, offset, bytes0to7);
        putU64(memory, offset + 8, bytes8to15);
        putU32(memory, offset + DST_OFFSET, dst);
        return MIN_LENGTH;
    }
}
