package dev.ferry.afpacket;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RxRingTest {
    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    @Test
    void framesAKernelPeerSendsArriveInOrderInTheRing() {
        try (TwoHosts hosts = new TwoHosts("rx");
                PacketSocket socket =
                        hosts.open(PacketSocket.builder(TwoHosts.LOCAL_IF).retireTimeoutMs(1))) {
            hosts.peerSendsUdp(9999, 200, 100);
            List<Integer> sequence = new ArrayList<>();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (sequence.size() < 200 && System.nanoTime() < deadline) {
                socket.awaitRx(100);
                socket.rx()
                        .drain(
                                (memory, mac, length, status) -> {
                                    // IPv4 UDP to port 9999: Ethernet 14 + IPv4 20 + UDP 8, then our counter.
                                    if (memory.get(BE16, mac + 12) == 0x0800
                                            && memory.get(BE16, mac + 14 + 20 + 2) == 9999) {
                                        assertThat(length).isEqualTo(14 + 20 + 8 + 100);
                                        sequence.add(memory.get(BE32, mac + 42));
                                    }
                                },
                                64);
            }
            assertThat(sequence).hasSize(200);
            for (int i = 0; i < 200; i++) {
                assertThat(sequence.get(i)).isEqualTo(i);
            }
            assertThat(socket.statistics().drops()).isZero();
            assertThat(socket.rx().blocksReleased()).isPositive();
            assertThat(socket.rx().desyncs()).isZero();
        }
    }
}
