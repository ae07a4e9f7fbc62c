package dev.ferry.afpacket.internal;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * {@code struct tpacket_req3}, the argument of PACKET_RX_RING / PACKET_TX_RING for TPACKET_V3.
 *
 * <pre>
 *  0 tp_block_size   4 tp_block_nr   8 tp_frame_size   12 tp_frame_nr
 * 16 tp_retire_blk_tov   20 tp_sizeof_priv   24 tp_feature_req_word        (28 bytes)
 * </pre>
 *
 * The kernel insists that tp_frame_nr == (tp_block_size / tp_frame_size) * tp_block_nr, and, for
 * a TX ring, that the three retire/priv/feature words are 0 (EINVAL otherwise).
 */
public final class TpacketReq3 {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("tp_block_size"),
            JAVA_INT.withName("tp_block_nr"),
            JAVA_INT.withName("tp_frame_size"),
            JAVA_INT.withName("tp_frame_nr"),
            JAVA_INT.withName("tp_retire_blk_tov"),
            JAVA_INT.withName("tp_sizeof_priv"),
            JAVA_INT.withName("tp_feature_req_word"));

    private TpacketReq3() {}

    /** Fills a request in {@code req} (at least {@link #LAYOUT} bytes). */
    public static void fill(MemorySegment req, int blockSize, int blockCount, int frameSize, int retireTimeoutMs) {
        req.set(JAVA_INT, off("tp_block_size"), blockSize);
        req.set(JAVA_INT, off("tp_block_nr"), blockCount);
        req.set(JAVA_INT, off("tp_frame_size"), frameSize);
        req.set(JAVA_INT, off("tp_frame_nr"), (blockSize / frameSize) * blockCount);
        req.set(JAVA_INT, off("tp_retire_blk_tov"), retireTimeoutMs);
        req.set(JAVA_INT, off("tp_sizeof_priv"), 0);
        req.set(JAVA_INT, off("tp_feature_req_word"), 0);
    }

    private static long off(String field) {
        return LAYOUT.byteOffset(groupElement(field));
    }
}
