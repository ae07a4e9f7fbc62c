package dev.ferry.afpacket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.afpacket.bpf.UdpFilter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeekTest {
    @Test
    void theSelfTestPassesOnThisMachineAndFramesAreReadBeforeTheirBlockRetires() {
        try (TwoHosts hosts = new TwoHosts("peek");
                PacketSocket socket = hosts.open(PacketSocket.builder(TwoHosts.LOCAL_IF)
                        .rxMode(RxMode.PEEK)
                        .retireTimeoutMs(10_000)
                        .txRing(0, 0)
                        .filter(UdpFilter.to(9999)))) {
            assertThat(socket.rx().mode()).as(socket.rxModeReason()).isEqualTo(RxMode.PEEK);
            assertThat(socket.rxModeReason()).isEqualTo("PEEK self-test passed");
            hosts.peerSendsUdp(9999, 50, 100);
            // The block will not retire for 10 s: every frame must be read from the open block.
            List<Await.Frame> frames = Await.frames(socket, f -> f.size() == 50, 5000);
            assertThat(frames).hasSize(50);
            assertThat(socket.rx().framesReadEarly()).isEqualTo(50);
            assertThat(socket.rx().blocksReleased()).isZero();
        }
    }

    @Test
    void ringsOpeningTogetherOnOneDeviceEachPassTheirSelfTest() throws Exception {
        // Shards, or two processes starting at once: each self-test's frames pass the other's taps.
        try (TwoHosts hosts = new TwoHosts("peek-pair")) {
            for (int attempt = 0; attempt < 5; attempt++) {
                java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
                java.util.concurrent.Callable<String> open = () -> {
                    start.await();
                    try (PacketSocket socket = hosts.open(PacketSocket.builder(TwoHosts.LOCAL_IF)
                            .rxMode(RxMode.PEEK)
                            .txRing(0, 0)
                            .filter(UdpFilter.to(9999)))) {
                        return socket.rxModeReason();
                    }
                };
                try (var pool = java.util.concurrent.Executors.newFixedThreadPool(2)) {
                    var first = pool.submit(open);
                    var second = pool.submit(open);
                    assertThat(first.get()).isEqualTo("PEEK self-test passed");
                    assertThat(second.get()).isEqualTo("PEEK self-test passed");
                }
            }
        }
    }

    @Test
    void peekingThroughManyBlocksLosesNothingAndInventsNothing() {
        try (TwoHosts hosts = new TwoHosts("peek-many");
                PacketSocket socket = hosts.open(PacketSocket.builder(TwoHosts.LOCAL_IF)
                        .rxMode(RxMode.PEEK)
                        .blockSize(1 << 16)
                        .blockCount(64)
                        .retireTimeoutMs(10)
                        .txRing(0, 0)
                        .filter(UdpFilter.to(9999)))) {
            assertThat(socket.rx().mode()).isEqualTo(RxMode.PEEK);
            int count = 20_000;
            Thread sender = Thread.ofPlatform().start(() -> hosts.peerSendsUdp(9999, count, 200));
            List<Integer> sequence = new ArrayList<>(count);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while ((sender.isAlive() || sequence.size() < count) && System.nanoTime() < deadline) {
                int n = socket.rx()
                        .drain(
                                (m, mac, length, status) -> {
                                    assertThat(length).isEqualTo(14 + 20 + 8 + 200);
                                    sequence.add(m.get(Frames.BE32, mac + 42));
                                },
                                256);
                if (n == 0 && !sender.isAlive() && sequence.size() < count) {
                    socket.awaitRx(50);
                    if (socket.rx().drain((m, mac, length, status) -> sequence.add(m.get(Frames.BE32, mac + 42)), 256)
                            == 0) {
                        break;
                    }
                }
            }
            RingStatistics stats = socket.statistics();
            assertThat(stats.packets() - stats.drops()).isEqualTo(sequence.size());
            assertThat(sequence).isSorted().doesNotHaveDuplicates();
            assertThat(sequence.getLast()).isLessThan(count);
            assertThat(socket.rx().desyncs()).isZero();
            assertThat(socket.rx().blocksReleased()).isGreaterThan(64); // went round the ring
            assertThat(socket.rx().framesReadEarly()).isPositive();
        }
    }

    @Test
    void onADownInterfaceTheSelfTestFailsAndTheRingFallsBackToRetireOnly() {
        try (TwoHosts hosts = new TwoHosts("peek-down")) {
            hosts.veth.left().down();
            try (PacketSocket socket = hosts.open(PacketSocket.builder(TwoHosts.LOCAL_IF)
                    .rxMode(RxMode.PEEK)
                    .doorbell(true)
                    .txRing(0, 0))) {
                assertThat(socket.rx().mode()).isEqualTo(RxMode.RETIRE_ONLY);
                assertThat(socket.rxModeReason()).startsWith("PEEK self-test failed, using RETIRE_ONLY: cannot send");
                assertThat(socket.doorbell()).isNull();
            }
        }
    }
}
