package dev.ferry.tcp.wire;

import java.lang.foreign.MemorySegment;

/** Test helpers that repair checksums after a test broke a header on purpose. */
final class Frames {
    private Frames() {}

    /** Recomputes the IPv4 header checksum of the header at {@code ipOffset} (options included). */
    static void fixIpv4HeaderChecksum(byte[] frame, int ipOffset) {
        int headerLength = (frame[ipOffset] & 0x0f) * 4;
        frame[ipOffset + 10] = 0;
        frame[ipOffset + 11] = 0;
        int sum = Checksum.finish(Checksum.add(MemorySegment.ofArray(frame), ipOffset, headerLength, 0));
        frame[ipOffset + 10] = (byte) (sum >>> 8);
        frame[ipOffset + 11] = (byte) sum;
    }
}
