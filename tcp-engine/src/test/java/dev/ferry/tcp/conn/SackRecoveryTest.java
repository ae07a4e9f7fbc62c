package dev.ferry.tcp.conn;

import static dev.ferry.tcp.conn.Fixture.MS;
import static dev.ferry.tcp.conn.Fixture.PEER_ISS;
import static dev.ferry.tcp.conn.Fixture.bytes;
import static dev.ferry.tcp.conn.SegmentsInFlight.SEG;
import static dev.ferry.tcp.conn.SegmentsInFlight.UNA;
import static dev.ferry.tcp.conn.SegmentsInFlight.ackWithSacks;
import static dev.ferry.tcp.conn.SegmentsInFlight.seg;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Loss recovery when the peer SACKs (RFC 6675, RFC 2018): the peer's ACKs carry SACK blocks and
 * the connection must resend exactly the holes, as soon as the evidence allows.
 *
 * <p>Every test opens with ten full segments in flight (the initial window) and numbers the
 * segments from 0; {@code seg(i)} is the first sequence number of segment i.
 */
class SackRecoveryTest {
    /** RFC 6675 alone: RACK-TLP's verdicts replace DupThresh (see {@link RackTlpTest}). */
    private final TcpConfig config = TcpConfig.builder().rackTlp(false).build();

    private byte[] data;

    /** Established with SACK, {@code segments} queued, the first ten of them sent. */
    private Fixture tenInFlight(int segments) {
        Fixture f = Fixture.establishedActive(config);
        assertThat(f.conn.sackEnabled()).isTrue();
        f.send(f.ack(PEER_ISS + 1, UNA)); // the scaled window: later ACKs repeat it exactly
        data = bytes(segments * SEG, 9);
        f.write(data);
        assertThat(f.sent).hasSize(10);
        f.sent.clear();
        return f;
    }

    private void expectSegment(Fixture f, int i) {
        SegmentsInFlight.expectSegment(f, data, i);
    }

    @Test
    void oneAckSackingThreeSegmentsAboveAHoleStartsRecoveryAtOnce() {
        Fixture f = tenInFlight(10);
        f.send(ackWithSacks(f, 0, 1, 4));
        expectSegment(f, 0);
        f.expectNothing(); // pipe: 6 segments not lost + 1 resent, above cwnd
        assertThat(f.conn.inRecovery()).isTrue();
        assertThat(f.counters.get(TcpCounter.FAST_RETRANSMIT)).isEqualTo(1);
        // RFC 6675 4.2: ssthresh = cwnd = FlightSize / 2, no inflation.
        assertThat(f.conn.ssthresh()).isEqualTo(5 * SEG);
        assertThat(f.conn.cwnd()).isEqualTo(5 * SEG);
    }

    @Test
    void sackedSegmentsLetNewDataOutBeforeRecovery() {
        Fixture f = tenInFlight(20);
        f.send(ackWithSacks(f, 0, 1, 2));
        // Limited transmit through pipe (RFC 6675 step 3): one segment left the network.
        expectSegment(f, 10);
        f.expectNothing();
        f.send(ackWithSacks(f, 0, 1, 3));
        expectSegment(f, 11);
        f.expectNothing();
        assertThat(f.conn.inRecovery()).isFalse();
        assertThat(f.conn.cwnd()).as("unchanged").isEqualTo(10 * SEG);
    }

    @Test
    void threeDuplicateAcksWithNewSackInformationStartRecovery() {
        Fixture f = tenInFlight(10);
        f.send(ackWithSacks(f, 0, 2, 3));
        f.send(ackWithSacks(f, 0, 4, 5, 2, 3));
        f.expectNothing();
        assertThat(f.conn.inRecovery()).isFalse();
        f.send(ackWithSacks(f, 0, 6, 7, 4, 5, 2, 3));
        expectSegment(f, 0);
        assertThat(f.conn.inRecovery()).isTrue();
    }

    @Test
    void aLaterHoleIsResentAsSoonAsSacksShowItLostNotAfterAPartialAck() {
        Fixture f = tenInFlight(20);
        // Segments 0 and 5 lost.
        f.send(ackWithSacks(f, 0, 1, 4));
        expectSegment(f, 0);
        f.send(ackWithSacks(f, 0, 1, 5));
        f.send(ackWithSacks(f, 0, 6, 7, 1, 5));
        f.expectNothing();
        f.send(ackWithSacks(f, 0, 6, 8, 1, 5));
        expectSegment(f, 10); // pipe fell below cwnd: new data, segment 5 not yet lost
        f.expectNothing();
        // Three segments above segment 5 now: it is lost, and goes before more new data.
        f.send(ackWithSacks(f, 0, 6, 9, 1, 5));
        expectSegment(f, 5);
        expectSegment(f, 11);
        f.expectNothing();
        assertThat(f.counters.get(TcpCounter.SACK_HOLE_RETRANSMIT)).isEqualTo(1);
        assertThat(f.counters.get(TcpCounter.PARTIAL_ACK_RETRANSMIT)).isZero();
        // Segment 0's retransmission arrives: a partial ACK; segment 5 is already on its way
        // again, so the room goes to new data.
        f.send(ackWithSacks(f, 5, 6, 11));
        expectSegment(f, 12);
        expectSegment(f, 13);
        expectSegment(f, 14);
        f.expectNothing();
        // Segment 5 arrives: everything sent before recovery is acknowledged, and it ends with
        // cwnd = min(ssthresh, flight + one segment) (RFC 6582 3.2 step 3).
        f.send(ackWithSacks(f, 12));
        assertThat(f.conn.inRecovery()).isFalse();
        assertThat(f.conn.cwnd()).isEqualTo(4 * SEG);
        expectSegment(f, 15);
        f.expectNothing();
        assertThat(f.conn.stats(new StreamStats()).retransmits()).isEqualTo(2);
    }

    @Test
    void aPartialAckWithoutSacksAboveResendsTheHoleItPointsAt() {
        Fixture f = tenInFlight(10);
        // Segments 0 and 9 (the tail) lost; 1-8 SACKed.
        f.send(ackWithSacks(f, 0, 1, 4));
        expectSegment(f, 0);
        f.send(ackWithSacks(f, 0, 1, 9));
        f.expectNothing(); // nothing SACKed above segment 9, and no new data to send
        f.send(ackWithSacks(f, 9));
        expectSegment(f, 9); // once: the rescue has nothing left to add
        f.expectNothing();
    }

    @Test
    void aLostTailIsRescuedOnceWithoutWaitingForTheTimeout() {
        Fixture f = tenInFlight(10);
        // Segments 0, 5 and 9 lost; no new data to send.
        f.send(ackWithSacks(f, 0, 1, 4));
        expectSegment(f, 0);
        f.send(ackWithSacks(f, 0, 1, 5));
        f.send(ackWithSacks(f, 0, 6, 7, 1, 5));
        f.expectNothing();
        // Room in the window, no lost hole, no new data: a hole below the highest SACK goes
        // before it is known lost (NextSeg rule 3).
        f.send(ackWithSacks(f, 0, 6, 8, 1, 5));
        expectSegment(f, 5);
        f.send(ackWithSacks(f, 0, 6, 9, 1, 5));
        f.expectNothing();
        // Segment 0's retransmission arrives. Nothing is SACKed above segment 9: only the rescue
        // retransmission (NextSeg rule 4) sends it before the RTO.
        f.send(ackWithSacks(f, 5, 6, 9));
        expectSegment(f, 9);
        f.expectNothing();
        assertThat(f.counters.get(TcpCounter.SACK_RESCUE_RETRANSMIT)).isEqualTo(1);
        f.send(ackWithSacks(f, 5, 6, 9)); // once per recovery
        f.expectNothing();
        f.send(ackWithSacks(f, 10));
        assertThat(f.conn.inRecovery()).isFalse();
        assertThat(f.counters.get(TcpCounter.RETRANSMIT_TIMEOUT)).isZero();
    }

    @Test
    void afterATimeoutOnlyTheHolesAreResentInOrder() {
        Fixture f = tenInFlight(10);
        // Segments 0, 2 and 4 lost: two SACKed segments are not evidence enough.
        f.send(ackWithSacks(f, 0, 1, 2));
        f.send(ackWithSacks(f, 0, 3, 4, 1, 2));
        f.expectNothing();
        assertThat(f.conn.inRecovery()).isFalse();
        f.advance(200 * MS);
        expectSegment(f, 0);
        f.expectNothing();
        assertThat(f.conn.cwnd()).isEqualTo(SEG);
        // Segment 0 arrives: ACK of 0-1, and slow start gives room for three.
        f.send(ackWithSacks(f, 2, 3, 4));
        expectSegment(f, 2);
        expectSegment(f, 4); // not 3: it is SACKed
        expectSegment(f, 5);
        f.expectNothing();
        assertThat(f.counters.get(TcpCounter.RETRANSMIT_TIMEOUT)).isEqualTo(1);
        assertThat(f.counters.get(TcpCounter.SACK_HOLE_RETRANSMIT)).isEqualTo(3);
        f.send(ackWithSacks(f, 6));
        expectSegment(f, 6);
        expectSegment(f, 7);
        expectSegment(f, 8);
        expectSegment(f, 9);
        f.expectNothing();
        f.send(ackWithSacks(f, 10));
        assertThat(f.conn.sndUna()).isEqualTo(seg(10));
        f.expectNothing();
    }

    @Test
    void noFastRecoveryStartsWhileTheTimeoutsDataIsStillMissing() {
        Fixture f = tenInFlight(10);
        f.advance(200 * MS);
        expectSegment(f, 0);
        // SACKs of segments 1-9 (the first resend is lost): the holes after a timeout are
        // already being resent; no fast retransmit on top (RFC 6675 5.1).
        f.send(ackWithSacks(f, 0, 1, 9));
        f.expectNothing();
        assertThat(f.conn.inRecovery()).isFalse();
        assertThat(f.counters.get(TcpCounter.FAST_RETRANSMIT)).isZero();
    }

    @Test
    void aPeerThatDropsWhatItSackedIsNoticedAndTheDataResent() {
        Fixture f = tenInFlight(10);
        f.send(ackWithSacks(f, 0, 3, 5));
        // The ACK points at segment 3, which the peer had SACKed: it threw it away (RFC 2018 8).
        f.send(ackWithSacks(f, 3));
        assertThat(f.counters.get(TcpCounter.SACK_RENEGED)).isEqualTo(1);
        f.sent.clear();
        f.advance(f.conn.rtoNs());
        expectSegment(f, 3);
        f.send(ackWithSacks(f, 4));
        expectSegment(f, 4); // SACKed once, but forgotten: resent
    }

    @Test
    void malformedSackBlocksAreCountedAndIgnored() {
        Fixture f = tenInFlight(10);
        f.send(f.ack(PEER_ISS + 1, UNA).sack(seg(5), seg(12))); // beyond what was sent
        f.send(f.ack(PEER_ISS + 1, UNA).sack(seg(5), seg(2))); // reversed
        f.send(f.ack(PEER_ISS + 1, UNA).sack(UNA, seg(2))); // SACKs the byte the ACK asks for
        assertThat(f.counters.get(TcpCounter.SACK_BLOCK_INVALID)).isEqualTo(3);
        assertThat(f.conn.inRecovery()).isFalse();
        f.expectNothing();
    }

    @Test
    void duplicateSackReportsAreCountedNotRecorded() {
        Fixture f = tenInFlight(10);
        f.send(ackWithSacks(f, 2, 0, 1)); // RFC 2883: the first block lies below the ACK
        f.send(ackWithSacks(f, 2, 5, 6, 4, 6)); // or inside the second block
        assertThat(f.counters.get(TcpCounter.DSACK_RECEIVED)).isEqualTo(2);
        assertThat(f.counters.get(TcpCounter.SACK_BLOCK_INVALID)).isZero();
    }

    @Test
    void withoutSackTheSameAcksLeadToNewRenoOneHolePerRoundTrip() {
        Fixture f = Fixture.establishedActive(TcpConfig.builder().sack(false).build());
        assertThat(f.conn.sackEnabled()).isFalse();
        f.send(f.ack(PEER_ISS + 1, UNA));
        data = bytes(10 * SEG, 9);
        f.write(data);
        f.sent.clear();
        f.send(ackWithSacks(f, 0, 1, 4));
        f.send(ackWithSacks(f, 0, 1, 5));
        f.expectNothing(); // blocks are ignored: two duplicate ACKs so far
        f.send(ackWithSacks(f, 0, 6, 7, 1, 5));
        expectSegment(f, 0);
        f.send(ackWithSacks(f, 0, 6, 9, 1, 5));
        f.expectNothing(); // segment 5 waits for the partial ACK
        f.send(ackWithSacks(f, 5, 6, 9));
        expectSegment(f, 5);
    }
}
