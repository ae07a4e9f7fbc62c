package dev.ferry.tcp.conn;

import static dev.ferry.tcp.conn.Fixture.ISS;
import static dev.ferry.tcp.conn.Fixture.MS;
import static dev.ferry.tcp.conn.Fixture.PEER_ISS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tcp.api.CloseReason;
import dev.ferry.tcp.wire.TcpFlags;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** LISTEN: the half-open limit, the accept queue, closing a listener. */
class ListenerTest {
    private final TcpConfig config = TcpConfig.defaults();

    private static SegmentIn syn(Fixture f, int seq) {
        return f.seg().seq(seq).flags(TcpFlags.SYN).window(65535).mss(1460).build(f.in);
    }

    @Test
    void synsBeyondTheHalfOpenLimitAreDroppedAndCounted() {
        Fixture f = new Fixture(config);
        TcpListener listener = new TcpListener(config, 10, 2, l -> {});
        assertThat(listener.onSyn(syn(f, 1), f.now, f, ISS, 0)).isNotNull();
        assertThat(listener.onSyn(syn(f, 2), f.now, f, ISS, 0)).isNotNull();
        assertThat(listener.onSyn(syn(f, 3), f.now, f, ISS, 0)).isNull();
        assertThat(listener.halfOpen()).isEqualTo(2);
        assertThat(f.counters.get(TcpCounter.DROP_SYN_BACKLOG_FULL)).isEqualTo(1);
    }

    @Test
    void onlyPlainSynsOpenConnections() {
        Fixture f = new Fixture(config);
        TcpListener listener = new TcpListener(config, 10, 10, l -> {});
        int[] bad = {TcpFlags.SYN | TcpFlags.ACK, TcpFlags.SYN | TcpFlags.FIN, TcpFlags.SYN | TcpFlags.RST, TcpFlags.ACK
        };
        for (int flags : bad) {
            SegmentIn in = f.seg().seq(1).flags(flags).build(f.in);
            assertThat(listener.onSyn(in, f.now, f, ISS, 0)).isNull();
        }
        assertThat(f.counters.get(TcpCounter.DROP_NOT_SYN)).isEqualTo(4);
    }

    @Test
    void aFullAcceptQueueIgnoresTheFinalAckUntilTheApplicationAccepts() {
        Fixture f = new Fixture(config);
        List<String> events = new ArrayList<>();
        TcpListener listener = new TcpListener(config, 1, 10, l -> events.add("acceptable"));
        TcpConnection first = listener.onSyn(syn(f, PEER_ISS), f.now, f, ISS, 0);
        TcpConnection second = listener.onSyn(syn(f, PEER_ISS + 10_000), f.now, f, ISS + 10_000, 0);
        f.runOutput();
        f.sent.clear();
        first.onSegment(
                f.seg().seq(PEER_ISS + 1).ack(ISS + 1).flags(TcpFlags.ACK).build(f.in), f.now);
        second.onSegment(
                f.seg()
                        .seq(PEER_ISS + 10_001)
                        .ack(ISS + 10_001)
                        .flags(TcpFlags.ACK)
                        .build(f.in),
                f.now);
        assertThat(events).containsExactly("acceptable");
        assertThat(second.state()).isEqualTo(TcpState.SYN_RECEIVED);
        assertThat(f.counters.get(TcpCounter.DROP_ACCEPT_QUEUE_FULL)).isEqualTo(1);
        // A full queue also refuses new SYNs.
        assertThat(listener.onSyn(syn(f, 5), f.now, f, ISS, 0)).isNull();

        assertThat(listener.accept()).isSameAs(first);
        second.onSegment(
                f.seg()
                        .seq(PEER_ISS + 10_001)
                        .ack(ISS + 10_001)
                        .flags(TcpFlags.ACK)
                        .build(f.in),
                f.now);
        assertThat(second.state()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(listener.accept()).isSameAs(second);
        assertThat(listener.accept()).isNull();
    }

    @Test
    void aStreamResetBeforeAcceptLeavesTheQueue() {
        Fixture f = Fixture.synReceived(config);
        f.send(f.ack(PEER_ISS + 1, ISS + 1));
        assertThat(f.listener.acceptQueueLength()).isEqualTo(1);
        f.send(f.seg().seq(PEER_ISS + 1).flags(TcpFlags.RST));
        assertThat(f.listener.acceptQueueLength()).isZero();
        assertThat(f.listener.accept()).isNull();
        assertThat(f.hostClosed).isEqualTo(CloseReason.RESET_BY_PEER);
    }

    @Test
    void closingTheListenerResetsWhatWasNeverAccepted() {
        Fixture f = Fixture.synReceived(config);
        f.send(f.ack(PEER_ISS + 1, ISS + 1));
        f.listener.close();
        f.runOutput();
        f.expect(TcpFlags.RST | TcpFlags.ACK);
        assertThat(f.hostClosed).isEqualTo(CloseReason.LISTENER_CLOSED);
        assertThat(f.listener.onSyn(syn(f, 9), f.now, f, ISS, 0)).isNull();
    }

    @Test
    void aHandshakeThatTimesOutFreesItsHalfOpenSlot() {
        Fixture f = Fixture.synReceived(TcpConfig.builder().synAckRetries(1).build());
        assertThat(f.listener.halfOpen()).isEqualTo(1);
        f.advance(10_000 * MS);
        assertThat(f.listener.halfOpen()).isZero();
    }
}
