package dev.ferry.tcp.conn;

import static dev.ferry.tcp.conn.Fixture.ISS;
import static dev.ferry.tcp.conn.Fixture.MS;
import static dev.ferry.tcp.conn.Fixture.PEER_ISS;
import static dev.ferry.tcp.conn.Fixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tcp.api.CloseReason;
import dev.ferry.tcp.wire.TcpFlags;
import org.junit.jupiter.api.Test;

/** Resets (RFC 9293 3.10.7.4), challenge ACKs (RFC 5961), PAWS (RFC 7323), and stray segments. */
class ResetAndChallengeTest {
    private final TcpConfig config = TcpConfig.defaults();

    @Test
    void aResetAtExactlyRcvNxtEndsTheConnection() {
        Fixture f = Fixture.establishedPassive(config);
        f.send(f.data(PEER_ISS + 1, ISS + 1, bytes(100, 1)));
        f.send(f.seg().seq(PEER_ISS + 101).flags(TcpFlags.RST));
        assertThat(f.hostClosed).isEqualTo(CloseReason.RESET_BY_PEER);
        assertThat(f.app.closed).isEqualTo(CloseReason.RESET_BY_PEER);
        assertThat(f.conn.read(new byte[10], 0, 10))
                .as("a reset drops unread data")
                .isEqualTo(-1);
        assertThat(f.pool.chunksInUse()).isZero();
        assertThat(f.counters.get(TcpCounter.RST_ACCEPTED)).isEqualTo(1);
    }

    @Test
    void aResetElsewhereInTheWindowGetsAChallengeAck() {
        Fixture f = Fixture.establishedPassive(config);
        f.send(f.seg().seq(PEER_ISS + 500).flags(TcpFlags.RST));
        assertThat(f.conn.state()).isEqualTo(TcpState.ESTABLISHED);
        f.expect(TcpFlags.ACK).seq(ISS + 1).ack(PEER_ISS + 1);
        assertThat(f.counters.get(TcpCounter.CHALLENGE_ACK_SENT)).isEqualTo(1);
    }

    @Test
    void aResetOutsideTheWindowIsIgnoredSilently() {
        Fixture f = Fixture.establishedPassive(config);
        f.send(f.seg().seq(PEER_ISS - 1000).flags(TcpFlags.RST));
        assertThat(f.conn.state()).isEqualTo(TcpState.ESTABLISHED);
        f.expectNothing();
        assertThat(f.counters.get(TcpCounter.DROP_RST_OUT_OF_WINDOW)).isEqualTo(1);
    }

    @Test
    void aSynInEstablishedGetsAChallengeAckAndChangesNothing() {
        Fixture f = Fixture.establishedPassive(config);
        f.send(f.seg().seq(PEER_ISS + 77).flags(TcpFlags.SYN).ts(500, 0));
        f.expect(TcpFlags.ACK).seq(ISS + 1).ack(PEER_ISS + 1);
        assertThat(f.conn.state()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(f.counters.get(TcpCounter.CHALLENGE_ACK_SENT)).isEqualTo(1);
    }

    @Test
    void challengeAcksAreRateLimited() {
        TcpConfig limited = TcpConfig.builder().challengeAcksPerSecond(2).build();
        Fixture f = Fixture.establishedPassive(limited);
        for (int i = 0; i < 5; i++) {
            f.send(f.seg().seq(PEER_ISS + 500 + i).flags(TcpFlags.RST));
        }
        assertThat(f.sent).hasSize(2);
        assertThat(f.counters.get(TcpCounter.CHALLENGE_ACK_RATE_LIMITED)).isEqualTo(3);
        f.sent.clear();
        f.advance(1000 * MS);
        f.send(f.seg().seq(PEER_ISS + 500).flags(TcpFlags.RST));
        assertThat(f.sent).hasSize(1);
    }

    @Test
    void anAckOfDataNeverSentIsAnsweredAndDropped() {
        Fixture f = Fixture.establishedPassive(config);
        f.send(f.data(PEER_ISS + 1, ISS + 5000, bytes(100, 2)));
        f.expect(TcpFlags.ACK).ack(PEER_ISS + 1);
        assertThat(f.conn.readable()).as("the whole segment is dropped").isZero();
        assertThat(f.counters.get(TcpCounter.DROP_BAD_ACK)).isEqualTo(1);
    }

    @Test
    void anAckFarBehindAnyWindowIsAnsweredAndDropped() {
        Fixture f = Fixture.establishedPassive(config);
        f.send(f.data(PEER_ISS + 1, ISS - 100_000_000, bytes(100, 2)));
        f.expect(TcpFlags.ACK);
        assertThat(f.conn.readable()).isZero();
    }

    @Test
    void anOldAckWithinTheWindowStillDeliversItsData() {
        Fixture f = Fixture.establishedActive(config);
        f.write(bytes(100, 3));
        f.send(f.ack(PEER_ISS + 1, ISS + 101));
        f.send(f.data(PEER_ISS + 1, ISS + 50, bytes(100, 4)));
        assertThat(f.conn.readable()).isEqualTo(100);
    }

    @Test
    void pawsDropsASegmentWithAnOldTimestamp() {
        Fixture f = Fixture.establishedPassive(config);
        f.send(f.data(PEER_ISS + 1, ISS + 1, bytes(10, 5)).ts(1000, 0));
        f.sent.clear();
        f.send(f.data(PEER_ISS + 11, ISS + 1, bytes(10, 6)).ts(999, 0));
        assertThat(f.conn.readable()).isEqualTo(10);
        f.expect(TcpFlags.ACK).ack(PEER_ISS + 11);
        assertThat(f.counters.get(TcpCounter.DROP_PAWS)).isEqualTo(1);
    }

    @Test
    void timestampsWrapWithoutTrippingPaws() {
        Fixture f = Fixture.establishedPassive(config);
        f.send(f.data(PEER_ISS + 1, ISS + 1, bytes(10, 5)).ts(0x7FFF_FFF0, 0));
        f.send(f.data(PEER_ISS + 11, ISS + 1, bytes(10, 6)).ts(0x8000_0010, 0));
        assertThat(f.conn.readable()).isEqualTo(20);
    }

    @Test
    void aSegmentWithoutTheNegotiatedTimestampsIsDropped() {
        Fixture f = Fixture.establishedPassive(config);
        f.send(f.data(PEER_ISS + 1, ISS + 1, bytes(10, 5)).noTs());
        assertThat(f.conn.readable()).isZero();
        assertThat(f.counters.get(TcpCounter.DROP_MISSING_TIMESTAMP)).isEqualTo(1);
    }

    @Test
    void aSegmentOutsideTheWindowIsAnsweredWithAnAck() {
        Fixture f = Fixture.establishedPassive(config);
        f.send(f.data(PEER_ISS + 10_000_000, ISS + 1, bytes(10, 5)));
        f.expect(TcpFlags.ACK).ack(PEER_ISS + 1);
        assertThat(f.counters.get(TcpCounter.DROP_OUT_OF_WINDOW)).isEqualTo(1);
    }

    @Test
    void aSegmentWithoutAckIsDropped() {
        Fixture f = Fixture.establishedPassive(config);
        f.send(f.data(PEER_ISS + 1, 0, bytes(10, 5)).flags(0));
        assertThat(f.conn.readable()).isZero();
        assertThat(f.counters.get(TcpCounter.DROP_NO_ACK)).isEqualTo(1);
    }

    @Test
    void resetsAnswerSegmentsForClosedPortsPerRfc9293() {
        SegmentIn in = new SegmentIn();
        SegmentOut out = new SegmentOut();
        in.clear().header(100, 0, TcpFlags.SYN, 1000);
        assertThat(Resets.forClosedPort(in, out)).isTrue();
        assertThat(out.flags()).isEqualTo(TcpFlags.RST | TcpFlags.ACK);
        assertThat(out.seq()).isZero();
        assertThat(out.ack()).isEqualTo(101);

        in.clear()
                .header(100, 777, TcpFlags.ACK, 1000)
                .payload(java.lang.foreign.MemorySegment.ofArray(new byte[5]), 0, 5);
        assertThat(Resets.forClosedPort(in, out)).isTrue();
        assertThat(out.flags()).isEqualTo(TcpFlags.RST);
        assertThat(out.seq()).isEqualTo(777);

        in.clear().header(100, 777, TcpFlags.RST, 0);
        assertThat(Resets.forClosedPort(in, out)).isFalse();

        in.clear().header(100, 777, TcpFlags.ACK, 0);
        assertThat(Resets.forListener(in, out)).isTrue();
        assertThat(out.seq()).isEqualTo(777);
        in.clear().header(100, 0, TcpFlags.FIN, 0);
        assertThat(Resets.forListener(in, out)).isFalse();
    }
}
