package dev.ferry.tcp.conn;

import static dev.ferry.tcp.conn.Fixture.ISS;
import static dev.ferry.tcp.conn.Fixture.MS;
import static dev.ferry.tcp.conn.Fixture.PEER_ISS;
import static dev.ferry.tcp.conn.Fixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tcp.api.CloseReason;
import dev.ferry.tcp.wire.TcpFlags;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Loss recovery: the RTO (RFC 6298), fast retransmit and NewReno (RFC 5681, RFC 6582), which is
 * what a connection uses when the peer does not SACK (SACK recovery: {@link SackRecoveryTest}).
 */
class RetransmissionTest {
    private static final int SEG = 1448;
    /** The RTO as RFC 6298 has it: a tail loss probe would go first (see {@link RackTlpTest}). */
    private final TcpConfig config = TcpConfig.builder().rackTlp(false).build();

    private final TcpConfig withoutSack = TcpConfig.builder().sack(false).build();

    @Test
    void anUnacknowledgedSegmentIsResentAfterTheRtoWithBackoff() {
        Fixture f = Fixture.establishedActive(config);
        long rto = f.conn.rtoNs();
        assertThat(rto).as("min RTO after a tiny SYN RTT").isEqualTo(200 * MS);
        f.write(bytes(100, 1));
        f.expect(TcpFlags.ACK).length(100);
        f.advance(rto - 1);
        f.expectNothing();
        f.advance(1);
        f.expect(TcpFlags.ACK).seq(ISS + 1).payload(bytes(100, 1));
        f.advance(2 * rto);
        f.expect(TcpFlags.ACK).seq(ISS + 1);
        f.advance(4 * rto);
        f.expect(TcpFlags.ACK).seq(ISS + 1);
        assertThat(f.counters.get(TcpCounter.RETRANSMIT_TIMEOUT)).isEqualTo(3);
        assertThat(f.conn.stats(new StreamStats()).retransmits()).isEqualTo(3);
    }

    @Test
    void theRtoCollapsesCwndAndGoesBackToTheFirstUnacknowledgedByte() {
        Fixture f = Fixture.establishedActive(config);
        byte[] data = bytes(5 * SEG, 2);
        f.write(data);
        assertThat(f.sent).hasSize(5);
        f.sent.clear();
        f.advance(200 * MS);
        f.expect(TcpFlags.ACK).seq(ISS + 1).length(SEG);
        f.expectNothing(); // cwnd is one segment
        assertThat(f.conn.cwnd()).isEqualTo(SEG);
        assertThat(f.conn.ssthresh()).isEqualTo(5 * SEG / 2);
        // Each ACK lets the go-back-N resend continue under slow start.
        f.send(f.ack(PEER_ISS + 1, ISS + 1 + SEG));
        f.expect(TcpFlags.ACK).seq(ISS + 1 + SEG);
        f.expect(TcpFlags.ACK).seq(ISS + 1 + 2 * SEG);
    }

    @Test
    void aLateAckCoveringResentDataMovesSndNxtForward() {
        Fixture f = Fixture.establishedActive(config);
        f.write(bytes(4 * SEG, 3));
        f.sent.clear();
        f.advance(200 * MS);
        f.sent.clear();
        // The originals did arrive: everything is acknowledged at once.
        f.send(f.ack(PEER_ISS + 1, ISS + 1 + 4 * SEG));
        assertThat(f.conn.sndUna()).isEqualTo(ISS + 1 + 4 * SEG);
        assertThat(f.conn.sndNxt()).isEqualTo(ISS + 1 + 4 * SEG);
        f.expectNothing();
    }

    @Test
    void givesUpAfterTheConfiguredNumberOfTimeouts() {
        TcpConfig few = TcpConfig.builder().maxRetransmits(3).build();
        Fixture f = Fixture.establishedActive(few);
        f.write(bytes(100, 4));
        f.advance(60_000 * MS);
        assertThat(f.counters.get(TcpCounter.RETRANSMIT_TIMEOUT)).isEqualTo(3);
        assertThat(f.hostClosed).isEqualTo(CloseReason.RETRANSMIT_TIMEOUT);
        assertThat(f.app.closed).isEqualTo(CloseReason.RETRANSMIT_TIMEOUT);
        assertThat(f.pool.chunksInUse()).isZero();
    }

    @Test
    void theRtoNeverExceedsItsMaximum() {
        TcpConfig capped = TcpConfig.builder()
                .maxRtoNs(1000 * MS)
                .maxRetransmits(10)
                .rackTlp(false)
                .build();
        Fixture f = Fixture.establishedActive(capped);
        f.write(bytes(100, 4));
        f.sent.clear();
        f.advance(200 * MS + 400 * MS + 800 * MS);
        assertThat(f.sent).hasSize(3);
        f.sent.clear();
        f.advance(999 * MS);
        f.expectNothing();
        f.advance(1 * MS);
        assertThat(f.sent).hasSize(1);
    }

    @Test
    void threeDuplicateAcksTriggerFastRetransmitAndRecovery() {
        Fixture f = Fixture.establishedActive(withoutSack);
        f.send(f.ack(PEER_ISS + 1, ISS + 1)); // the scaled window: later ACKs repeat it exactly
        byte[] data = bytes(10 * SEG, 5);
        f.write(data);
        f.sent.clear();
        int una = ISS + 1;
        // Segment 1 lost; 2, 3, 4 arrive and each draws a duplicate ACK (its SACK block unread).
        f.send(f.ack(PEER_ISS + 1, una).sack(una + SEG, una + 2 * SEG));
        f.send(f.ack(PEER_ISS + 1, una).sack(una + SEG, una + 3 * SEG));
        f.expectNothing();
        f.send(f.ack(PEER_ISS + 1, una).sack(una + SEG, una + 4 * SEG));
        f.expect(TcpFlags.ACK).seq(una).payload(Arrays.copyOfRange(data, 0, SEG));
        assertThat(f.counters.get(TcpCounter.FAST_RETRANSMIT)).isEqualTo(1);
        assertThat(f.conn.inRecovery()).isTrue();
        assertThat(f.conn.ssthresh()).isEqualTo(5 * SEG);
        assertThat(f.conn.cwnd()).isEqualTo(8 * SEG);
    }

    @Test
    void aPartialAckResendsTheNextHoleAndAFullAckEndsRecovery() {
        Fixture f = Fixture.establishedActive(withoutSack);
        f.send(f.ack(PEER_ISS + 1, ISS + 1)); // the scaled window: later ACKs repeat it exactly
        byte[] data = bytes(10 * SEG, 6);
        f.write(data);
        f.sent.clear();
        int una = ISS + 1;
        for (int i = 0; i < 3; i++) {
            f.send(f.ack(PEER_ISS + 1, una));
        }
        f.expect(TcpFlags.ACK).seq(una);
        // Segments 1 and 4 were lost: the retransmission fills only up to segment 4.
        f.send(f.ack(PEER_ISS + 1, una + 3 * SEG));
        f.expect(TcpFlags.ACK).seq(una + 3 * SEG).payload(Arrays.copyOfRange(data, 3 * SEG, 4 * SEG));
        assertThat(f.counters.get(TcpCounter.PARTIAL_ACK_RETRANSMIT)).isEqualTo(1);
        assertThat(f.conn.inRecovery()).isTrue();
        f.send(f.ack(PEER_ISS + 1, una + 10 * SEG));
        assertThat(f.conn.inRecovery()).isFalse();
        // RFC 6582 3.2 step 3, option 1: min(ssthresh, max(FlightSize, SMSS) + SMSS), no burst.
        assertThat(f.conn.cwnd()).isEqualTo(2 * SEG);
    }

    @Test
    void duplicateAcksWithoutOutstandingDataAreNotDuplicates() {
        Fixture f = Fixture.establishedActive(config);
        for (int i = 0; i < 5; i++) {
            f.send(f.ack(PEER_ISS + 1, ISS + 1));
        }
        assertThat(f.counters.get(TcpCounter.FAST_RETRANSMIT)).isZero();
        f.expectNothing();
    }

    @Test
    void karnsRuleTakesNoSampleFromARetransmittedSegment() {
        Fixture f = Fixture.establishedActive(config);
        long srttBefore = f.conn.srttNs();
        f.write(bytes(100, 7));
        f.advance(200 * MS); // resend
        f.advance(50 * MS);
        f.send(f.ack(PEER_ISS + 1, ISS + 101));
        assertThat(f.conn.srttNs()).isEqualTo(srttBefore);
        assertThat(f.conn.rtoBackoff()).isZero();
    }

    @Test
    void anAckOfATimedSegmentUpdatesTheRtt() {
        Fixture f = Fixture.establishedActive(config);
        f.write(bytes(100, 8));
        f.advance(30 * MS);
        f.send(f.ack(PEER_ISS + 1, ISS + 101));
        // First sample was 0 (the SYN); then 30 ms: srtt = 7/8*0 + 1/8*30 ms.
        assertThat(f.conn.srttNs()).isEqualTo(30 * MS / 8);
        assertThat(f.conn.minRttNs()).isZero();
    }

    @Test
    void theFinIsRetransmittedLikeData() {
        Fixture f = Fixture.establishedActive(config);
        f.conn.shutdownOutput();
        f.runOutput();
        f.expect(TcpFlags.FIN | TcpFlags.ACK).seq(ISS + 1);
        f.advance(200 * MS);
        f.expect(TcpFlags.FIN | TcpFlags.ACK).seq(ISS + 1);
        f.send(f.ack(PEER_ISS + 1, ISS + 2));
        assertThat(f.conn.state()).isEqualTo(TcpState.FIN_WAIT_2);
    }
}
