package dev.ferry.tcp.conn;

import static dev.ferry.tcp.conn.Fixture.ISS;
import static dev.ferry.tcp.conn.Fixture.MS;
import static dev.ferry.tcp.conn.Fixture.PEER_ISS;
import static dev.ferry.tcp.conn.Fixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tcp.wire.TcpFlags;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** ESTABLISHED, sending: segmentation, windows, Nagle, silly-window avoidance, zero-window probes. */
class SendingTest {
    private static final int SEG = 1448; // 1460 less 12 bytes of timestamps
    private final TcpConfig config = TcpConfig.defaults();

    @Test
    void aWriteGoesOutAsOneSegmentWithPushAndArmsTheRto() {
        Fixture f = Fixture.establishedActive(config);
        f.write(bytes(100, 1));
        Fixture.Sent s = f.expect(TcpFlags.ACK).seq(ISS + 1).ack(PEER_ISS + 1).payload(bytes(100, 1));
        assertThat(s.flags & TcpFlags.PSH).isNotZero();
        assertThat(s.timestamps).isTrue();
        assertThat(f.deadline).isEqualTo(f.now + f.conn.rtoNs());
        assertThat(f.conn.stats(new StreamStats()).bytesOut()).isEqualTo(100);
    }

    @Test
    void aLargeWriteIsCutIntoSegmentsUpToTheInitialWindow() {
        Fixture f = Fixture.establishedActive(config);
        byte[] data = bytes(20 * SEG, 2);
        assertThat(f.write(data)).isEqualTo(data.length);
        for (int i = 0; i < 10; i++) {
            f.expect(TcpFlags.ACK).seq(ISS + 1 + i * SEG).payload(Arrays.copyOfRange(data, i * SEG, (i + 1) * SEG));
        }
        f.expectNothing(); // RFC 6928: 10 segments
        // Slow start: an ACK of two segments frees two and grows cwnd by two.
        f.send(f.ack(PEER_ISS + 1, ISS + 1 + 2 * SEG));
        assertThat(f.sent).hasSize(4);
        assertThat(f.conn.cwnd()).isEqualTo(12 * SEG);
    }

    @Test
    void withSegmentationOffloadOneSuperSegmentCarriesManySegments() {
        Fixture f = Fixture.establishedActive(config);
        f.maxTxPayload = 65_000;
        byte[] data = bytes(8 * SEG + 100, 3);
        f.write(data);
        Fixture.Sent s = f.expect(TcpFlags.ACK).seq(ISS + 1).payload(data);
        assertThat(s.segmentSize).isEqualTo(SEG);
        f.expectNothing();
    }

    @Test
    void superSegmentsAreWholeMultiplesOfTheSegmentSize() {
        Fixture f = Fixture.establishedActive(config);
        f.maxTxPayload = 5000;
        f.write(bytes(9000, 4));
        assertThat(f.expect(TcpFlags.ACK).payload.length).isEqualTo(3 * SEG);
        assertThat(f.expect(TcpFlags.ACK).payload.length).isEqualTo(3 * SEG);
        assertThat(f.expect(TcpFlags.ACK).payload.length).isEqualTo(9000 - 6 * SEG);
    }

    @Test
    void acknowledgedBytesLeaveTheBufferAndAnEmptyBufferReturnsToThePool() {
        Fixture f = Fixture.establishedActive(config);
        f.write(bytes(3000, 5));
        f.sent.clear();
        assertThat(f.pool.chunksInUse()).isGreaterThan(0);
        f.send(f.ack(PEER_ISS + 1, ISS + 1 + 1000));
        assertThat(f.conn.sendQueued()).isEqualTo(2000);
        f.send(f.ack(PEER_ISS + 1, ISS + 1 + 3000));
        assertThat(f.conn.sendQueued()).isZero();
        assertThat(f.pool.chunksInUse())
                .as("an idle stream owns no buffer memory")
                .isZero();
        f.advance(10_000 * MS);
        f.expectNothing(); // RTO disarmed
    }

    @Test
    void naglesAlgorithmHoldsASmallSegmentWhileDataIsUnacknowledged() {
        Fixture f = Fixture.establishedActive(config);
        f.write(bytes(10, 6));
        f.expect(TcpFlags.ACK).length(10);
        f.write(bytes(10, 7));
        f.write(bytes(10, 8));
        f.expectNothing();
        f.send(f.ack(PEER_ISS + 1, ISS + 11));
        byte[] both = new byte[20];
        System.arraycopy(bytes(10, 7), 0, both, 0, 10);
        System.arraycopy(bytes(10, 8), 0, both, 10, 10);
        f.expect(TcpFlags.ACK).seq(ISS + 11).payload(both);
    }

    @Test
    void noDelaySendsSmallSegmentsAtOnce() {
        Fixture f = Fixture.establishedActive(config);
        f.conn.noDelay(true);
        f.write(bytes(10, 6));
        f.write(bytes(10, 7));
        f.expect(TcpFlags.ACK).length(10);
        f.expect(TcpFlags.ACK).seq(ISS + 11).length(10);
    }

    @Test
    void theScaledPeerWindowLimitsWhatIsInFlight() {
        Fixture f = Fixture.establishedActive(config);
        f.send(f.ack(PEER_ISS + 1, ISS + 1).window(24)); // 24 << 7 = 3072 bytes
        assertThat(f.conn.sndWnd()).isEqualTo(3072);
        f.write(bytes(10_000, 9));
        f.expect(TcpFlags.ACK).length(SEG);
        f.expect(TcpFlags.ACK).length(SEG);
        // 176 bytes fit, but that is a silly segment next to the 64 KB window seen before.
        f.expectNothing();
        f.send(f.ack(PEER_ISS + 1, ISS + 1 + 2 * SEG).window(24));
        f.expect(TcpFlags.ACK).seq(ISS + 1 + 2 * SEG).length(SEG);
        f.expect(TcpFlags.ACK).length(SEG);
        f.expectNothing();
    }

    @Test
    void aZeroWindowIsProbedWithBackoffUntilItOpens() {
        Fixture f = Fixture.establishedActive(config);
        f.send(f.ack(PEER_ISS + 1, ISS + 1).window(0));
        f.write(bytes(500, 10));
        f.expectNothing();
        long rto = f.conn.rtoNs();
        f.advance(rto);
        f.expect(TcpFlags.ACK).seq(ISS).length(0); // probe: one below SND.UNA
        f.send(f.ack(PEER_ISS + 1, ISS + 1).window(0));
        f.advance(2 * rto);
        f.expect(TcpFlags.ACK).seq(ISS).length(0);
        assertThat(f.counters.get(TcpCounter.WINDOW_PROBE)).isEqualTo(2);
        f.send(f.ack(PEER_ISS + 1, ISS + 1).window(100));
        f.expect(TcpFlags.ACK).seq(ISS + 1).length(500);
    }

    @Test
    void aPeerThatNeverAnswersProbesIsGivenUpOn() {
        TcpConfig few = TcpConfig.builder().maxRetransmits(3).build();
        Fixture f = Fixture.establishedActive(few);
        f.send(f.ack(PEER_ISS + 1, ISS + 1).window(0));
        f.write(bytes(500, 10));
        f.advance(1_000_000 * MS);
        assertThat(f.counters.get(TcpCounter.WINDOW_PROBE)).isEqualTo(3);
        assertThat(f.hostClosed).isEqualTo(dev.ferry.tcp.api.CloseReason.PERSIST_TIMEOUT);
    }

    @Test
    void sillyWindowAvoidanceWaitsForAUsefulWindowThenForcesWhatFits() {
        Fixture f = Fixture.establishedActive(config);
        // The largest window seen is 65535 << 7; a 128-byte window is silly for 5000 queued bytes.
        f.send(f.ack(PEER_ISS + 1, ISS + 1).window(1));
        f.write(bytes(5000, 11));
        f.expectNothing();
        f.advance(f.conn.rtoNs());
        f.expect(TcpFlags.ACK).seq(ISS + 1).length(128); // the override timer sends what fits
    }

    @Test
    void tooFullATxRingKeepsTheOutputForTheNextTurn() {
        Fixture f = Fixture.establishedActive(config);
        f.txFull = true;
        f.conn.write(bytes(100, 12), 0, 100);
        f.runOutput();
        f.expectNothing();
        assertThat(f.counters.get(TcpCounter.TX_RING_FULL)).isGreaterThan(0);
        f.txFull = false;
        f.runOutput();
        f.expect(TcpFlags.ACK).length(100);
    }

    @Test
    void writesBeyondTheSendBufferAreRefusedAndWritableFollows() {
        TcpConfig small = TcpConfig.builder().sendBufferBytes(4096).build();
        Fixture f = Fixture.establishedActive(small);
        assertThat(f.write(bytes(10_000, 13))).isEqualTo(4096);
        assertThat(f.conn.writable()).isZero();
        f.sent.clear();
        f.send(f.ack(PEER_ISS + 1, ISS + 1 + 4096));
        assertThat(f.app.events).contains("writable");
        assertThat(f.conn.writable()).isEqualTo(4096);
    }

    @Test
    void cwndRestartsAfterAnIdlePeriod() {
        Fixture f = Fixture.establishedActive(config);
        byte[] data = bytes(30 * SEG, 14);
        f.write(data);
        int sent = 0;
        while (sent < data.length) {
            Fixture.Sent s = f.sent.pollFirst();
            if (s == null) {
                f.send(f.ack(PEER_ISS + 1, ISS + 1 + sent));
                continue;
            }
            sent += s.payload.length;
        }
        f.send(f.ack(PEER_ISS + 1, ISS + 1 + sent));
        assertThat(f.conn.cwnd()).isGreaterThan(20 * SEG);
        f.advance(5_000 * MS);
        f.write(bytes(20 * SEG, 15));
        assertThat(f.sent).hasSize(10); // RFC 5681 4.1: back to the initial window
    }
}
