package dev.ferry.tcp.conn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** RFC 5681 and RFC 6582 arithmetic, away from any connection. */
class NewRenoTest {
    private static final int MSS = 1000;

    private NewReno started() {
        NewReno reno = new NewReno();
        reno.init(MSS, 10, 0);
        return reno;
    }

    @Test
    void theInitialWindowFollowsRfc6928() {
        assertThat(started().cwnd()).isEqualTo(10 * MSS);
        assertThat(NewReno.initialWindow(1460, 10)).isEqualTo(14_600);
        assertThat(NewReno.initialWindow(9000, 10)).isEqualTo(18_000);
        assertThat(NewReno.initialWindow(1460, 1)).isEqualTo(1460);
    }

    @Test
    void slowStartGrowsByWhatIsAcknowledgedAndAvoidanceByOneSegmentPerWindow() {
        NewReno reno = started();
        reno.onNewAck(2 * MSS, 2 * MSS, 8 * MSS, MSS);
        assertThat(reno.cwnd()).isEqualTo(12 * MSS);
        reno.onRetransmitTimeout(12 * MSS, 12 * MSS, MSS);
        assertThat(reno.cwnd()).isEqualTo(MSS);
        assertThat(reno.ssthresh()).isEqualTo(6 * MSS);
        for (int i = 0; i < 5; i++) {
            reno.onNewAck(MSS, 0, 0, MSS);
        }
        assertThat(reno.cwnd()).isEqualTo(6 * MSS); // reached ssthresh
        for (int i = 0; i < 6; i++) {
            reno.onNewAck(MSS, 0, 0, MSS);
        }
        assertThat(reno.cwnd()).isEqualTo(7 * MSS); // one segment per window in avoidance
    }

    @Test
    void theThirdDuplicateAckStartsRecoveryAndFurtherOnesInflate() {
        NewReno reno = started();
        assertThat(reno.onDuplicateAck(1, 10 * MSS, 10 * MSS, MSS)).isFalse();
        assertThat(reno.onDuplicateAck(1, 10 * MSS, 10 * MSS, MSS)).isFalse();
        assertThat(reno.onDuplicateAck(1, 10 * MSS, 10 * MSS, MSS)).isTrue();
        assertThat(reno.ssthresh()).isEqualTo(5 * MSS);
        assertThat(reno.cwnd()).isEqualTo(8 * MSS);
        assertThat(reno.onDuplicateAck(1, 10 * MSS, 10 * MSS, MSS)).isFalse();
        assertThat(reno.cwnd()).isEqualTo(9 * MSS);
    }

    @Test
    void duplicateAcksOfDataFromBeforeTheLastLossDoNotStartAnotherRecovery() {
        NewReno reno = started();
        reno.onRetransmitTimeout(10 * MSS, 10 * MSS, MSS); // recover = 10 * MSS
        for (int i = 0; i < 3; i++) {
            assertThat(reno.onDuplicateAck(5 * MSS, 10 * MSS, 10 * MSS, MSS)).isFalse();
        }
        assertThat(reno.inRecovery()).isFalse();
    }

    @Test
    void partialAcksDeflateAndAFullAckEndsRecovery() {
        NewReno reno = started();
        for (int i = 0; i < 3; i++) {
            reno.onDuplicateAck(1, 10 * MSS, 10 * MSS, MSS);
        }
        assertThat(reno.onNewAck(3 * MSS, 3 * MSS, 7 * MSS, MSS)).isTrue();
        assertThat(reno.cwnd()).isEqualTo(8 * MSS - 3 * MSS + MSS);
        assertThat(reno.onNewAck(7 * MSS, 10 * MSS, 4 * MSS, MSS)).isFalse();
        assertThat(reno.inRecovery()).isFalse();
        assertThat(reno.cwnd()).isEqualTo(5 * MSS); // min(ssthresh, flight + MSS)
    }
}
