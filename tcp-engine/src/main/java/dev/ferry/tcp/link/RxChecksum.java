package dev.ferry.tcp.link;

/**
 * What the device or kernel says about a received frame's checksums. The engine skips its own
 * verification only when the kernel vouched for the frame; anything else is verified in software.
 */
public enum RxChecksum {
    /** The kernel or NIC verified the L4 checksum (TP_STATUS_CSUM_VALID). */
    VERIFIED,
    /**
     * The frame never crossed a wire: the sender left the checksum partial for offload
     * (TP_STATUS_CSUMNOTREADY, typical of veth and GSO super-frames). Its checksum field holds the
     * pseudo-header sum only and must not be verified.
     */
    PARTIAL,
    /** Nothing is known: verify in software. */
    UNKNOWN
}
