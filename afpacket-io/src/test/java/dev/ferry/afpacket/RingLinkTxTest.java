package dev.ferry.afpacket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.afpacket.shard.RingLink;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RingLinkTxTest {
    @Test
    void moreFramesThanTxSlotsInOneTurnAllGoOut() {
        try (TwoHosts hosts = new TwoHosts("txfull");
                PacketSocket socket =
                        hosts.open(PacketSocket.builder(TwoHosts.LOCAL_IF).txRing(4096, 4))) {
            RingLink link = new RingLink(socket);
            long peerMac = Frames.mac(hosts.veth.right().mac());
            long before = peerUdpToClosedPorts(hosts);

            // Ten frames, no flush in between: the link must make room in its four slots itself.
            for (int i = 0; i < 10; i++) {
                long at = link.claimTx(200);
                assertThat(at).as("slot for frame %d", i).isNotNegative();
                int length = Frames.udp4(
                        link.txMemory(),
                        at,
                        peerMac,
                        socket.macAddress(),
                        Frames.ip(TwoHosts.LOCAL_V4),
                        Frames.ip(TwoHosts.PEER_V4),
                        40000,
                        9,
                        0,
                        new byte[] {(byte) i});
                link.commitTx(at, length);
            }
            link.flushTx();

            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (peerUdpToClosedPorts(hosts) - before < 10 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(peerUdpToClosedPorts(hosts) - before).isEqualTo(10);
        }
    }

    /** The peer kernel's count of UDP datagrams to closed ports (the frames above go to port 9). */
    private static long peerUdpToClosedPorts(TwoHosts hosts) {
        String[] lines = hosts.peer
                .exec("cat", "/proc/net/snmp")
                .stdout()
                .lines()
                .filter(l -> l.startsWith("Udp: "))
                .toArray(String[]::new);
        java.util.List<String> names = java.util.List.of(lines[0].split(" "));
        return Long.parseLong(lines[1].split(" ")[names.indexOf("NoPorts")]);
    }
}
