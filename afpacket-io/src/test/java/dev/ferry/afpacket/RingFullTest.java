package dev.ferry.afpacket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RingFullTest {
    @Test
    void aFullRingDropsCountsTheDropsAndKeepsWhatItHoldsIntact() {
        for (RxMode mode : RxMode.values()) {
            try (TwoHosts hosts = new TwoHosts("full");
                    PacketSocket socket = hosts.open(PacketSocket.builder(TwoHosts.LOCAL_IF)
                            .blockSize(1 << 16)
                            .blockCount(2)
                            .retireTimeoutMs(1)
                            .rxMode(mode)
                            .txRing(0, 0)
                            .filter(dev.ferry.afpacket.bpf.UdpFilter.to(9999)))) {
                // ~3 MB into a 128 KB ring that nobody reads.
                hosts.peerSendsUdp(9999, 3000, 1000);
                List<Integer> sequence = new ArrayList<>();
                List<Await.Frame> frames = Await.during(socket, 300);
                for (Await.Frame f : frames) {
                    assertThat(f.isUdp4To(9999)).isTrue();
                    assertThat(f.bytes().length).isEqualTo(14 + 20 + 8 + 1000);
                    // The payload after the counter is all zeros as sent: nothing was overwritten.
                    for (int i = 46; i < f.bytes().length; i++) {
                        assertThat(f.bytes()[i]).isZero();
                    }
                    sequence.add((int) f.u32(42));
                }
                RingStatistics stats = socket.statistics();
                assertThat(stats.packets()).as(mode.name()).isEqualTo(3000);
                assertThat(stats.drops()).as(mode.name()).isPositive();
                assertThat(stats.packets() - stats.drops()).as(mode.name()).isEqualTo(sequence.size());
                assertThat(sequence).as(mode.name()).isSorted().doesNotHaveDuplicates();
                assertThat(socket.rx().desyncs()).isZero();
                // The ring works again once drained.
                hosts.peerSendsUdp(9999, 10, 1000);
                assertThat(Await.frames(socket, f -> f.size() == 10, 5000)).hasSize(10);
            }
        }
    }
}
