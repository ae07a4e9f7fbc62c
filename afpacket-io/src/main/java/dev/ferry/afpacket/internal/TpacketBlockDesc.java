package dev.ferry.afpacket.internal;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * {@code struct tpacket_block_desc} with its {@code tpacket_hdr_v1}: the header at the start of
 * every TPACKET_V3 RX block.
 *
 * <pre>
 *  0 version   4 offset_to_priv
 *  8 block_status  12 num_pkts  16 offset_to_first_pkt  20 blk_len       (tpacket_hdr_v1 ...)
 * 24 seq_num (u64)  32 ts_first_pkt {sec, nsec}  40 ts_last_pkt {sec, nsec}   (48 bytes)
 * </pre>
 *
 * {@code block_status} is the ownership word: the kernel stores TP_STATUS_USER (with release) when
 * it retires the block, after num_pkts and blk_len; user space stores TP_STATUS_KERNEL (with
 * release) to hand the block back after it is done reading it.
 */
public final class TpacketBlockDesc {
    private static final StructLayout TS =
            MemoryLayout.structLayout(JAVA_INT.withName("ts_sec"), JAVA_INT.withName("ts_nsec"));

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("version"),
            JAVA_INT.withName("offset_to_priv"),
            MemoryLayout.structLayout(
                            JAVA_INT.withName("block_status"),
                            JAVA_INT.withName("num_pkts"),
                            JAVA_INT.withName("offset_to_first_pkt"),
                            JAVA_INT.withName("blk_len"),
                            JAVA_LONG.withName("seq_num"),
                            TS.withName("ts_first_pkt"),
                            TS.withName("ts_last_pkt"))
                    .withName("bh1"));

    public static final long BLOCK_STATUS_OFFSET = off("block_status");
    public static final long NUM_PKTS_OFFSET = off("num_pkts");
    public static final long OFFSET_TO_FIRST_PKT_OFFSET = off("offset_to_first_pkt");
    public static final long BLK_LEN_OFFSET = off("blk_len");
    public static final long SEQ_NUM_OFFSET = off("seq_num");
    /** Where the first frame of a block starts when no private area is asked for. */
    public static final int FIRST_FRAME_OFFSET = (int) LAYOUT.byteSize();

    private TpacketBlockDesc() {}

    private static long off(String field) {
        return LAYOUT.byteOffset(groupElement("bh1"), groupElement(field));
    }
}
