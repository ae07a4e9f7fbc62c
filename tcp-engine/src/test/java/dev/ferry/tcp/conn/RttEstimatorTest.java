package dev.ferry.tcp.conn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** RFC 6298 arithmetic. */
class RttEstimatorTest {
    private static final long MS = 1_000_000L;
    private final TcpConfig config = TcpConfig.builder().minRtoNs(MS).build();

    @Test
    void theFirstSampleSetsSrttAndHalfOfItAsVariation() {
        RttEstimator rtt = new RttEstimator(config.initialRtoNs());
        assertThat(rtt.rtoNs(config)).isEqualTo(1000 * MS);
        rtt.sample(100 * MS, config);
        assertThat(rtt.srttNs()).isEqualTo(100 * MS);
        assertThat(rtt.rttvarNs()).isEqualTo(50 * MS);
        assertThat(rtt.rtoNs(config)).isEqualTo(300 * MS); // SRTT + 4 * RTTVAR
    }

    @Test
    void laterSamplesAreSmoothedWithAlphaAnEighthAndBetaAQuarter() {
        RttEstimator rtt = new RttEstimator(config.initialRtoNs());
        rtt.sample(100 * MS, config);
        rtt.sample(200 * MS, config);
        assertThat(rtt.rttvarNs()).isEqualTo((3 * 50 * MS + 100 * MS) / 4);
        assertThat(rtt.srttNs()).isEqualTo((7 * 100 * MS + 200 * MS) / 8);
        assertThat(rtt.minRttNs()).isEqualTo(100 * MS);
    }

    @Test
    void theRtoIsClampedToTheConfiguredMinimumAndMaximum() {
        TcpConfig linuxLike = TcpConfig.defaults();
        RttEstimator rtt = new RttEstimator(linuxLike.initialRtoNs());
        rtt.sample(1 * MS, linuxLike);
        assertThat(rtt.rtoNs(linuxLike)).isEqualTo(200 * MS);
        for (int i = 0; i < 20; i++) {
            rtt.backOff();
        }
        assertThat(rtt.rtoNs(linuxLike)).isEqualTo(120_000 * MS);
        rtt.resetBackoff();
        assertThat(rtt.rtoNs(linuxLike)).isEqualTo(200 * MS);
    }

    @Test
    void onlyAnAckCoveringTheTimedSegmentGivesASampleAndARetransmissionCancelsIt() {
        RttEstimator rtt = new RttEstimator(config.initialRtoNs());
        rtt.startTiming(1000, 0);
        rtt.startTiming(2000, 5 * MS); // already timing one: ignored
        rtt.onAck(999, 10 * MS, config);
        assertThat(rtt.srttNs()).isEqualTo(-1);
        rtt.onAck(1000, 20 * MS, config);
        assertThat(rtt.srttNs()).isEqualTo(20 * MS);
        rtt.startTiming(3000, 30 * MS);
        rtt.cancelTiming();
        rtt.onAck(3000, 90 * MS, config);
        assertThat(rtt.srttNs()).isEqualTo(20 * MS);
    }
}
