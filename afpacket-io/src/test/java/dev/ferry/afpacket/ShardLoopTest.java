package dev.ferry.afpacket;

import static dev.ferry.afpacket.Frames.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.afpacket.bpf.UdpFilter;
import dev.ferry.afpacket.shard.RingLink;
import dev.ferry.afpacket.shard.ShardLoop;
import dev.ferry.afpacket.shard.ShardWork;
import dev.ferry.tcp.link.RxChecksum;
import dev.ferry.testkit.ManagedProcess;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ShardLoopTest {
    /** Work with a periodic timer and a command queue, like the engine's. */
    private static final class Work implements ShardWork {
        final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
        final AtomicInteger timerFirings = new AtomicInteger();
        final AtomicInteger commandsRun = new AtomicInteger();
        final long periodNs;
        long nextNs;

        Work(long periodNs) {
            this.periodNs = periodNs;
            this.nextNs = periodNs == 0 ? Long.MAX_VALUE : System.nanoTime() + periodNs;
        }

        @Override
        public int doWork(long nowNs) {
            int done = 0;
            for (Runnable r; (r = commands.poll()) != null; ) {
                r.run();
                commandsRun.incrementAndGet();
                done++;
            }
            if (nowNs - nextNs >= 0) {
                timerFirings.incrementAndGet();
                nextNs += periodNs;
                done++;
            }
            return done;
        }

        @Override
        public long nextDeadlineNs() {
            return nextNs;
        }
    }

    @Test
    void framesReachTheReceiverAndTimersRunWhileTheLoopSleepsBetweenThem() throws Exception {
        try (TwoHosts hosts = new TwoHosts("loop");
                PacketSocket socket = peekRingWithDoorbell(hosts)) {
            assertThat(socket.rx().mode()).isEqualTo(RxMode.PEEK);
            AtomicInteger frames = new AtomicInteger();
            Work work = new Work(20_000_000L);
            ShardLoop loop = ShardLoop.builder(new RingLink(socket), (m, o, l, c) -> frames.incrementAndGet(), work)
                    .start();
            try {
                hosts.peerSendsUdp(9999, 25, 100);
                awaitValue(frames::get, 25);
                awaitValue(work.timerFirings::get, 5);
            } finally {
                loop.close();
            }
            assertThat(loop.failure()).isNull();
            // The doorbell woke the loop: frames came long before the 10 s retire timeout, from the open block.
            assertThat(socket.rx().framesReadEarly()).isEqualTo(25);
            assertThat(loop.sleeps()).isPositive();
            assertThat(socket.doorbell().rings()).isPositive();
        }
    }

    @Test
    void denseTrafficIsCollectedInBatchesWithoutLosingAFrame() throws Exception {
        try (TwoHosts hosts = new TwoHosts("dense");
                PacketSocket socket = peekRingWithDoorbell(hosts)) {
            AtomicInteger frames = new AtomicInteger();
            ShardLoop loop = coalescingLoop(socket, frames);
            int sent = 30_000;
            try {
                hosts.peerSendsUdp(9999, sent, 64);
                awaitValue(frames::get, sent);
            } finally {
                loop.close();
            }
            assertThat(frames.get()).isEqualTo(sent);
            assertThat(socket.statistics().drops()).isZero();
            // Frames came faster than the thread wakes, so wake-ups found several and it batched.
            assertThat(loop.coalescedSleeps()).isPositive();
        }
    }

    @Test
    void sparseFramesStillWakeTheLoopOneByOneWhenCoalescingIsOn() throws Exception {
        try (TwoHosts hosts = new TwoHosts("sparse");
                PacketSocket socket = peekRingWithDoorbell(hosts)) {
            AtomicInteger frames = new AtomicInteger();
            ShardLoop loop = coalescingLoop(socket, frames);
            try {
                hosts.peerSendsUdp(9999, 10, 64, 20);
                awaitValue(frames::get, 10);
            } finally {
                loop.close();
            }
            // Each frame woke the loop through the doorbell, from the open block, and none waited
            // for a batch.
            assertThat(socket.rx().framesReadEarly()).isEqualTo(10);
            assertThat(socket.doorbell().rings()).isGreaterThanOrEqualTo(10);
            assertThat(loop.coalescedSleeps()).isZero();
        }
    }

    @Test
    void wakeupRunsCommandsFromOtherThreadsWhenNothingElseWouldWakeTheLoop() throws Exception {
        try (TwoHosts hosts = new TwoHosts("wake");
                PacketSocket socket = hosts.open(
                        PacketSocket.builder(TwoHosts.LOCAL_IF).txRing(0, 0).filter(UdpFilter.to(9999)))) {
            Work work = new Work(0); // no timers: the loop would sleep forever
            try (ShardLoop loop = ShardLoop.builder(new RingLink(socket), (m, o, l, c) -> {}, work)
                    .start()) {
                AtomicLong ranOn = new AtomicLong();
                for (int i = 0; i < 3; i++) {
                    work.commands.add(() -> ranOn.set(Thread.currentThread().threadId()));
                    loop.wakeup();
                    awaitValue(work.commandsRun::get, i + 1);
                }
                assertThat(ranOn.get()).isNotEqualTo(Thread.currentThread().threadId());
            }
        }
    }

    @Test
    void aFailingReceiverStopsTheLoopAndCloseReportsIt() throws Exception {
        try (TwoHosts hosts = new TwoHosts("fail");
                PacketSocket socket = hosts.open(PacketSocket.builder(TwoHosts.LOCAL_IF)
                        .retireTimeoutMs(1)
                        .txRing(0, 0)
                        .filter(UdpFilter.to(9999)))) {
            ShardLoop loop = ShardLoop.builder(
                            new RingLink(socket),
                            (m, o, l, c) -> {
                                throw new IllegalStateException("engine bug");
                            },
                            new Work(0))
                    .start();
            hosts.peerSendsUdp(9999, 1, 10);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (loop.isRunning() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(loop.failure()).hasMessage("engine bug");
            org.assertj.core.api.Assertions.assertThatThrownBy(loop::close).hasRootCauseMessage("engine bug");
        }
    }

    @Test
    void ringLinkSendsAndReceivesThroughTheLinkInterface() {
        try (TwoHosts hosts = new TwoHosts("link");
                ManagedProcess listener = ManagedProcess.builder("socat", "TCP-LISTEN:8080,reuseaddr,fork", "EXEC:cat")
                        .in(hosts.peer)
                        .start();
                PacketSocket socket = hosts.open(PacketSocket.builder(TwoHosts.LOCAL_IF)
                        .retireTimeoutMs(1)
                        .filter(dev.ferry.afpacket.bpf.TcpFilter.builder()
                                .localPorts(40000)
                                .build()))) {
            listener.awaitListening(8080, Duration.ofSeconds(10));
            RingLink link = new RingLink(socket);
            assertThat(link.mtu()).isEqualTo(1500);
            assertThat(link.maxTxPayload()).isEqualTo(1460);
            assertThat(link.txOffload()).isFalse();
            assertThat(link.macAddress()).isEqualTo(Frames.mac(hosts.veth.left().mac()));

            long at = link.claimTx(100);
            int length = Frames.tcp4(
                    link.txMemory(),
                    at,
                    Frames.mac(hosts.veth.right().mac()),
                    link.macAddress(),
                    ip(TwoHosts.LOCAL_V4),
                    ip(TwoHosts.PEER_V4),
                    40000,
                    8080,
                    77,
                    0,
                    Frames.SYN,
                    new byte[0],
                    0,
                    false);
            link.commitTx(at, length);
            link.flushTx();

            RxChecksum[] seen = new RxChecksum[1];
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (seen[0] == null && System.nanoTime() < deadline) {
                socket.awaitRx(20);
                link.receive(
                        (m, o, l, c) -> {
                            if (m.get(Frames.BE16, o + 34) == 8080) {
                                seen[0] = c;
                            }
                        },
                        16);
            }
            // The peer's kernel left the SYN-ACK's checksum to (veth) offload.
            assertThat(seen[0]).isEqualTo(RxChecksum.PARTIAL);
        }
    }

    @Test
    void withAVirtioHeaderTheLinkOffersGsoSizedPayloads() {
        try (TwoHosts hosts = new TwoHosts("link-vnet");
                PacketSocket socket =
                        hosts.open(PacketSocket.builder(TwoHosts.LOCAL_IF).vnetHeader(true))) {
            RingLink link = new RingLink(socket);
            assertThat(link.txOffload()).isTrue();
            assertThat(link.maxTxPayload()).isEqualTo(RingLink.MAX_GSO_PAYLOAD);
        }
    }

    /** A PEEK ring with a doorbell whose blocks retire only after 10 s, for UDP port 9999. */
    private static PacketSocket peekRingWithDoorbell(TwoHosts hosts) {
        return hosts.open(PacketSocket.builder(TwoHosts.LOCAL_IF)
                .rxMode(RxMode.PEEK)
                .doorbell(true)
                .retireTimeoutMs(10_000)
                .txRing(0, 0)
                .filter(UdpFilter.to(9999)));
    }

    /** A started loop that coalesces wake-ups over 200 µs windows and counts frames. */
    private static ShardLoop coalescingLoop(PacketSocket socket, AtomicInteger frames) {
        return ShardLoop.builder(new RingLink(socket), (m, o, l, c) -> frames.incrementAndGet(), new Work(0))
                .coalesceNs(200_000)
                .start();
    }

    private static void awaitValue(java.util.function.IntSupplier value, int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (value.getAsInt() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertThat(value.getAsInt()).isGreaterThanOrEqualTo(atLeast);
    }
}
