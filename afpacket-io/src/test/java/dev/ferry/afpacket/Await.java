package dev.ferry.afpacket;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Collects frames from a socket until a condition holds or a generous deadline passes. */
final class Await {
    /** A received frame, copied out of the ring. */
    record Frame(byte[] bytes, int status) {
        int u16(int at) {
            return ((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF);
        }

        long u32(int at) {
            return ((long) u16(at) << 16) | u16(at + 2);
        }

        int etherType() {
            return u16(12);
        }

        boolean isTcp4() {
            return etherType() == 0x0800 && bytes[23] == 6;
        }

        int ip4HeaderLength() {
            return (bytes[14] & 0xF) * 4;
        }

        int tcp4SourcePort() {
            return u16(14 + ip4HeaderLength());
        }

        int tcp4DestinationPort() {
            return u16(14 + ip4HeaderLength() + 2);
        }

        long tcp4Seq() {
            return u32(14 + ip4HeaderLength() + 4);
        }

        long tcp4Ack() {
            return u32(14 + ip4HeaderLength() + 8);
        }

        int tcp4Flags() {
            return bytes[14 + ip4HeaderLength() + 13] & 0xFF;
        }

        int tcp4PayloadLength() {
            int tcpHeader = ((bytes[14 + ip4HeaderLength() + 12] & 0xF0) >> 4) * 4;
            return u16(16) - ip4HeaderLength() - tcpHeader;
        }

        boolean isUdp4To(int port) {
            return etherType() == 0x0800 && bytes[23] == 17 && u16(14 + ip4HeaderLength() + 2) == port;
        }
    }

    private Await() {}

    /** Frames (copied) until {@code done} accepts the list, or {@code timeoutMs} passes. */
    static List<Frame> frames(PacketSocket socket, Predicate<List<Frame>> done, long timeoutMs) {
        List<Frame> frames = new ArrayList<>();
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!done.test(frames) && System.nanoTime() < deadline) {
            socket.awaitRx(20);
            socket.rx()
                    .drain(
                            (memory, mac, length, status) -> frames.add(new Frame(
                                    memory.asSlice(mac, length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                                    status)),
                            1024);
        }
        return frames;
    }

    /** Everything that arrives within {@code ms}. */
    static List<Frame> during(PacketSocket socket, long ms) {
        return frames(socket, f -> false, ms);
    }
}
