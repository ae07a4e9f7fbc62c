package dev.ferry.afpacket;

import static dev.ferry.afpacket.Frames.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.afpacket.bpf.TcpFilter;
import dev.ferry.testkit.ManagedProcess;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TxRingTest {
    @Test
    void aHandBuiltSynReachesAKernelListenerWhoseSynAckShowsUpInTheRxRing() {
        try (TwoHosts hosts = new TwoHosts("tx-syn");
                ManagedProcess listener = ManagedProcess.builder("socat", "TCP-LISTEN:8080,reuseaddr,fork", "EXEC:cat")
                        .in(hosts.peer)
                        .start();
                PacketSocket socket =
                        hosts.open(PacketSocket.builder(TwoHosts.LOCAL_IF).retireTimeoutMs(1))) {
            listener.awaitListening(8080, Duration.ofSeconds(10));
            long peerMac = Frames.mac(hosts.veth.right().mac());
            TxRing tx = socket.tx();

            long at = tx.claim(128);
            assertThat(at).isNotNegative();
            int length = Frames.tcp4(
                    tx.memory(),
                    at,
                    peerMac,
                    socket.macAddress(),
                    ip(TwoHosts.LOCAL_V4),
                    ip(TwoHosts.PEER_V4),
                    40000,
                    8080,
                    1000,
                    0,
                    Frames.SYN,
                    new byte[0],
                    0,
                    false);
            tx.commit(at, length);
            assertThat(tx.flush()).isEqualTo(1);

            List<Await.Frame> frames = Await.frames(socket, f -> f.stream().anyMatch(TxRingTest::isSynAck), 5000);
            Await.Frame synAck = frames.stream()
                    .filter(TxRingTest::isSynAck)
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(
                            "no SYN-ACK from the kernel listener; saw " + frames.size() + " frames"));
            assertThat(synAck.tcp4Ack()).isEqualTo(1001);
            assertThat(tx.sendErrors()).isZero();
            assertThat(tx.framesQueued()).isEqualTo(1);
        }
    }

    private static boolean isSynAck(Await.Frame f) {
        return f.isTcp4()
                && f.tcp4SourcePort() == 8080
                && f.tcp4DestinationPort() == 40000
                && (f.tcp4Flags() & (Frames.SYN | Frames.ACK)) == (Frames.SYN | Frames.ACK);
    }

    @Test
    void aGsoSuperFrameLeavesAsMssSizedSegments() {
        try (TwoHosts hosts = new TwoHosts("tx-gso")) {
            // Without TSO/GSO on the device, the kernel segments the super-frame before it leaves;
            // it does so only on the qdisc path (a bypassing socket gets ENOBUFS, see below).
            hosts.veth.left().offloads(false, "tso", "gso");
            try (PacketSocket socket = hosts.open(PacketSocket.builder(TwoHosts.LOCAL_IF)
                            .vnetHeader(true)
                            .qdiscBypass(false));
                    PacketSocket observer = hosts.peer.call(() -> PacketSocket.builder(TwoHosts.PEER_IF)
                            .retireTimeoutMs(1)
                            .txRing(0, 0)
                            .filter(TcpFilter.builder().localPorts(8081).build())
                            .open())) {
                long peerMac = Frames.mac(hosts.veth.right().mac());
                TxRing tx = socket.tx();
                byte[] payload = new byte[20_000];
                for (int i = 0; i < payload.length; i++) {
                    payload[i] = (byte) (i * 7);
                }
                long at = tx.claim(20_100);
                int length = Frames.tcp4(
                        tx.memory(),
                        at,
                        peerMac,
                        socket.macAddress(),
                        ip(TwoHosts.LOCAL_V4),
                        ip(TwoHosts.PEER_V4),
                        40001,
                        8081,
                        5000,
                        1,
                        Frames.ACK,
                        payload,
                        0,
                        true);
                tx.commitOffloaded(at, length, 14 + 20, 14 + 20 + 20, 1448, false);
                assertThat(tx.flush())
                        .as("flush: errno %d, oversize %d", tx.lastErrno(), tx.oversize())
                        .isEqualTo(1);

                List<Await.Frame> frames = Await.frames(
                        observer,
                        f -> f.stream().mapToInt(Await.Frame::tcp4PayloadLength).sum() >= 20_000,
                        5000);
                int expectedSegments = (20_000 + 1447) / 1448;
                assertThat(frames).hasSize(expectedSegments);
                long seq = 5000;
                byte[] received = new byte[20_000];
                for (Await.Frame f : frames) {
                    assertThat(f.bytes().length).isLessThanOrEqualTo(1514);
                    assertThat(f.tcp4Seq()).isEqualTo(seq);
                    int n = f.tcp4PayloadLength();
                    assertThat(n).isLessThanOrEqualTo(1448);
                    System.arraycopy(f.bytes(), 54, received, (int) (seq - 5000), n);
                    seq += n;
                }
                assertThat(received).isEqualTo(payload);
                assertThat(tx.sendErrors()).isZero();
            }
        }
    }

    @Test
    void aFrameLongerThanTheDeviceTakesIsCountedNotSent() {
        try (TwoHosts hosts = new TwoHosts("tx-big");
                PacketSocket socket = hosts.open(PacketSocket.builder(TwoHosts.LOCAL_IF))) {
            TxRing tx = socket.tx();
            long at = tx.claim(2000);
            tx.commit(at, 2000);
            assertThat(tx.oversize()).isEqualTo(1);
            assertThat(tx.flush()).isZero();
            // The slot was not consumed: the next claim gets it again.
            assertThat(tx.claim(60)).isEqualTo(at);
        }
    }

    @Test
    void aFrameTheDeviceDropsIsCountedAndTheRingKeepsWorking() {
        try (TwoHosts hosts = new TwoHosts("tx-drop")) {
            hosts.veth.left().offloads(false, "tso", "gso");
            try (PacketSocket socket =
                            hosts.open(PacketSocket.builder(TwoHosts.LOCAL_IF).vnetHeader(true));
                    PacketSocket observer = hosts.peer.call(() -> PacketSocket.builder(TwoHosts.PEER_IF)
                            .retireTimeoutMs(1)
                            .txRing(0, 0)
                            .filter(TcpFilter.builder().localPorts(8082).build())
                            .open())) {
                long peerMac = Frames.mac(hosts.veth.right().mac());
                TxRing tx = socket.tx();
                // A GSO frame on the bypass path to a device without TSO: the device drops it.
                long at = tx.claim(20_100);
                int length = Frames.tcp4(
                        tx.memory(),
                        at,
                        peerMac,
                        socket.macAddress(),
                        ip(TwoHosts.LOCAL_V4),
                        ip(TwoHosts.PEER_V4),
                        40002,
                        8082,
                        1,
                        1,
                        Frames.ACK,
                        new byte[20_000],
                        0,
                        true);
                tx.commitOffloaded(at, length, 34, 54, 1448, false);
                assertThat(tx.flush()).isZero();
                assertThat(tx.framesDropped()).isEqualTo(1);
                assertThat(tx.lastErrno()).isEqualTo(105); // ENOBUFS

                // The slot was freed and both cursors agree: a plain frame goes out.
                long again = tx.claim(100);
                assertThat(again).isEqualTo(at);
                int small = Frames.tcp4(
                        tx.memory(),
                        again,
                        peerMac,
                        socket.macAddress(),
                        ip(TwoHosts.LOCAL_V4),
                        ip(TwoHosts.PEER_V4),
                        40002,
                        8082,
                        7,
                        1,
                        Frames.ACK,
                        new byte[10],
                        0,
                        false);
                tx.commit(again, small);
                assertThat(tx.flush()).isEqualTo(1);
                List<Await.Frame> frames = Await.frames(observer, f -> !f.isEmpty(), 5000);
                assertThat(frames).hasSize(1);
                assertThat(frames.getFirst().tcp4Seq()).isEqualTo(7);
            }
        }
    }
}
