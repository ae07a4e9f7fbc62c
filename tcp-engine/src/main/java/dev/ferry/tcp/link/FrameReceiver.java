package dev.ferry.tcp.link;

import java.lang.foreign.MemorySegment;

/**
 * Takes frames a {@link Link} received. Called on the shard thread, once per frame, with the frame
 * still in the link's memory (for AF_PACKET: inside the mmap'd ring block). The bytes are valid
 * only during the call: whatever must outlive it is copied.
 *
 * <p>The frame is passed as memory + offset + length rather than as a slice so that the receive
 * path allocates nothing.
 */
@FunctionalInterface
public interface FrameReceiver {
    /**
     * @param memory   memory holding the frame; the Ethernet header starts at {@code offset}
     * @param offset   byte offset of the frame in {@code memory}
     * @param length   frame length in bytes (a GSO super-frame may be far longer than the MTU)
     * @param checksum what the kernel says about the frame's checksums
     */
    void onFrame(MemorySegment memory, long offset, int length, RxChecksum checksum);
}
