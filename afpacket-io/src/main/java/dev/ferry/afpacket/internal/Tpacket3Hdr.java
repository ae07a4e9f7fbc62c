package dev.ferry.afpacket.internal;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * {@code struct tpacket3_hdr}: the header in front of every frame of a V3 ring.
 *
 * <pre>
 *  0 tp_next_offset   4 tp_sec   8 tp_nsec   12 tp_snaplen   16 tp_len   20 tp_status
 * 24 tp_mac (u16)  26 tp_net (u16)
 * 28 hv1 {tp_rxhash, tp_vlan_tci, tp_vlan_tpid (u16), tp_padding (u16)}   40 tp_padding[8]  (48 bytes)
 * </pre>
 *
 * RX: {@code tp_mac} is the offset of the Ethernet header from this header, {@code tp_next_offset}
 * the distance to the next frame of the block (0 for the last). TX: the frame's bytes start at
 * {@link #TX_DATA_OFFSET} and {@code tp_next_offset} must be 0.
 */
public final class Tpacket3Hdr {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("tp_next_offset"),
            JAVA_INT.withName("tp_sec"),
            JAVA_INT.withName("tp_nsec"),
            JAVA_INT.withName("tp_snaplen"),
            JAVA_INT.withName("tp_len"),
            JAVA_INT.withName("tp_status"),
            JAVA_SHORT.withName("tp_mac"),
            JAVA_SHORT.withName("tp_net"),
            MemoryLayout.structLayout(
                            JAVA_INT.withName("tp_rxhash"),
                            JAVA_INT.withName("tp_vlan_tci"),
                            JAVA_SHORT.withName("tp_vlan_tpid"),
                            JAVA_SHORT.withName("tp_padding"))
                    .withName("hv1"),
            MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("tp_padding"));

    public static final long TP_NEXT_OFFSET_OFFSET = off("tp_next_offset");
    public static final long TP_SEC_OFFSET = off("tp_sec");
    public static final long TP_NSEC_OFFSET = off("tp_nsec");
    public static final long TP_SNAPLEN_OFFSET = off("tp_snaplen");
    public static final long TP_LEN_OFFSET = off("tp_len");
    public static final long TP_STATUS_OFFSET = off("tp_status");
    public static final long TP_MAC_OFFSET = off("tp_mac");
    public static final long TP_NET_OFFSET = off("tp_net");
    public static final long TP_RXHASH_OFFSET = LAYOUT.byteOffset(groupElement("hv1"), groupElement("tp_rxhash"));

    /** TPACKET3_HDRLEN - sizeof(sockaddr_ll): where a TX frame's bytes start (no PACKET_TX_HAS_OFF). */
    public static final int TX_DATA_OFFSET = (int) LAYOUT.byteSize();

    /** TPACKET3_HDRLEN: the header plus the sockaddr_ll the kernel reserves after it on RX. */
    public static final int HDRLEN = Kernel.tpacketAlign((int) LAYOUT.byteSize()) + (int) SockaddrLl.LAYOUT.byteSize();

    /**
     * The Ethernet header's offset from the frame header on RX, as the kernel computes it for a
     * 14-byte link header and no PACKET_RESERVE: the network header lands on a 16-byte boundary
     * (82 without a virtio_net_hdr, 92 with one, which then sits just before it at 82).
     */
    public static int rxMacOffset(boolean vnetHeader) {
        int vnet = vnetHeader ? (int) VirtioNetHdr.LAYOUT.byteSize() : 0;
        int netOffset = Kernel.tpacketAlign(HDRLEN + Math.max(16, Kernel.ETH_HLEN)) + vnet;
        return netOffset - Kernel.ETH_HLEN;
    }

    private Tpacket3Hdr() {}

    private static long off(String field) {
        return LAYOUT.byteOffset(groupElement(field));
    }
}
