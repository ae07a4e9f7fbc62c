package dev.ferry.tcp.conn;

import static dev.ferry.tcp.conn.Fixture.ISS;
import static dev.ferry.tcp.conn.Fixture.PEER_ISS;
import static dev.ferry.tcp.conn.Fixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tcp.wire.TcpFlags;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Malformed and hostile input is counted and dropped or answered per RFC, never thrown. */
class HostileSegmentsTest {
    private final TcpConfig config = TcpConfig.defaults();

    @Test
    void synWithFinOrRstIsDropped() {
        Fixture f = Fixture.establishedPassive(config);
        f.send(f.seg().seq(PEER_ISS + 1).flags(TcpFlags.SYN | TcpFlags.FIN));
        f.send(f.seg().seq(PEER_ISS + 1).flags(TcpFlags.SYN | TcpFlags.RST));
        f.expectNothing();
        assertThat(f.conn.state()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(f.counters.get(TcpCounter.DROP_BAD_FLAGS)).isEqualTo(2);
    }

    @Test
    void aZeroMssIsRaisedToTheMinimum() {
        Fixture f = Fixture.synSent(config);
        f.send(f.seg()
                .seq(PEER_ISS)
                .ack(ISS + 1)
                .flags(TcpFlags.SYN | TcpFlags.ACK)
                .mss(0));
        assertThat(f.conn.peerMss()).isEqualTo(config.minPeerMss());
        assertThat(f.counters.get(TcpCounter.PEER_MSS_CLAMPED)).isEqualTo(1);
        f.sent.clear();
        f.write(bytes(1000, 1));
        assertThat(f.sent).allSatisfy(s -> assertThat(s.payload.length).isLessThanOrEqualTo(88));
    }

    @Test
    void aWindowScaleAbove14IsTreatedAs14() {
        Fixture f = Fixture.synSent(config);
        f.send(f.seg()
                .seq(PEER_ISS)
                .ack(ISS + 1)
                .flags(TcpFlags.SYN | TcpFlags.ACK)
                .ws(30));
        assertThat(f.conn.sendWindowScale()).isEqualTo(14);
        assertThat(f.counters.get(TcpCounter.PEER_WINDOW_SCALE_CLAMPED)).isEqualTo(1);
        f.send(f.ack(PEER_ISS + 1, ISS + 1).window(65535));
        assertThat(f.conn.sndWnd()).as("the largest window RFC 7323 allows").isEqualTo(65535 << 14);
        f.write(bytes(100, 1));
        assertThat(f.sent).isNotEmpty();
    }

    @Test
    void synDataIsNotKeptAndTheSynIsStillAnswered() {
        Fixture f = Fixture.synSent(config);
        f.send(f.seg()
                .seq(PEER_ISS)
                .ack(ISS + 1)
                .flags(TcpFlags.SYN | TcpFlags.ACK)
                .payload(bytes(50, 1)));
        f.expect(TcpFlags.ACK).ack(PEER_ISS + 1);
        assertThat(f.conn.readable()).isZero();
        assertThat(f.counters.get(TcpCounter.DROP_SYN_DATA)).isEqualTo(1);
    }

    @Test
    void randomSegmentsInEveryStateNeverThrowAndKeepTheInvariants() {
        long seed = Long.getLong("ferry.test.seed", System.nanoTime());
        Random random = new Random(seed);
        try {
            for (int round = 0; round < 300; round++) {
                Fixture f =
                        random.nextBoolean() ? Fixture.establishedActive(config) : Fixture.establishedPassive(config);
                f.write(bytes(random.nextInt(5000), round));
                if (random.nextInt(4) == 0) {
                    f.conn.shutdownOutput();
                }
                for (int i = 0; i < 200 && f.hostClosed == null; i++) {
                    f.send(randomSegment(f, random));
                    if (random.nextInt(10) == 0) {
                        f.advance(random.nextInt(2_000_000_000));
                    }
                    if (random.nextInt(5) == 0) {
                        f.readAll();
                    }
                    f.sent.clear();
                    assertThat(dev.ferry.tcp.seq.Seq.le(f.conn.sndUna(), f.conn.sndNxt()))
                            .isTrue();
                    assertThat(dev.ferry.tcp.seq.Seq.le(f.conn.sndNxt(), f.conn.sndMax()))
                            .isTrue();
                    if (f.conn.state() != TcpState.CLOSED) {
                        assertThat(f.deadline).isLessThanOrEqualTo(f.conn.neededDeadlineNs());
                    }
                }
            }
        } catch (Throwable t) {
            throw new AssertionError("seed " + seed + " (replay with -Dferry.test.seed=" + seed + ")", t);
        }
    }

    private static Fixture.SegBuilder randomSegment(Fixture f, Random random) {
        int[] seqs = {
            PEER_ISS + 1,
            PEER_ISS + 1 + random.nextInt(100_000),
            random.nextInt(),
            f.conn.rcvNxt(),
            f.conn.rcvNxt() - 1,
            f.conn.rcvNxt() + random.nextInt(10)
        };
        int[] acks = {
            ISS + 1,
            f.conn.sndUna(),
            f.conn.sndNxt(),
            f.conn.sndMax(),
            random.nextInt(),
            f.conn.sndUna() + random.nextInt(3000)
        };
        Fixture.SegBuilder b = f.seg()
                .seq(seqs[random.nextInt(seqs.length)])
                .ack(acks[random.nextInt(acks.length)])
                .flags(
                        random.nextInt(10) == 0
                                ? random.nextInt(256)
                                : TcpFlags.ACK | (random.nextInt(8) == 0 ? TcpFlags.FIN : 0))
                .window(random.nextInt(3) == 0 ? random.nextInt(65536) : 65535);
        if (random.nextInt(8) != 0) {
            b.ts(random.nextInt(6) == 0 ? random.nextInt() : f.peerTsVal++, random.nextInt());
        }
        if (random.nextInt(10) == 0) {
            b.mss(random.nextInt(70_000)).ws(random.nextInt(255));
        }
        if (random.nextInt(6) == 0) {
            b.sack(random.nextInt(), random.nextInt());
        }
        if (random.nextInt(3) == 0) {
            b.payload(bytes(random.nextInt(random.nextInt(10) == 0 ? 70_000 : 2000), random.nextInt()));
        }
        return b;
    }
}
