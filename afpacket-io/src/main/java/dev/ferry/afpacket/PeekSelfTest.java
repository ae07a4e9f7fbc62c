package dev.ferry.afpacket;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import dev.ferry.afpacket.bpf.BpfAssembler;
import dev.ferry.afpacket.bpf.BpfProgram;
import dev.ferry.afpacket.internal.Kernel;
import dev.ferry.afpacket.internal.Native;
import dev.ferry.afpacket.internal.SocketSetup;
import dev.ferry.afpacket.internal.Tpacket3Hdr;
import dev.ferry.afpacket.internal.TpacketBlockDesc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Checks at open time that {@link RxMode#PEEK} works on this machine, before a ring relies on it.
 *
 * <p>Reading frames of a V3 block the kernel is still filling depends on kernel internals (a
 * frame's data is written before its status, and its lengths right after) and on x86-64 keeping
 * stores in order. Neither is an interface, so the check is empirical: a throw-away ring socket on
 * the same device watches a few frames that a second socket sends out of the device (each sent
 * frame passes the device's packet taps), and every one must show up, complete and in order, in the
 * still-open block — with a retire timeout far longer than the test. The frames carry the
 * IEEE local-experimental EtherType 0x88B5 and our own MAC as destination, so a peer drops them.
 *
 * <p>Several rings may open on one device at once (shards, or two processes starting together),
 * and each one's test frames pass every other test's taps. So each run stamps its frames with a
 * random nonce that its filter requires: another run's frames never reach this ring (without it,
 * they arrived "out of order" and failed a sound test).
 */
public final class PeekSelfTest {
    static final int ETHERTYPE = 0x88B5;
    private static final int FRAMES = 16;
    private static final int FRAME_LENGTH = 64;
    private static final long WAIT_NS = 200_000_000L;
    /** Where the run's nonce sits in a test frame (after the Ethernet header). */
    private static final int NONCE_OFFSET = 14;

    private static final ValueLayout.OfShort BE16 = JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE32 = JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private PeekSelfTest() {}

    /** Runs the check on {@code ifindex}; returns null when PEEK is sound, else the reason it is not. */
    static String run(SocketSetup setup, int ifindex, boolean vnetHeader) {
        String arch = System.getProperty("os.arch");
        if (!arch.equals("amd64") && !arch.equals("x86_64")) {
            return "PEEK relies on x86-64 store ordering; this is " + arch;
        }
        int ringFd = -1;
        int senderFd = -1;
        try (Arena arena = Arena.ofConfined()) {
            ringFd = setup.openPacketSocket();
            setup.setInt(ringFd, Kernel.SOL_PACKET, Kernel.PACKET_VERSION, Kernel.TPACKET_V3, "PACKET_VERSION");
            int nonce = new java.security.SecureRandom().nextInt();
            setup.attachFilter(ringFd, onlyTestFrames(nonce).instructions());
            if (vnetHeader) {
                setup.setInt(ringFd, Kernel.SOL_PACKET, Kernel.PACKET_VNET_HDR, 1, "PACKET_VNET_HDR");
            }
            int blockSize = 1 << 16;
            setup.setRing(ringFd, Kernel.PACKET_RX_RING, "PACKET_RX_RING", blockSize, 2, 2048, 60_000);
            MemorySegment ring = setup.map(ringFd, 2L * blockSize, arena);
            setup.bind(ringFd, ifindex);
            RxRing rx = new RxRing(ring, blockSize, 2, true);

            senderFd = setup.openPacketSocket();
            setup.bind(senderFd, ifindex);
            long mac = setup.hardwareAddress(senderFd);
            MemorySegment frame = arena.allocate(FRAME_LENGTH);
            MemorySegment st = Native.newCallState(arena);
            int expectedMac = Tpacket3Hdr.rxMacOffset(vnetHeader);
            int[] seen = new int[1];
            String[] problem = new String[1];
            for (int i = 0; i < FRAMES; i++) {
                fill(frame, mac, nonce, i);
                if (Native.sendto(st, senderFd, frame, FRAME_LENGTH, 0) < 0) {
                    return "cannot send test frames on the device: "
                            + dev.ferry.afpacket.internal.Errno.name(Native.errno(st));
                }
                int want = i;
                long deadline = System.nanoTime() + WAIT_NS;
                int before = seen[0];
                while (seen[0] == before && problem[0] == null) {
                    rx.drain(
                            (memory, macOffset, length, status) -> {
                                long frameStart = macOffset - expectedMac;
                                if (length != FRAME_LENGTH) {
                                    problem[0] = "frame " + want + " came with length " + length;
                                } else if (memory.get(BE32, macOffset + NONCE_OFFSET) != nonce
                                        || memory.get(BE32, macOffset + NONCE_OFFSET + 4) != want) {
                                    problem[0] = "frame " + want + " came torn or out of order (payload "
                                            + Integer.toHexString(memory.get(BE32, macOffset + NONCE_OFFSET + 4))
                                            + ")";
                                } else if (Short.toUnsignedInt(memory.get(
                                                JAVA_SHORT_UNALIGNED, frameStart + Tpacket3Hdr.TP_MAC_OFFSET))
                                        != expectedMac) {
                                    problem[0] = "frame " + want + " has tp_mac "
                                            + Short.toUnsignedInt(memory.get(
                                                    JAVA_SHORT_UNALIGNED, frameStart + Tpacket3Hdr.TP_MAC_OFFSET))
                                            + ", expected " + expectedMac;
                                }
                                seen[0]++;
                            },
                            1);
                    if (System.nanoTime() - deadline > 0) {
                        return "frame " + i + " did not show in the open block within " + WAIT_NS / 1_000_000 + " ms";
                    }
                    Thread.onSpinWait();
                }
                if (problem[0] != null) {
                    return problem[0];
                }
            }
            if (rx.framesReadEarly() != FRAMES) {
                return "only " + rx.framesReadEarly() + " of " + FRAMES
                        + " frames were visible before their block retired";
            }
            int blockStatus = ring.get(ValueLayout.JAVA_INT, TpacketBlockDesc.BLOCK_STATUS_OFFSET);
            if ((blockStatus & Kernel.TP_STATUS_USER) != 0) {
                return "the test block retired early; peek was not exercised";
            }
            return null;
        } catch (AfPacketException e) {
            return e.getMessage();
        } finally {
            SocketSetup.closeQuietly(senderFd);
            SocketSetup.closeQuietly(ringFd);
        }
    }

    private static void fill(MemorySegment frame, long mac, int nonce, int sequence) {
        frame.fill((byte) 0);
        for (int b = 0; b < 6; b++) {
            byte octet = (byte) (mac >>> (40 - 8 * b));
            frame.set(JAVA_BYTE, b, octet); // destination: ourselves, so no peer takes it
            frame.set(JAVA_BYTE, 6 + b, octet);
        }
        frame.set(BE16, 12, (short) ETHERTYPE);
        frame.set(BE32, NONCE_OFFSET, nonce);
        frame.set(BE32, NONCE_OFFSET + 4, sequence);
    }

    /** Keeps only this run's test frames: EtherType 0x88B5 carrying {@code nonce}. */
    static BpfProgram onlyTestFrames(int nonce) {
        return new BpfAssembler()
                .loadHalf(12)
                .jumpIfEqual(ETHERTYPE, BpfAssembler.NEXT, "drop")
                .loadWord(NONCE_OFFSET)
                .jumpIfEqual(nonce, BpfAssembler.NEXT, "drop")
                .ret(BpfProgram.WHOLE_FRAME)
                .label("drop")
                .ret(0)
                .assemble();
    }
}
