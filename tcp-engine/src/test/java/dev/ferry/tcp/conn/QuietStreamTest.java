package dev.ferry.tcp.conn;

import static dev.ferry.tcp.conn.Fixture.ISS;
import static dev.ferry.tcp.conn.Fixture.MS;
import static dev.ferry.tcp.conn.Fixture.PEER_ISS;
import static dev.ferry.tcp.conn.Fixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tcp.wire.TcpFlags;
import org.junit.jupiter.api.Test;

/**
 * What an idle stream keeps: the connection object alone, with its telemetry intact. The
 * seldom-needed state ({@link ConnectionExtras}) appears only when a stream needs it, and what was
 * counted there or in the busy-time {@link Transfer} is still reported after the stream went quiet.
 */
class QuietStreamTest {
    private static final int SEG = 1448;
    private final TcpConfig config = TcpConfig.defaults();

    @Test
    void aRequestAndResponseLeaveTheConnectionObjectAlone() {
        Fixture f = Fixture.establishedPassive(config);
        f.send(f.data(PEER_ISS + 1, ISS + 1, bytes(100, 1)));
        assertThat(f.readAll()).hasSize(100);
        f.sent.clear(); // the window update of the drained buffer
        f.write(bytes(200, 2));
        f.expect(TcpFlags.ACK).length(200);
        f.send(f.ack(PEER_ISS + 101, ISS + 201));

        assertThat(f.conn.isBusy()).as("busy-time state given back").isFalse();
        assertThat(f.conn.extras).as("no seldom-needed state").isNull();
        StreamStats stats = f.conn.stats(new StreamStats());
        assertThat(stats.bytesIn()).isEqualTo(100);
        assertThat(stats.bytesOut()).isEqualTo(200);
        assertThat(stats.segmentsIn()).as("SYN, ACK, data, ACK").isEqualTo(4);
        assertThat(stats.segmentsOut()).as("SYN-ACK, window update, data").isEqualTo(3);
        assertThat(stats.retransmits()).isZero();
        assertThat(stats.ssthresh()).isEqualTo(Integer.MAX_VALUE);
        assertThat(stats.state()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(stats.closeReason()).isNull();
        assertThat(stats.startedNs()).isEqualTo(1_000 * MS);
    }

    @Test
    void retransmitsAndTheLoweredSsthreshOutliveTheQuietPeriod() {
        // An RTO is what lowers ssthresh here; a tail loss probe would go first and avoid it.
        Fixture f = Fixture.establishedActive(TcpConfig.builder().rackTlp(false).build());
        f.write(bytes(5 * SEG, 3));
        f.sent.clear();
        f.advance(f.conn.rtoNs()); // lost: the RTO resends the first segment and halves ssthresh
        int ssthresh = f.conn.ssthresh();
        assertThat(ssthresh).isEqualTo(5 * SEG / 2);
        int resent = 0;
        for (int acked = SEG; acked <= 5 * SEG; acked += SEG) {
            resent += f.sent.size(); // all five were sent before the loss: everything now is a resend
            f.sent.clear();
            f.send(f.ack(PEER_ISS + 1, ISS + 1 + acked));
        }
        f.expectNothing();
        assertThat(f.conn.isBusy()).isFalse();

        StreamStats stats = f.conn.stats(new StreamStats());
        assertThat(stats.retransmits()).isEqualTo(resent).isPositive();
        assertThat(stats.ssthresh()).isEqualTo(ssthresh);
        assertThat(f.conn.ssthresh()).isEqualTo(ssthresh);
        f.write(bytes(10, 4)); // busy again: the transfer starts from what was kept
        assertThat(f.conn.ssthresh()).isEqualTo(ssthresh);
    }

    @Test
    void timeHeldBackByThePeersWindowIsStillReportedWhenQuiet() {
        Fixture f = Fixture.establishedActive(config);
        f.send(f.ack(PEER_ISS + 1, ISS + 1).window(0));
        f.write(bytes(500, 5));
        f.expectNothing();
        f.advance(100 * MS);
        f.send(f.ack(PEER_ISS + 1, ISS + 1).window(100));
        f.expect(TcpFlags.ACK).length(500);
        f.send(f.ack(PEER_ISS + 1, ISS + 501));
        assertThat(f.conn.isBusy()).isFalse();

        StreamStats stats = f.conn.stats(new StreamStats());
        assertThat(stats.peerWindowLimitedNs()).isEqualTo(100 * MS);
        assertThat(stats.congestionLimitedNs()).isZero();
    }

    @Test
    void byteAndSegmentCountersCarryPast32Bits() {
        Fixture f = Fixture.establishedPassive(config);
        StreamStats before = f.conn.stats(new StreamStats());
        // Moving 4 GiB through the fixture would take long: start the low words just short of a
        // carry instead, as if that much had been moved.
        f.conn.bytesInLow = -50;
        f.conn.bytesOutLow = -10;
        f.conn.segmentsInLow = -1;
        f.conn.segmentsOutLow = -1;
        long twoTo32 = 1L << 32;

        f.send(f.data(PEER_ISS + 1, ISS + 1, bytes(100, 6)));
        f.readAll();
        f.sent.clear(); // the window update of the drained buffer
        f.write(bytes(30, 7));
        f.expect(TcpFlags.ACK).length(30);
        f.send(f.ack(PEER_ISS + 101, ISS + 31));

        StreamStats stats = f.conn.stats(new StreamStats());
        assertThat(before.bytesIn()).isZero();
        assertThat(stats.bytesIn()).isEqualTo(twoTo32 - 50 + 100);
        assertThat(stats.bytesOut()).isEqualTo(twoTo32 - 10 + 30);
        assertThat(stats.segmentsIn()).isEqualTo(twoTo32 - 1 + 2);
        assertThat(stats.segmentsOut()).as("window update, data").isEqualTo(twoTo32 - 1 + 2);
    }
}
