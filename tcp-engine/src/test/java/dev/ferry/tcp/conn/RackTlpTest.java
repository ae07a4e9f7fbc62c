package dev.ferry.tcp.conn;

import static dev.ferry.tcp.conn.Fixture.MS;
import static dev.ferry.tcp.conn.Fixture.PEER_ISS;
import static dev.ferry.tcp.conn.Fixture.bytes;
import static dev.ferry.tcp.conn.SegmentsInFlight.SEG;
import static dev.ferry.tcp.conn.SegmentsInFlight.UNA;
import static dev.ferry.tcp.conn.SegmentsInFlight.ackWithSacks;
import static dev.ferry.tcp.conn.SegmentsInFlight.seg;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tcp.wire.TcpFlags;
import org.junit.jupiter.api.Test;

/**
 * RACK-TLP (RFC 8985) on a connection whose peer SACKs: losses judged by time, lost
 * retransmissions and lost tails repaired without waiting for the RTO, reordering tolerated.
 *
 * <p>Every test starts from a handshake that took {@link #RTT} (so SRTT and min RTT are 10 ms and
 * the RTO its 200 ms minimum), then ten full segments sent at once at {@code t0}. {@code seg(i)}
 * is the first sequence number of segment i.
 */
class RackTlpTest {
    private static final long RTT = 10 * MS;
    /** The probe timeout with more than one segment in flight: 2 x SRTT and a 2 ms margin. */
    private static final long PTO = 2 * RTT + Rack.PROBE_TIMEOUT_MARGIN_NS;

    private final TcpConfig config = TcpConfig.defaults();
    private byte[] data;
    private long t0;

    /** Established with SACK over a 10 ms path, {@code segments} queued, the first ten sent. */
    private Fixture tenInFlight(TcpConfig config, int segments) {
        Fixture f = Fixture.establishedActive(config, RTT);
        f.send(f.ack(PEER_ISS + 1, UNA)); // the scaled window: later ACKs repeat it exactly
        assertThat(f.conn.srttNs()).isEqualTo(RTT);
        data = bytes(segments * SEG, 9);
        t0 = f.now;
        f.write(data);
        assertThat(f.sent).hasSize(10);
        f.sent.clear();
        return f;
    }

    private Fixture tenInFlight(int segments) {
        return tenInFlight(config, segments);
    }

    private void expectSegment(Fixture f, int i) {
        SegmentsInFlight.expectSegment(f, data, i);
    }

    /** Moves the clock to {@code t0 + ns} (firing what is due on the way). */
    private void at(Fixture f, long ns) {
        f.advance(t0 + ns - f.now);
    }

    @Test
    void aLostRetransmissionIsFoundByTimeAndResentWithoutAnRto() {
        Fixture f = tenInFlight(20);
        // Segment 0 is lost; 1-3 arrive: sent at the same moment as 0 but delivered, so 0 is lost.
        at(f, RTT);
        f.send(ackWithSacks(f, 0, 1, 4));
        expectSegment(f, 0);
        assertThat(f.conn.inRecovery()).isTrue();
        // The rest arrives; pipe makes room for new data, sent right after the retransmission.
        f.send(ackWithSacks(f, 0, 1, 10));
        expectSegment(f, 10);
        expectSegment(f, 11);
        expectSegment(f, 12);
        expectSegment(f, 13);
        f.expectNothing();
        // Segment 0's retransmission is lost too; segment 10, sent after it, arrives. RFC 6675
        // alone has nothing to go on here but the RTO.
        at(f, 2 * RTT);
        f.send(ackWithSacks(f, 0, 1, 11));
        expectSegment(f, 0);
        assertThat(f.counters.get(TcpCounter.RACK_LOST))
                .as("the original, then its retransmission")
                .isEqualTo(2);
        f.send(ackWithSacks(f, 14));
        assertThat(f.conn.sndUna()).isEqualTo(seg(14));
        assertThat(f.counters.get(TcpCounter.RETRANSMIT_TIMEOUT)).isZero();
        assertThat(f.conn.stats(new StreamStats()).retransmits()).isEqualTo(2);
    }

    @Test
    void withoutRackTheSameLostRetransmissionWaitsForTheRto() {
        Fixture f = tenInFlight(TcpConfig.builder().rackTlp(false).build(), 20);
        at(f, RTT);
        f.send(ackWithSacks(f, 0, 1, 4));
        expectSegment(f, 0);
        f.send(ackWithSacks(f, 0, 1, 10));
        f.sent.clear();
        at(f, 2 * RTT);
        f.send(ackWithSacks(f, 0, 1, 11));
        assertThat(f.sent).noneMatch(s -> s.seq == seg(0));
        f.sent.clear();
        at(f, 199 * MS); // the RTO runs from the first send: no cumulative ACK restarted it
        assertThat(f.sent).noneMatch(s -> s.seq == seg(0));
        at(f, 200 * MS);
        expectSegment(f, 0);
        assertThat(f.counters.get(TcpCounter.RETRANSMIT_TIMEOUT)).isEqualTo(1);
    }

    @Test
    void aLostTailIsProbedAtTwoSrttAndRepairedWithoutAnRto() {
        Fixture f = tenInFlight(10);
        // Segments 0-7 arrive; the last two are lost: no SACK can ever show them.
        at(f, RTT);
        f.send(ackWithSacks(f, 8));
        f.expectNothing();
        // PTO = 2 * SRTT (+ 2 ms) from that ACK (two segments in flight: no delayed-ACK allowance).
        at(f, RTT + PTO - 1);
        f.expectNothing();
        at(f, RTT + PTO);
        expectSegment(f, 9); // no new data: the last segment again
        f.expectNothing();
        assertThat(f.counters.get(TcpCounter.TLP_PROBE)).isEqualTo(1);
        // The probe is SACKed: segment 8, sent before it, is lost, and fast recovery resends it.
        at(f, RTT + PTO + RTT);
        f.send(ackWithSacks(f, 8, 9, 10));
        expectSegment(f, 8);
        f.expectNothing();
        assertThat(f.conn.inRecovery()).isTrue();
        at(f, RTT + PTO + 2 * RTT);
        f.send(ackWithSacks(f, 10));
        assertThat(f.conn.inRecovery()).isFalse();
        assertThat(f.counters.get(TcpCounter.RETRANSMIT_TIMEOUT)).isZero();
        assertThat(f.conn.stats(new StreamStats()).retransmits()).isEqualTo(2);
        f.advance(10_000 * MS);
        f.expectNothing();
    }

    @Test
    void aResentProbeThatAloneArrivedRepairedALossAndCwndIsReducedOnce() {
        Fixture f = tenInFlight(10);
        at(f, RTT);
        f.send(ackWithSacks(f, 8));
        int cwndBefore = f.conn.cwnd();
        at(f, RTT + PTO);
        expectSegment(f, 9);
        // Segment 8 had arrived (its ACK was lost); 9 had not. The probe's ACK has no D-SACK.
        at(f, RTT + PTO + RTT);
        f.send(ackWithSacks(f, 10));
        assertThat(f.counters.get(TcpCounter.TLP_RECOVERY)).isEqualTo(1);
        // Slow start took this ACK's two segments in first; then one halving, no recovery episode.
        int halved = (cwndBefore + 2 * SEG) / 2;
        assertThat(f.conn.cwnd()).as("one multiplicative decrease").isEqualTo(halved);
        assertThat(f.conn.ssthresh()).isEqualTo(halved);
        assertThat(f.conn.inRecovery()).isFalse();
        assertThat(f.counters.get(TcpCounter.RETRANSMIT_TIMEOUT)).isZero();
    }

    @Test
    void aProbeAnsweredWithADuplicateReportRepairedNothing() {
        Fixture f = tenInFlight(10);
        at(f, RTT);
        f.send(ackWithSacks(f, 8));
        int cwndBefore = f.conn.cwnd();
        at(f, RTT + PTO);
        expectSegment(f, 9);
        // Only the ACKs were late: the peer reports the probe as a duplicate (RFC 2883).
        at(f, RTT + PTO + RTT);
        f.send(ackWithSacks(f, 10, 9, 10));
        assertThat(f.counters.get(TcpCounter.DSACK_RECEIVED)).isEqualTo(1);
        assertThat(f.counters.get(TcpCounter.TLP_PROBE)).isEqualTo(1);
        assertThat(f.counters.get(TcpCounter.TLP_RECOVERY)).isZero();
        assertThat(f.conn.cwnd()).isGreaterThanOrEqualTo(cwndBefore);
    }

    @Test
    void theProbeCarriesNewDataWhenThereIsSomeAndItsSackRevealsTheLostTail() {
        Fixture f = tenInFlight(20);
        // Nothing comes back: every segment (or every ACK) was lost. Ten segments in flight,
        // cwnd full: the probe goes anyway, as new data, 2 * SRTT (+ 2 ms) after the last send.
        at(f, PTO - 1);
        f.expectNothing();
        at(f, PTO);
        expectSegment(f, 10);
        f.expectNothing();
        assertThat(f.counters.get(TcpCounter.TLP_PROBE)).isEqualTo(1);
        // The probe arrives and is SACKed: everything sent before it is lost, and recovery resends.
        at(f, 3 * RTT);
        f.send(ackWithSacks(f, 0, 10, 11));
        assertThat(f.conn.inRecovery()).isTrue();
        expectSegment(f, 0);
        assertThat(f.counters.get(TcpCounter.RETRANSMIT_TIMEOUT)).isZero();
        assertThat(f.counters.get(TcpCounter.RACK_LOST)).isPositive();
    }

    @Test
    void reorderingWithinTheWindowIsNotALoss() {
        Fixture f = tenInFlight(10);
        // Segment 0 is late: 1 and 2 arrive first. Too few SACKs to call it lost at once; RACK
        // waits a quarter of the min RTT.
        at(f, RTT);
        f.send(ackWithSacks(f, 0, 1, 3));
        f.expectNothing();
        assertThat(f.conn.neededDeadlineNs()).as("the reorder timer").isEqualTo(t0 + RTT + RTT / 4);
        at(f, RTT + RTT / 4 - 1);
        f.send(ackWithSacks(f, 3)); // segment 0 arrived within the window
        at(f, RTT + RTT);
        f.expectNothing();
        assertThat(f.conn.inRecovery()).isFalse();
        assertThat(f.counters.get(TcpCounter.RACK_LOST)).isZero();
        assertThat(f.conn.stats(new StreamStats()).retransmits()).isZero();
        assertThat(f.conn.cwnd()).isEqualTo(13 * SEG);
    }

    @Test
    void aDuplicateReportWidensTheReorderWindow() {
        Fixture f = tenInFlight(10);
        at(f, RTT);
        // Segment 0 was received twice (RFC 2883: a block below the ACK): a retransmission was
        // spurious, so reordering is likelier than RACK assumed.
        f.send(ackWithSacks(f, 2, 0, 1));
        assertThat(f.counters.get(TcpCounter.DSACK_RECEIVED)).isEqualTo(1);
        f.send(ackWithSacks(f, 2, 3, 5));
        f.expectNothing();
        // Two quarters of the min RTT now, not one (RFC 8985 6.2 step 4).
        assertThat(f.conn.neededDeadlineNs()).isEqualTo(t0 + RTT + 2 * (RTT / 4));
    }

    @Test
    void aHoleWithTooFewSacksAboveIsResentOnceTheReorderWindowPasses() {
        Fixture f = tenInFlight(10);
        at(f, RTT);
        f.send(ackWithSacks(f, 0, 1, 3)); // two segments above the hole: DupThresh never fires
        f.expectNothing();
        at(f, RTT + RTT / 4);
        expectSegment(f, 0);
        assertThat(f.counters.get(TcpCounter.RACK_REORDER_TIMEOUT)).isEqualTo(1);
        assertThat(f.counters.get(TcpCounter.RACK_LOST)).isEqualTo(1);
        assertThat(f.counters.get(TcpCounter.RETRANSMIT_TIMEOUT)).isZero();
        assertThat(f.conn.inRecovery()).isTrue();
    }

    @Test
    void noProbeWhenThePeerDoesNotSack() {
        Fixture f = Fixture.establishedActive(TcpConfig.builder().sack(false).build());
        assertThat(f.conn.sackEnabled()).isFalse();
        f.write(bytes(3 * SEG, 1));
        assertThat(f.sent).hasSize(3);
        f.sent.clear();
        f.advance(f.conn.rtoNs() - 1);
        f.expectNothing();
        f.advance(1);
        f.expect(TcpFlags.ACK).seq(UNA);
        assertThat(f.counters.get(TcpCounter.TLP_PROBE)).isZero();
        assertThat(f.counters.get(TcpCounter.RETRANSMIT_TIMEOUT)).isEqualTo(1);
    }

    @Test
    void aLoneSegmentsProbeWaitsForTheWorstCaseDelayedAckButNotPastTheRto() {
        Fixture f = tenInFlight(10);
        at(f, RTT);
        f.send(ackWithSacks(f, 9));
        at(f, RTT + RTT / 2);
        f.send(ackWithSacks(f, 10)); // all acknowledged
        f.write(bytes(100, 3));
        f.expect(TcpFlags.ACK).length(100);
        long sentAt = f.now;
        // 2 * SRTT + 200 ms for a lone segment is beyond the RTO: the probe goes at the RTO's time
        // instead of the RTO, and the RTO is re-armed after it (RFC 8985 7.2, 7.3).
        long rto = f.conn.rtoNs();
        f.advance(rto - 1);
        f.expectNothing();
        f.advance(1);
        f.expect(TcpFlags.ACK).seq(seg(10)).length(100);
        assertThat(f.counters.get(TcpCounter.TLP_PROBE)).isEqualTo(1);
        assertThat(f.counters.get(TcpCounter.RETRANSMIT_TIMEOUT)).isZero();
        assertThat(f.conn.cwnd()).as("no collapse to one segment").isGreaterThan(SEG);
        f.advance(rto);
        f.expect(TcpFlags.ACK).seq(seg(10)).length(100);
        assertThat(f.counters.get(TcpCounter.RETRANSMIT_TIMEOUT)).isEqualTo(1);
        assertThat(f.now - sentAt).isEqualTo(2 * rto);
    }
}
