package dev.ferry.afpacket;

import java.lang.foreign.MemorySegment;

/**
 * Takes the frames an {@link RxRing} walks, in ring memory (zero copy). The bytes are valid only
 * during the call: the block goes back to the kernel afterwards.
 */
@FunctionalInterface
public interface RxFrameHandler {
    /**
     * @param memory    the RX ring
     * @param macOffset where the Ethernet header starts in {@code memory}; with PACKET_VNET_HDR the
     *                  10-byte virtio_net_hdr sits just before it
     * @param length    captured bytes from the Ethernet header on
     * @param status    the frame's {@code tp_status} (TP_STATUS_CSUM_VALID, _CSUMNOTREADY, _GSO_TCP ...)
     */
    void onFrame(MemorySegment memory, long macOffset, int length, int status);
}
