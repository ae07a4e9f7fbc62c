package dev.ferry.afpacket.internal;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * {@code struct virtio_net_hdr} ({@code linux/virtio_net.h}), which PACKET_VNET_HDR puts in front of
 * every frame: on RX it says whether the checksum is partial and how a GSO super-frame was cut; on
 * TX it asks the kernel to finish the checksum and segment. Fields are little-endian (the virtio
 * 1.0 byte order, which is also the host's on x86-64).
 *
 * <pre>
 *  0 flags (u8)  1 gso_type (u8)  2 hdr_len  4 gso_size  6 csum_start  8 csum_offset   (10 bytes)
 * </pre>
 */
public final class VirtioNetHdr {
    private static final ValueLayout.OfShort LE16 = JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_BYTE.withName("flags"),
            JAVA_BYTE.withName("gso_type"),
            LE16.withName("hdr_len"),
            LE16.withName("gso_size"),
            LE16.withName("csum_start"),
            LE16.withName("csum_offset"));

    public static final int SIZE = (int) LAYOUT.byteSize();
    public static final long FLAGS_OFFSET = off("flags");
    public static final long GSO_TYPE_OFFSET = off("gso_type");
    public static final long HDR_LEN_OFFSET = off("hdr_len");
    public static final long GSO_SIZE_OFFSET = off("gso_size");
    public static final long CSUM_START_OFFSET = off("csum_start");
    public static final long CSUM_OFFSET_OFFSET = off("csum_offset");

    private VirtioNetHdr() {}

    /** Writes a header at {@code at} in {@code m} (which may be unaligned, as ring frames are). */
    public static void write(
            MemorySegment m, long at, int flags, int gsoType, int hdrLen, int gsoSize, int csumStart, int csumOffset) {
        m.set(JAVA_BYTE, at + FLAGS_OFFSET, (byte) flags);
        m.set(JAVA_BYTE, at + GSO_TYPE_OFFSET, (byte) gsoType);
        m.set(LE16, at + HDR_LEN_OFFSET, (short) hdrLen);
        m.set(LE16, at + GSO_SIZE_OFFSET, (short) gsoSize);
        m.set(LE16, at + CSUM_START_OFFSET, (short) csumStart);
        m.set(LE16, at + CSUM_OFFSET_OFFSET, (short) csumOffset);
    }

    /** A header with every field 0: "nothing to do" for a frame with complete checksums. */
    public static void writeNone(MemorySegment m, long at) {
        m.asSlice(at, SIZE).fill((byte) 0);
    }

    public static int flags(MemorySegment m, long at) {
        return Byte.toUnsignedInt(m.get(JAVA_BYTE, at + FLAGS_OFFSET));
    }

    public static int gsoType(MemorySegment m, long at) {
        return Byte.toUnsignedInt(m.get(JAVA_BYTE, at + GSO_TYPE_OFFSET));
    }

    public static int gsoSize(MemorySegment m, long at) {
        return Short.toUnsignedInt(m.get(LE16, at + GSO_SIZE_OFFSET));
    }

    private static long off(String field) {
        return LAYOUT.byteOffset(groupElement(field));
    }
}
