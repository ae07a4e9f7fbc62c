package dev.ferry.tcp.wire;

import static dev.ferry.tcp.wire.NetworkOrder.mac;
import static dev.ferry.tcp.wire.NetworkOrder.putMac;
import static dev.ferry.tcp.wire.NetworkOrder.putU16;
import static dev.ferry.tcp.wire.NetworkOrder.putU32;
import static dev.ferry.tcp.wire.NetworkOrder.putU8;
import static dev.ferry.tcp.wire.NetworkOrder.u16;
import static dev.ferry.tcp.wire.NetworkOrder.u32;
import static dev.ferry.tcp.wire.NetworkOrder.u8;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over an ARP packet for Ethernet and IPv4 (RFC 826), the only form Ferry speaks.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------------------------------+-------------------------------+
 * |     hardware type (1)         |     protocol type (0x0800)    |
 * +---------------+---------------+-------------------------------+
 * | hw length (6) | ip length (4) |  operation (1 request, 2 reply)|
 * +---------------+---------------+-------------------------------+
 * |                  sender MAC (48 bits)                         |
 * +                               +-------------------------------+
 * |                               |   sender IPv4 (high half)     |
 * +-------------------------------+-------------------------------+
 * |   sender IPv4 (low half)      |                               |
 * +-------------------------------+                               +
 * |                  target MAC (48 bits)                         |
 * +-------------------------------+-------------------------------+
 * |                  target IPv4                                  |
 * +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Contract: after {@link #wrap} returned {@link Malformed#NONE}, no accessor can fail.
 */
public final class ArpPacket {
    public static final int HARDWARE_TYPE_OFFSET = 0;
    public static final int PROTOCOL_TYPE_OFFSET = 2;
    public static final int HARDWARE_LENGTH_OFFSET = 4;
    public static final int PROTOCOL_LENGTH_OFFSET = 5;
    public static final int OPERATION_OFFSET = 6;
    public static final int SENDER_MAC_OFFSET = 8;
    public static final int SENDER_IP_OFFSET = 14;
    public static final int TARGET_MAC_OFFSET = 18;
    public static final int TARGET_IP_OFFSET = 24;
    /** Bytes of an Ethernet/IPv4 ARP packet. */
    public static final int LENGTH = 28;

    public static final int HARDWARE_ETHERNET = 1;
    public static final int OPERATION_REQUEST = 1;
    public static final int OPERATION_REPLY = 2;

    private MemorySegment memory;
    private long offset;

    /**
     * Points this view at an ARP packet of {@code length} bytes (Ethernet padding may follow it).
     *
     * @return {@link Malformed#NONE}, {@link Malformed#ARP_TRUNCATED} or {@link
     *     Malformed#ARP_UNSUPPORTED} (not Ethernet/IPv4)
     */
    public Malformed wrap(MemorySegment memory, long offset, int length) {
        this.memory = memory;
        this.offset = offset;
        if (length < LENGTH) {
            return Malformed.ARP_TRUNCATED;
        }
        if (u16(memory, offset + HARDWARE_TYPE_OFFSET) != HARDWARE_ETHERNET
                || u16(memory, offset + PROTOCOL_TYPE_OFFSET) != EthernetHeader.TYPE_IPV4
                || u8(memory, offset + HARDWARE_LENGTH_OFFSET) != 6
                || u8(memory, offset + PROTOCOL_LENGTH_OFFSET) != 4) {
            return Malformed.ARP_UNSUPPORTED;
        }
        return Malformed.NONE;
    }

    /** {@link #OPERATION_REQUEST}, {@link #OPERATION_REPLY} or another value a peer sent. */
    public int operation() {
        return u16(memory, offset + OPERATION_OFFSET);
    }

    public long senderMac() {
        return mac(memory, offset + SENDER_MAC_OFFSET);
    }

    /** The sender's IPv4 address as a big-endian int (10.0.0.1 is 0x0a000001). */
    public int senderIp() {
        return u32(memory, offset + SENDER_IP_OFFSET);
    }

    public long targetMac() {
        return mac(memory, offset + TARGET_MAC_OFFSET);
    }

    public int targetIp() {
        return u32(memory, offset + TARGET_IP_OFFSET);
    }

    /** Writes an Ethernet/IPv4 ARP packet and returns {@link #LENGTH}. */
    public static int write(
            MemorySegment memory,
            long offset,
            int operation,
            long senderMac,
            int senderIp,
            long targetMac,
            int targetIp) {
        putU16(memory, offset + HARDWARE_TYPE_OFFSET, HARDWARE_ETHERNET);
        putU16(memory, offset + PROTOCOL_TYPE_OFFSET, EthernetHeader.TYPE_IPV4);
        putU8(memory, offset + HARDWARE_LENGTH_OFFSET, 6);
        putU8(memory, offset + PROTOCOL_LENGTH_OFFSET, 4);
        putU16(memory, offset + OPERATION_OFFSET, operation);
        putMac(memory, offset + SENDER_MAC_OFFSET, senderMac);
        putU32(memory, offset + SENDER_IP_OFFSET, senderIp);
        putMac(memory, offset + TARGET_MAC_OFFSET, targetMac);
        putU32(memory, offset + TARGET_IP_OFFSET, targetIp);
        return LENGTH;
    }
}
