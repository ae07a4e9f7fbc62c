package dev.ferry.tcp.conn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The send-time log RACK reads: one record per transmission, cut by retransmissions, bounded. */
class SendTimesTest {
    private final SendTimes times = new SendTimes();

    private String records() {
        return times.toString();
    }

    @Test
    void aBurstIsOneRecordAndALaterSendAnother() {
        times.sent(100, 200, 5);
        times.sent(200, 300, 5);
        times.sent(300, 400, 6);
        assertThat(records()).isEqualTo("SendTimes[100-300@5 300-400@6]");
    }

    @Test
    void aRetransmissionCutsItsRangeOutWithItsOwnTime() {
        times.sent(100, 400, 5);
        assertThat(times.resent(200, 250, 9)).isTrue();
        assertThat(records()).isEqualTo("SendTimes[100-200@5 200-250@9R 250-400@5]");
        assertThat(times.retransmittedRecords()).isEqualTo(1);
        // The next hole of the same resend joins it; a range spanning records replaces them.
        times.resent(250, 260, 9);
        assertThat(records()).isEqualTo("SendTimes[100-200@5 200-260@9R 260-400@5]");
        times.resent(150, 300, 12);
        assertThat(records()).isEqualTo("SendTimes[100-150@5 150-300@12R 300-400@5]");
        assertThat(times.retransmittedRecords()).isEqualTo(1);
    }

    @Test
    void theCumulativeAckDropsAndTrims() {
        times.sent(100, 200, 5);
        times.sent(200, 300, 6);
        times.resent(100, 150, 7);
        times.mark(0, SendTimes.LOST);
        assertThat(times.lostRecords()).isEqualTo(1);
        times.acknowledge(250);
        assertThat(records()).isEqualTo("SendTimes[250-300@6]");
        assertThat(times.lostRecords()).isZero();
        assertThat(times.retransmittedRecords()).isZero();
    }

    @Test
    void whatFindsNoRoomStaysUntrackedNeverMergedUnderAWrongTime() {
        for (int i = 0; i < SendTimes.CAPACITY; i++) {
            assertThat(times.sent(i * 10, i * 10 + 10, i)).isTrue();
        }
        assertThat(times.sent(SendTimes.CAPACITY * 10, SendTimes.CAPACITY * 10 + 10, 999))
                .isFalse();
        assertThat(times.count()).isEqualTo(SendTimes.CAPACITY);
        assertThat(times.end(SendTimes.CAPACITY - 1)).isEqualTo(SendTimes.CAPACITY * 10);
        // A retransmission inside a full log: its old time must go (it would look lost too soon).
        assertThat(times.resent(15, 18, 1000)).isFalse();
        for (int i = 0; i < times.count(); i++) {
            assertThat(times.start(i) < 18 && times.end(i) > 15)
                    .as("record %d overlaps", i)
                    .isFalse();
        }
        // The ring wraps as ACKs free room.
        times.acknowledge(500);
        assertThat(times.sent(SendTimes.CAPACITY * 10, SendTimes.CAPACITY * 10 + 10, 1001))
                .isTrue();
        assertThat(times.start(0)).isEqualTo(500);
    }
}
