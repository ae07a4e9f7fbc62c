package dev.ferry.tcp.wire;

import static dev.ferry.tcp.wire.NetworkOrder.putU16;
import static dev.ferry.tcp.wire.NetworkOrder.putU32;
import static dev.ferry.tcp.wire.NetworkOrder.putU64;
import static dev.ferry.tcp.wire.NetworkOrder.putU8;
import static dev.ferry.tcp.wire.NetworkOrder.u64;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over the fixed IPv6 header (RFC 8200 section 3). Extension headers are not walked:
 * Ferry accepts TCP directly after this header and drops anything else with a counted reason.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------+---------------+---------------------------------------+
 * |version| traffic class |              flow label               |
 * +-------+---------------+-------+---------------+---------------+
 * |        payload length         |  next header  |   hop limit   |
 * +-------------------------------+---------------+---------------+
 * |                                                               |
 * +                 source address (128 bits)                     +
 * |                                                               |
 * +---------------------------------------------------------------+
 * |                                                               |
 * +               destination address (128 bits)                  +
 * |                                                               |
 * +---------------------------------------------------------------+
 * </pre>
 *
 * Addresses are read as two longs each: {@code hi} is bytes 0..7, {@code lo} bytes 8..15.
 *
 * <p>Contract: after {@link #wrap} returned {@link Malformed#NONE}, the header and {@link
 * #payloadLength()} bytes behind it lie inside the wrapped range and no accessor can fail. {@code
 * wrap} reads the 40 bytes in five loads and the accessors decode those.
 */
public final class Ipv6Header {
    public static final int VERSION_CLASS_FLOW_OFFSET = 0;
    public static final int PAYLOAD_LENGTH_OFFSET = 4;
    public static final int NEXT_HEADER_OFFSET = 6;
    public static final int HOP_LIMIT_OFFSET = 7;
    public static final int SRC_OFFSET = 8;
    public static final int DST_OFFSET = 24;
    public static final int LENGTH = 40;

    public static final int NEXT_HEADER_TCP = 6;

    // The fixed header as five big-endian loads, taken by wrap; accessors decode these.
    private long bytes0to7;
    private long srcHi;
    private long srcLo;
    private long dstHi;
    private long dstLo;

    /**
     * Points this view at an IPv6 header with {@code available} bytes behind its start and reads
     * it.
     *
     * @return {@link Malformed#NONE}, {@link Malformed#IP_TRUNCATED}, {@link
     *     Malformed#BAD_IP_VERSION} or {@link Malformed#IP_LENGTH_BEYOND_FRAME}
     */
    public Malformed wrap(MemorySegment memory, long offset, int available) {
        if (available < LENGTH) {
            return Malformed.IP_TRUNCATED;
        }
        bytes0to7 = u64(memory, offset);
        if (bytes0to7 >>> 60 != 6) {
            return Malformed.BAD_IP_VERSION;
        }
        if (LENGTH + payloadLength() > available) {
            return Malformed.IP_LENGTH_BEYOND_FRAME;
        }
        srcHi = u64(memory, offset + SRC_OFFSET);
        srcLo = u64(memory, offset + SRC_OFFSET + 8);
        dstHi = u64(memory, offset + DST_OFFSET);
        dstLo = u64(memory, offset + DST_OFFSET + 8);
        return Malformed.NONE;
    }

    public int trafficClass() {
        return (int) (bytes0to7 >>> 52) & 0xff;
    }

    /** The ECN codepoint (RFC 3168): the low two bits of the traffic class. */
    public int ecn() {
        return trafficClass() & 0x3;
    }

    public int flowLabel() {
        return (int) (bytes0to7 >>> 32) & 0x000f_ffff;
    }

    /** Bytes after the fixed header. */
    public int payloadLength() {
        return (int) (bytes0to7 >>> 16) & 0xffff;
    }

    public int nextHeader() {
        return (int) (bytes0to7 >>> 8) & 0xff;
    }

    public int hopLimit() {
        return (int) bytes0to7 & 0xff;
    }

    public long srcHi() {
        return srcHi;
    }

    public long srcLo() {
        return srcLo;
    }

    public long dstHi() {
        return dstHi;
    }

    public long dstLo() {
        return dstLo;
    }

    /**
     * True for the next-header values RFC 8200 section 4 (and the IANA list it points to) names as
     * extension headers: hop-by-hop, routing, fragment, destination options, AH, ESP, mobility,
     * HIP, shim6 and the two experimental values.
     */
    public static boolean isExtensionHeader(int nextHeader) {
        return switch (nextHeader) {
            case 0, 43, 44, 60, 51, 50, 135, 139, 140, 253, 254 -> true;
            default -> false;
        };
    }

    /** Writes the fixed header (flow label 0) and returns {@link #LENGTH}. */
    public static int write(
            MemorySegment memory,
            long offset,
            int trafficClass,
            int payloadLength,
            int nextHeader,
            int hopLimit,
            long srcHi,
            long srcLo,
            long dstHi,
            long dstLo) {
        putU32(memory, offset + VERSION_CLASS_FLOW_OFFSET, (6 << 28) | ((trafficClass & 0xff) << 20));
        putU16(memory, offset + PAYLOAD_LENGTH_OFFSET, payloadLength);
        putU8(memory, offset + NEXT_HEADER_OFFSET, nextHeader);
        putU8(memory, offset + HOP_LIMIT_OFFSET, hopLimit);
        putU64(memory, offset + SRC_OFFSET, srcHi);
        putU64(memory, offset + SRC_OFFSET + 8, srcLo);
        putU64(memory, offset + DST_OFFSET, dstHi);
        putU64(memory, offset + DST_OFFSET + 8, dstLo);
        return LENGTH;
    }
}
