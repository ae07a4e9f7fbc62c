package dev.ferry.tcp.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tcp.api.CloseReason;
import dev.ferry.tcp.api.Stream;
import dev.ferry.tcp.conn.TcpConfig;
import dev.ferry.tcp.seq.Seq;
import dev.ferry.tcp.stack.VirtualNetwork.Impairments;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Deterministic simulation of two whole stacks — frames, parsing, flow table, timing wheel,
 * connections — over a wire that loses, duplicates, reorders, delays and corrupts frames. Every
 * seed draws its own impairments and traffic, and must end with every byte delivered intact both
 * ways, both ends closed normally, invariants held after every step, and nothing left behind.
 *
 * <p>{@code -Dferry.stacksim.seeds=N} runs N seeds (default 10,000); {@code
 * -Dferry.stacksim.seed=S} replays one. A failure names its seed.
 */
class StackSimulationTest {
    static final long SECOND = 1_000_000_000L;

    static LongStream seeds() {
        String one = System.getProperty("ferry.stacksim.seed");
        if (one != null) {
            return LongStream.of(Long.parseLong(one));
        }
        return LongStream.range(0, Long.getLong("ferry.stacksim.seeds", 10_000));
    }

    @TestFactory
    java.util.stream.Stream<DynamicTest> everySeedDeliversAndCloses() {
        return seeds().mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> run(seed)));
    }

    static void run(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Impairments impairments = new Impairments(
                r.nextInt(11), r.nextInt(6), r.nextInt(31), r.nextInt(4), 20_000 + r.nextLong(2_000_000), 5_000_000);
        boolean offload = r.nextBoolean();
        VirtualNetwork net = new VirtualNetwork(r.nextLong(), impairments, offload);
        TcpConfig tcp = TcpConfig.builder()
                .timeWaitNs(60 * SECOND) // Linux's: it must outlast the peer's longest FIN retransmission
                .noDelay(r.nextBoolean())
                .sack(r.nextInt(4) != 0)
                .timestamps(r.nextInt(4) != 0)
                .windowScaling(r.nextInt(4) != 0)
                .rackTlp(seed % 2 == 0) // by parity: the seed's draws, and so its scenario, stay as they were
                .build();
        TcpStack server =
                new TcpStack(net.linkA, config(StackPairTest.ADDR_A, tcp), new SplittableRandom(r.nextLong()), 0);
        TcpStack client =
                new TcpStack(net.linkB, config(StackPairTest.ADDR_B, tcp), new SplittableRandom(r.nextLong()), 0);

        byte[] request = StackPairTest.bytes(r.nextLong(), messageLength(r));
        byte[] response = StackPairTest.bytes(r.nextLong(), messageLength(r));
        boolean serverWaits = r.nextBoolean();
        int serverChunk = 1 + r.nextInt(20_000);
        Peer[] accepted = new Peer[1];
        server.listen(80, listener -> {
            Stream s = listener.accept();
            accepted[0] = new Peer(response, serverChunk);
            if (serverWaits) {
                accepted[0].sendAfterInput();
            }
            s.handler(accepted[0]);
        });
        Peer caller = new Peer(request, 1 + r.nextInt(20_000));
        client.connect(StackPairTest.ADDR_A, 80, caller, 0);

        String context = "seed " + seed + " (replay: -Dferry.stacksim.seed=" + seed + ") " + impairments + " offload="
                + offload + " rackTlp=" + tcp.rackTlp();
        boolean done = net.runUntil(
                server,
                client,
                () -> {
                    checkInvariants(server, context);
                    checkInvariants(client, context);
                    return caller.closed != null && accepted[0] != null && accepted[0].closed != null;
                },
                600 * SECOND);

        assertThat(done)
                .as(
                        "%s: both ends closed; server %s %s %s client %s %s %s; caller %s accepted %s",
                        context,
                        server.tcpCounters(),
                        server.counters(),
                        describe(server),
                        client.tcpCounters(),
                        client.counters(),
                        describe(client),
                        caller,
                        accepted[0])
                .isTrue();
        assertThat(Peer.sha256(accepted[0].received()))
                .as("%s: request intact", context)
                .isEqualTo(Peer.sha256(request));
        assertThat(Peer.sha256(caller.received()))
                .as("%s: response intact", context)
                .isEqualTo(Peer.sha256(response));
        String counters = context + " server " + server.tcpCounters() + " client " + client.tcpCounters();
        assertThat(caller.closed).as("%s: client's close", counters).isEqualTo(CloseReason.NORMAL);
        assertThat(accepted[0].closed).as("%s: server's close", counters).isEqualTo(CloseReason.NORMAL);

        net.impairments(Impairments.NONE);
        net.runUntil(server, client, () -> server.flowCount() + client.flowCount() == 0, 120 * SECOND);
        assertThat(server.flowCount() + client.flowCount())
                .as("%s: TIME_WAIT expired", context)
                .isZero();
        assertThat(server.bufferPool().chunksInUse() + client.bufferPool().chunksInUse())
                .as("%s: every buffer chunk back in its pool", context)
                .isZero();
    }

    /** Mostly service-call sizes, a quarter empty, one in eight a bulk transfer. */
    static int messageLength(SplittableRandom r) {
        int kind = r.nextInt(8);
        return kind < 2 ? 0 : kind == 7 ? r.nextInt(300_000) : r.nextInt(20_000);
    }

    static String describe(TcpStack stack) {
        StringBuilder s = new StringBuilder("[");
        stack.forEachConnection(c -> s.append(c).append(' '));
        return s.append(']').toString();
    }

    static StackConfig config(java.net.Inet4Address address, TcpConfig tcp) {
        return StackConfig.builder().ownedAddress(address, 24).tcp(tcp).build();
    }

    static void checkInvariants(TcpStack stack, String context) {
        stack.forEachConnection(c -> {
            if (!Seq.le(c.sndUna(), c.sndNxt()) || !Seq.le(c.sndNxt(), c.sndMax())) {
                throw new AssertionError(context + ": SND.UNA <= SND.NXT <= SND.MAX broken: " + c);
            }
            if (c.sndUna() != c.sndMax() && !stack.timerArmed(c)) {
                throw new AssertionError(context + ": unacknowledged data without a timer: " + c);
            }
        });
    }
}
