package dev.ferry.afpacket.internal;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * {@code struct sockaddr_ll}: a link-layer address, used to bind a packet socket to a device.
 *
 * <pre>
 *  0 sll_family (u16)  2 sll_protocol (be16)  4 sll_ifindex (i32)
 *  8 sll_hatype (u16) 10 sll_pkttype (u8) 11 sll_halen (u8) 12 sll_addr[8]      (20 bytes)
 * </pre>
 */
public final class SockaddrLl {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sll_family"),
            JAVA_SHORT.withName("sll_protocol"),
            JAVA_INT.withName("sll_ifindex"),
            JAVA_SHORT.withName("sll_hatype"),
            JAVA_BYTE.withName("sll_pkttype"),
            JAVA_BYTE.withName("sll_halen"),
            MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("sll_addr"));

    private static final ValueLayout.OfShort BE16 = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final long FAMILY = off("sll_family");
    private static final long PROTOCOL = off("sll_protocol");
    private static final long IFINDEX = off("sll_ifindex");
    private static final long HALEN = off("sll_halen");
    private static final long ADDR = off("sll_addr");

    private SockaddrLl() {}

    /** Fills an address that binds to {@code ifindex} for every protocol (ETH_P_ALL). */
    public static void fillBind(MemorySegment sa, int ifindex, int protocol) {
        sa.fill((byte) 0);
        sa.set(JAVA_SHORT, FAMILY, (short) Kernel.AF_PACKET);
        sa.set(BE16, PROTOCOL, (short) protocol);
        sa.set(JAVA_INT, IFINDEX, ifindex);
    }

    /** The hardware address in {@code sa} as 48 bits in the low bits of a long (network order). */
    public static long hardwareAddress(MemorySegment sa) {
        int len = Math.min(6, Byte.toUnsignedInt(sa.get(JAVA_BYTE, HALEN)));
        long mac = 0;
        for (int i = 0; i < len; i++) {
            mac = (mac << 8) | Byte.toUnsignedLong(sa.get(JAVA_BYTE, ADDR + i));
        }
        return mac;
    }

    private static long off(String field) {
        return LAYOUT.byteOffset(groupElement(field));
    }
}
