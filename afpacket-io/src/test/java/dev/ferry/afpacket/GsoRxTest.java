package dev.ferry.afpacket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.afpacket.bpf.TcpFilter;
import dev.ferry.afpacket.internal.Kernel;
import dev.ferry.afpacket.internal.VirtioNetHdr;
import dev.ferry.testkit.ManagedProcess;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class GsoRxTest {
    private static final int BYTES = 1 << 20;

    @Test
    void withDefaultVethOffloadsTcpDataArrivesAsGsoSuperFramesWithPartialChecksums() {
        try (TwoHosts hosts = new TwoHosts("gso-on")) {
            List<Await.Frame> data = bulkData(hosts, false);
            assertThat(covered(data)).isEqualTo(BYTES);
            assertThat(data).anyMatch(f -> f.bytes().length > 1514);
            assertThat(data.stream().filter(f -> f.bytes().length > 1514))
                    .allMatch(f -> (f.status() & Kernel.TP_STATUS_GSO_TCP) != 0)
                    .allMatch(f -> (f.status() & Kernel.TP_STATUS_CSUMNOTREADY) != 0);
        }
    }

    @Test
    void withTheSendersOffloadsOffEveryFrameFitsTheMtu() {
        try (TwoHosts hosts = new TwoHosts("gso-off")) {
            hosts.veth.right().offloads(false, "tso", "gso", "tx");
            List<Await.Frame> data = bulkData(hosts, false);
            assertThat(covered(data)).isEqualTo(BYTES);
            assertThat(data).allMatch(f -> f.bytes().length <= 1514);
            assertThat(data)
                    .noneMatch(f -> (f.status() & (Kernel.TP_STATUS_GSO_TCP | Kernel.TP_STATUS_CSUMNOTREADY)) != 0);
        }
    }

    @Test
    void withAVirtioHeaderSuperFramesSayHowTheyWereCutAndThatTheirChecksumIsPartial() throws Exception {
        try (TwoHosts hosts = new TwoHosts("gso-vnet");
                ManagedProcess sink = ManagedProcess.builder(
                                "socat", "-u", "TCP-LISTEN:5001,reuseaddr", "OPEN:/dev/null")
                        .in(hosts.local)
                        .start();
                PacketSocket ring = hosts.open(PacketSocket.builder(TwoHosts.LOCAL_IF)
                        .retireTimeoutMs(1)
                        .txRing(0, 0)
                        .vnetHeader(true)
                        .filter(TcpFilter.builder().localPorts(5001).build()))) {
            sink.awaitListening(5001, Duration.ofSeconds(10));
            Thread sender = Thread.ofPlatform().start(() -> Peer.tcpBulk(hosts.peer, TwoHosts.LOCAL_V4, 5001, BYTES));
            int[] superFrames = new int[1];
            int[] cutAsTcp4WithMss = new int[1];
            int[] needsChecksum = new int[1];
            long[] payload = new long[1];
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (payload[0] < BYTES && System.nanoTime() < deadline) {
                ring.awaitRx(20);
                ring.rx()
                        .drain(
                                (m, mac, length, status) -> {
                                    int ihl = (m.get(java.lang.foreign.ValueLayout.JAVA_BYTE, mac + 14) & 0xF) * 4;
                                    int total = Short.toUnsignedInt(m.get(Frames.BE16, mac + 16));
                                    int tcpHeader =
                                            ((m.get(java.lang.foreign.ValueLayout.JAVA_BYTE, mac + 14 + ihl + 12)
                                                                    & 0xF0)
                                                            >> 4)
                                                    * 4;
                                    payload[0] += total - ihl - tcpHeader;
                                    long vnet = mac - VirtioNetHdr.SIZE;
                                    if (length > 1514) {
                                        superFrames[0]++;
                                        if (VirtioNetHdr.gsoType(m, vnet) == Kernel.VIRTIO_NET_HDR_GSO_TCPV4
                                                && VirtioNetHdr.gsoSize(m, vnet) > 0
                                                && VirtioNetHdr.gsoSize(m, vnet) <= 1460) {
                                            cutAsTcp4WithMss[0]++;
                                        }
                                        if ((VirtioNetHdr.flags(m, vnet) & Kernel.VIRTIO_NET_HDR_F_NEEDS_CSUM) != 0) {
                                            needsChecksum[0]++;
                                        }
                                    }
                                },
                                1024);
            }
            sender.join();
            assertThat(payload[0]).isGreaterThanOrEqualTo(BYTES); // more if the kernel retransmitted
            assertThat(superFrames[0]).isPositive();
            assertThat(cutAsTcp4WithMss[0]).isEqualTo(superFrames[0]);
            assertThat(needsChecksum[0]).isEqualTo(superFrames[0]);
        }
    }

    /**
     * Stream bytes the frames cover, from the lowest sequence number to the highest end (the
     * kernel may retransmit, so summing payload lengths would count some bytes twice).
     */
    private static long covered(List<Await.Frame> frames) {
        List<Await.Frame> data = frames.stream()
                .filter(f -> f.isTcp4() && f.tcp4PayloadLength() > 0)
                .toList();
        if (data.isEmpty()) {
            return 0;
        }
        int first = (int) data.getFirst().tcp4Seq();
        int lowest = 0;
        int highestEnd = 0;
        for (Await.Frame f : data) {
            int start = (int) f.tcp4Seq() - first; // modular: the stream may cross 2^32
            lowest = Math.min(lowest, start);
            highestEnd = Math.max(highestEnd, start + f.tcp4PayloadLength());
        }
        return (long) highestEnd - lowest;
    }

    /** Sends 1 MB from the peer's kernel to a kernel listener on the local side; returns the data frames the ring saw. */
    private static List<Await.Frame> bulkData(TwoHosts hosts, boolean vnet) {
        // Without a virtio header: RingLink maps these statuses; the header case is tested above.
        try (ManagedProcess sink = ManagedProcess.builder("socat", "-u", "TCP-LISTEN:5001,reuseaddr", "OPEN:/dev/null")
                        .in(hosts.local)
                        .start();
                PacketSocket ring = hosts.open(PacketSocket.builder(TwoHosts.LOCAL_IF)
                        .retireTimeoutMs(1)
                        .txRing(0, 0)
                        .vnetHeader(vnet)
                        .filter(TcpFilter.builder().localPorts(5001).build()))) {
            sink.awaitListening(5001, Duration.ofSeconds(10));
            Thread sender = Thread.ofPlatform().start(() -> Peer.tcpBulk(hosts.peer, TwoHosts.LOCAL_V4, 5001, BYTES));
            List<Await.Frame> frames = Await.frames(ring, f -> covered(f) >= BYTES, 10_000);
            sender.join();
            if (vnet) {
                // The virtio_net_hdr sits just before each frame; RingLink reads it. Check it here raw.
                assertThat(ring.rx().framesRead()).isPositive();
            }
            return frames.stream()
                    .filter(f -> f.isTcp4() && f.tcp4PayloadLength() > 0)
                    .toList();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
