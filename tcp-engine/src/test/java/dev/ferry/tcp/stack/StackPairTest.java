package dev.ferry.tcp.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tcp.api.CloseReason;
import dev.ferry.tcp.api.Stream;
import dev.ferry.tcp.conn.TcpConfig;
import dev.ferry.tcp.wire.TcpSegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Two whole stacks over an in-memory wire: what a user of the engine sees end to end. */
class StackPairTest {
    static final Inet4Address ADDR_A = ip4("10.0.0.1");
    static final Inet4Address ADDR_B = ip4("10.0.0.2");
    static final long SECOND = 1_000_000_000L;

    final VirtualNetwork net = new VirtualNetwork(1, VirtualNetwork.Impairments.NONE, false);
    final TcpStack server = new TcpStack(net.linkA, config(ADDR_A), new SplittableRandom(11), 0);
    final TcpStack client = new TcpStack(net.linkB, config(ADDR_B), new SplittableRandom(22), 0);

    static StackConfig config(Inet4Address address) {
        return StackConfig.builder()
                .ownedAddress(address, 24)
                .tcp(TcpConfig.builder().timeWaitNs(2 * SECOND).build())
                .build();
    }

    @Test
    void bytesCrossBothWaysAndTheConnectionClosesInOrder() {
        byte[] request = bytes(3, 20_000);
        byte[] response = bytes(4, 150_000);
        Peer[] accepted = new Peer[1];
        server.listen(80, listener -> {
            Stream s = listener.accept();
            accepted[0] = new Peer(response, 7000);
            s.handler(accepted[0]);
        });
        Peer caller = new Peer(request, 1000);
        client.connect(ADDR_A, 80, caller, net.nowNs);

        boolean done = net.runUntil(
                server,
                client,
                () -> caller.closed != null && accepted[0] != null && accepted[0].closed != null,
                10 * SECOND);

        assertThat(done).as("both ends closed").isTrue();
        assertThat(accepted[0].received()).isEqualTo(request);
        assertThat(caller.received()).isEqualTo(response);
        assertThat(caller.closed).isEqualTo(CloseReason.NORMAL);
        assertThat(accepted[0].closed).isEqualTo(CloseReason.NORMAL);
    }

    @Test
    void theActiveCloserKeepsOnlyACompactTimeWaitEntryUntilItExpires() {
        server.listen(80, listener -> listener.accept().handler(new Peer(bytes(2, 10), 10).sendAfterInput()));
        Peer caller = new Peer(bytes(1, 100), 100);
        client.connect(ADDR_A, 80, caller, net.nowNs);
        net.runUntil(server, client, () -> caller.closed != null && server.flowCount() == 0, 5 * SECOND);

        int timeWaits = (int) (server.counters().get(StackCounter.TIME_WAIT_COMPACTED)
                + client.counters().get(StackCounter.TIME_WAIT_COMPACTED));
        assertThat(client.counters().get(StackCounter.TIME_WAIT_COMPACTED))
                .as("the client closed first, so it alone holds TIME_WAIT")
                .isEqualTo(1);
        assertThat(timeWaits).isEqualTo(1);
        assertThat(client.flowCount()).as("the TIME_WAIT entry").isEqualTo(1);

        net.runUntil(server, client, () -> server.flowCount() + client.flowCount() == 0, 5 * SECOND);
        assertThat(server.flowCount() + client.flowCount())
                .as("TIME_WAIT expired")
                .isZero();
        assertThat(server.bufferPool().chunksInUse() + client.bufferPool().chunksInUse())
                .as("no buffer held once everything closed")
                .isZero();
    }

    @Test
    void aClosedPortAnswersWithAResetAndTheCallerHearsRefused() {
        Peer caller = new Peer(new byte[0], 1);
        client.connect(ADDR_A, 81, caller, net.nowNs);
        net.runUntil(server, client, () -> caller.closed != null, 5 * SECOND);

        assertThat(caller.closed).isEqualTo(CloseReason.REFUSED);
        assertThat(server.counters().get(StackCounter.RST_CLOSED_PORT)).isEqualTo(1);
        assertThat(client.flowCount()).isZero();
    }

    @Test
    void anActiveOpenResolvesItsNextHopWithArpFirst() {
        server.listen(80, listener -> listener.accept().handler(new Peer(new byte[0], 1).keepOpen()));
        Peer caller = new Peer(new byte[0], 1).keepOpen();
        client.connect(ADDR_A, 80, caller, net.nowNs);
        net.runUntil(server, client, caller::opened, SECOND);

        assertThat(caller.opened()).isTrue();
        assertThat(client.counters().get(StackCounter.NEIGHBOR_HELD)).isEqualTo(1);
        assertThat(client.counters().get(StackCounter.ARP_OUT)).isEqualTo(1);
        assertThat(server.counters().get(StackCounter.ARP_OUT))
                .as("the owner answered")
                .isEqualTo(1);
        assertThat(net.nowNs).as("no retransmission timeout was needed").isLessThan(SECOND / 100);
    }

    @Test
    void malformedFramesAreCountedAndDroppedWithoutDisturbingTheStack() {
        server.listen(80, listener -> listener.accept().handler(new Peer(new byte[0], 1)));
        byte[] syn = TcpSegment.syn("10.0.0.2", 4000, "10.0.0.1", 80, 1000)
                .toFrame(VirtualNetwork.MAC_B, VirtualNetwork.MAC_A);
        for (int length = 0; length < syn.length; length++) {
            net.linkA.inject(java.util.Arrays.copyOf(syn, length), dev.ferry.tcp.link.RxChecksum.UNKNOWN);
        }
        server.poll(0);

        assertThat(server.malformed().dropped()).isEqualTo(syn.length);
        assertThat(server.flowCount()).isZero();
    }

    static byte[] bytes(long seed, int n) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    static Inet4Address ip4(String s) {
        try {
            return (Inet4Address) InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
