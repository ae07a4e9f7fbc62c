package dev.ferry.afpacket;

import static dev.ferry.afpacket.Frames.ip;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LinkDownUpTest {
    @Test
    void theRingSurvivesItsInterfaceGoingDownAndUp() {
        try (TwoHosts hosts = new TwoHosts("downup");
                PacketSocket socket = hosts.open(PacketSocket.builder(TwoHosts.LOCAL_IF)
                        .retireTimeoutMs(1)
                        .filter(dev.ferry.afpacket.bpf.UdpFilter.to(9999)))) {
            hosts.peerSendsUdp(9999, 10, 100);
            assertThat(Await.frames(socket, f -> f.size() == 10, 5000)).hasSize(10);
            long peerMac = Frames.mac(hosts.veth.right().mac());

            hosts.veth.left().down();
            TxRing tx = socket.tx();
            long at = tx.claim(100);
            tx.commit(at, udp(tx, at, peerMac, socket.macAddress()));
            // Sending on a down device fails; the frame is counted as dropped and its slot freed.
            assertThat(tx.flush()).isZero();
            assertThat(tx.sendErrors())
                    .as(
                            "errno %d busy %d unsent %d oversize %d",
                            tx.lastErrno(), tx.sendBusy(), tx.unsent(), tx.oversize())
                    .isEqualTo(1);
            assertThat(tx.framesDropped()).isEqualTo(1);
            assertThat(tx.lastErrno()).isEqualTo(100); // ENETDOWN

            hosts.veth.left().up();
            awaitCarrier(hosts);
            hosts.peerSendsUdp(9999, 10, 100);
            assertThat(Await.frames(socket, f -> f.size() == 10, 5000)).hasSize(10);
            long again = tx.claim(100);
            assertThat(again).isEqualTo(at);
            tx.commit(again, udp(tx, again, peerMac, socket.macAddress()));
            // The kernel reports the earlier ENETDOWN once more on this send; the ring retries it.
            assertThat(tx.flush()).as("errno %d", tx.lastErrno()).isEqualTo(1);
            assertThat(tx.framesDropped()).isEqualTo(1);
        }
    }

    @Test
    void theSendBatchSurvivesItsInterfaceGoingDownAndUp() {
        try (TwoHosts hosts = new TwoHosts("downup-batch");
                PacketSocket socket = hosts.open(
                        PacketSocket.builder(TwoHosts.LOCAL_IF).txRing(0, 0).sendBatch(64 * 1024, 16))) {
            long peerMac = Frames.mac(hosts.veth.right().mac());
            SendBatch batch = socket.sendBatch();

            hosts.veth.left().down();
            long at = batch.claim(100);
            batch.commit(at, udp(socket, at, peerMac));
            // Sending on a down device fails; the frame is counted as dropped and its room reused.
            assertThat(batch.flush()).isZero();
            assertThat(batch.framesDropped()).isEqualTo(1);
            assertThat(batch.lastErrno()).isEqualTo(100); // ENETDOWN
            assertThat(batch.unsent()).isZero();

            hosts.veth.left().up();
            awaitCarrier(hosts);
            long again = batch.claim(100);
            assertThat(again).isEqualTo(at);
            batch.commit(again, udp(socket, again, peerMac));
            assertThat(batch.flush()).as("errno %d", batch.lastErrno()).isEqualTo(1);
            assertThat(batch.framesDropped()).isEqualTo(1);
        }
    }

    private static int udp(PacketSocket socket, long at, long dst) {
        return Frames.udp4(
                socket.txMemory(),
                at,
                dst,
                socket.macAddress(),
                ip(TwoHosts.LOCAL_V4),
                ip(TwoHosts.PEER_V4),
                5000,
                5001,
                0,
                new byte[8]);
    }

    private static int udp(TxRing tx, long at, long dst, long src) {
        return Frames.udp4(
                tx.memory(), at, dst, src, ip(TwoHosts.LOCAL_V4), ip(TwoHosts.PEER_V4), 5000, 5001, 0, new byte[8]);
    }

    private static void awaitCarrier(TwoHosts hosts) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!hosts.local
                .exec("cat", "/sys/class/net/veth0/operstate")
                .stdout()
                .strip()
                .equals("up")) {
            assertThat(System.nanoTime()).as("veth0 carrier back up").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }
}
