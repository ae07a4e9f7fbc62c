package dev.ferry.afpacket;

import static dev.ferry.afpacket.Frames.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.afpacket.bpf.TcpFilter;
import dev.ferry.afpacket.shard.RingLink;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The copying transmit path: frames staged in plain memory and sent with sendmmsg reach a peer in
 * another namespace byte for byte and in order; the kernel finishes offloaded checksums and cuts
 * GSO super-frames; a frame the kernel refuses costs only that frame.
 */
class SendBatchTest {
    private static final int PORT = 8090;

    @Test
    void framesOfEverySizeArriveIntactAndInOrderThroughTheLink() {
        try (TwoHosts hosts = new TwoHosts("batch-order");
                PacketSocket socket = hosts.open(
                        PacketSocket.builder(TwoHosts.LOCAL_IF).txRing(0, 0).sendBatch(64 * 1024, 16));
                PacketSocket observer = observe(hosts)) {
            RingLink link = new RingLink(socket);
            long peerMac = Frames.mac(hosts.veth.right().mac());
            List<byte[]> sent = new ArrayList<>();
            // 100 frames, more than the batch holds, without a flush in between: the link must send
            // what it has when the batch fills, and keep the order.
            for (int i = 0; i < 100; i++) {
                byte[] payload = pattern(i * 14, i);
                long at = link.claimTx(54 + payload.length);
                assertThat(at).as("room for frame %d", i).isNotNegative();
                int length = tcp(link.txMemory(), at, socket, peerMac, 40000, i, payload, false);
                sent.add(link.txMemory().asSlice(at, length).toArray(ValueLayout.JAVA_BYTE));
                link.commitTx(at, length);
            }
            link.flushTx();

            List<Await.Frame> frames = Await.frames(observer, f -> f.size() >= 100, 5000);
            assertThat(frames).hasSize(100);
            for (int i = 0; i < 100; i++) {
                assertThat(frames.get(i).bytes()).as("frame %d", i).isEqualTo(sent.get(i));
            }
            SendBatch batch = socket.sendBatch();
            assertThat(batch.framesQueued()).isEqualTo(100);
            assertThat(batch.flushes()).as("one sendmmsg per 16 frames").isEqualTo(7);
            assertThat(batch.sendErrors()).isZero();
            assertThat(batch.unsent()).isZero();
        }
    }

    @Test
    void theKernelFinishesAPartialChecksumAndCutsAGsoSuperFrame() {
        try (TwoHosts hosts = new TwoHosts("batch-gso")) {
            // A device without checksum or segmentation offload makes the kernel do both in
            // software before the frame leaves (on the qdisc path: see TxRingTest).
            hosts.veth.left().offloads(false, "tx", "tso", "gso");
            try (PacketSocket socket = hosts.open(PacketSocket.builder(TwoHosts.LOCAL_IF)
                            .vnetHeader(true)
                            .qdiscBypass(false)
                            .txRing(0, 0)
                            .sendBatch(256 * 1024, 16));
                    PacketSocket observer = observe(hosts)) {
                long peerMac = Frames.mac(hosts.veth.right().mac());
                SendBatch batch = socket.sendBatch();
                MemorySegment memory = socket.txMemory();
                byte[] small = pattern(100, 1);
                long at = batch.claim(54 + small.length);
                int length = tcp(memory, at, socket, peerMac, 40001, 1000, small, true);
                batch.commitOffloaded(at, length, 34, 54, 0, false);
                byte[] big = pattern(20_000, 2);
                at = batch.claim(54 + big.length);
                length = tcp(memory, at, socket, peerMac, 40001, 1100, big, true);
                batch.commitOffloaded(at, length, 34, 54, 1448, false);
                assertThat(batch.flush())
                        .as("flush: errno %d, dropped %d", batch.lastErrno(), batch.framesDropped())
                        .isEqualTo(2);

                List<Await.Frame> frames = Await.frames(
                        observer,
                        f -> f.stream().mapToInt(Await.Frame::tcp4PayloadLength).sum() >= 20_100,
                        5000);
                assertThat(frames).hasSize(1 + (20_000 + 1447) / 1448);
                byte[] received = new byte[20_100];
                long seq = 1000;
                for (Await.Frame f : frames) {
                    assertThat(f.bytes().length).isLessThanOrEqualTo(1514);
                    assertThat(f.tcp4Seq()).isEqualTo(seq);
                    assertThat(tcpChecksumHolds(f))
                            .as("TCP checksum of seq %d", seq)
                            .isTrue();
                    int n = f.tcp4PayloadLength();
                    System.arraycopy(f.bytes(), 54, received, (int) (seq - 1000), n);
                    seq += n;
                }
                byte[] expected = new byte[20_100];
                System.arraycopy(small, 0, expected, 0, 100);
                System.arraycopy(big, 0, expected, 100, 20_000);
                assertThat(received).isEqualTo(expected);
            }
        }
    }

    @Test
    void aGsoSuperFrameCrossesAVethWithTsoWhole() {
        try (TwoHosts hosts = new TwoHosts("batch-tso");
                PacketSocket socket = hosts.open(PacketSocket.builder(TwoHosts.LOCAL_IF)
                        .vnetHeader(true)
                        .txRing(0, 0)
                        .sendBatch(256 * 1024, 16));
                PacketSocket observer = observe(hosts)) {
            long peerMac = Frames.mac(hosts.veth.right().mac());
            SendBatch batch = socket.sendBatch();
            byte[] big = pattern(30_000, 3);
            long at = batch.claim(54 + big.length);
            int length = tcp(socket.txMemory(), at, socket, peerMac, 40002, 5000, big, true);
            batch.commitOffloaded(at, length, 34, 54, 1448, false);
            assertThat(batch.flush()).as("errno %d", batch.lastErrno()).isEqualTo(1);

            List<Await.Frame> frames = Await.frames(
                    observer,
                    f -> f.stream().mapToInt(Await.Frame::tcp4PayloadLength).sum() >= 30_000,
                    5000);
            assertThat(frames).as("one super-frame: veth passes GSO on").hasSize(1);
            byte[] payload = new byte[30_000];
            System.arraycopy(frames.getFirst().bytes(), 54, payload, 0, 30_000);
            assertThat(payload).isEqualTo(big);
        }
    }

    @Test
    void aFrameTheDeviceRefusesIsDroppedAndTheRestOfTheBatchStillGoes() {
        try (TwoHosts hosts = new TwoHosts("batch-drop")) {
            hosts.veth.left().offloads(false, "tso", "gso");
            try (PacketSocket socket = hosts.open(PacketSocket.builder(TwoHosts.LOCAL_IF)
                            .vnetHeader(true)
                            .txRing(0, 0)
                            .sendBatch(256 * 1024, 16));
                    PacketSocket observer = observe(hosts)) {
                long peerMac = Frames.mac(hosts.veth.right().mac());
                SendBatch batch = socket.sendBatch();
                MemorySegment memory = socket.txMemory();
                long at = batch.claim(64);
                batch.commit(at, tcp(memory, at, socket, peerMac, 40003, 1, new byte[10], false));
                // A GSO frame on the bypass path to a device without TSO: the device drops it.
                at = batch.claim(20_100);
                int length = tcp(memory, at, socket, peerMac, 40003, 11, new byte[20_000], true);
                batch.commitOffloaded(at, length, 34, 54, 1448, false);
                at = batch.claim(64);
                batch.commit(at, tcp(memory, at, socket, peerMac, 40003, 20_011, new byte[10], false));

                assertThat(batch.flush()).isEqualTo(2);
                assertThat(batch.framesDropped()).isEqualTo(1);
                assertThat(batch.lastErrno()).isEqualTo(105); // ENOBUFS
                assertThat(batch.unsent()).isZero();
                List<Await.Frame> frames = Await.frames(observer, f -> f.size() >= 2, 5000);
                assertThat(frames).extracting(Await.Frame::tcp4Seq).containsExactly(1L, 20_011L);
            }
        }
    }

    @Test
    void aLinkWithBothPathsKeepsTheOrderOfFramesAcrossThem() {
        try (TwoHosts hosts = new TwoHosts("batch-mixed");
                PacketSocket socket = hosts.open(
                        PacketSocket.builder(TwoHosts.LOCAL_IF).vnetHeader(true).sendBatch(64 * 1024, 16));
                PacketSocket observer = observe(hosts)) {
            RingLink link = new RingLink(socket);
            long peerMac = Frames.mac(hosts.veth.right().mac());
            int seq = 1;
            for (int size : new int[] {10, 20_000, 10, 10, 30_000, 10}) {
                long at = link.claimTx(54 + size);
                int length = tcp(link.txMemory(), at, socket, peerMac, 40004, seq, pattern(size, seq), true);
                link.commitTxOffloaded(at, length, 34, 54, 1448, false);
                seq += size;
            }
            link.flushTx();

            List<Await.Frame> frames = Await.frames(observer, f -> f.size() >= 6, 5000);
            assertThat(frames)
                    .extracting(Await.Frame::tcp4Seq)
                    .containsExactly(1L, 11L, 20_011L, 20_021L, 20_031L, 50_031L);
            assertThat(socket.tx().framesQueued())
                    .as("super-frames through the ring")
                    .isEqualTo(2);
            assertThat(socket.sendBatch().framesQueued())
                    .as("small frames copied")
                    .isEqualTo(4);
        }
    }

    /** A ring on the peer that sees what arrives for {@link #PORT}. */
    private static PacketSocket observe(TwoHosts hosts) {
        return hosts.peer.call(() -> PacketSocket.builder(TwoHosts.PEER_IF)
                .retireTimeoutMs(1)
                .txRing(0, 0)
                .filter(TcpFilter.builder().localPorts(PORT).build())
                .open());
    }

    private static int tcp(
            MemorySegment m,
            long at,
            PacketSocket socket,
            long peerMac,
            int sourcePort,
            int seq,
            byte[] payload,
            boolean partialChecksum) {
        return Frames.tcp4(
                m,
                at,
                peerMac,
                socket.macAddress(),
                ip(TwoHosts.LOCAL_V4),
                ip(TwoHosts.PEER_V4),
                sourcePort,
                PORT,
                seq,
                1,
                Frames.ACK,
                payload,
                0,
                partialChecksum);
    }

    private static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + seed * 7);
        }
        return b;
    }

    /** The one's complement sum over the pseudo-header and the segment is all ones (RFC 9293 3.1). */
    private static boolean tcpChecksumHolds(Await.Frame f) {
        MemorySegment m = MemorySegment.ofArray(f.bytes());
        int tcpLength = f.u16(16) - 20;
        long pseudo = Frames.sum(m, 26, 8, 0) + 6 + tcpLength;
        return Frames.sum(m, 34, tcpLength, pseudo) == 0xFFFF;
    }
}
