package dev.ferry.tcp.conn;

import static dev.ferry.tcp.conn.Fixture.ISS;
import static dev.ferry.tcp.conn.Fixture.MS;
import static dev.ferry.tcp.conn.Fixture.PEER_ISS;
import static dev.ferry.tcp.conn.Fixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tcp.api.CloseReason;
import dev.ferry.tcp.wire.TcpFlags;
import org.junit.jupiter.api.Test;

/**
 * A connection's own moments as 32-bit ticks ({@link CoarseClock}): a millisecond, rounded up,
 * for the first 49.7 days; after that a coarser tick, so that streams of any age keep correct
 * keepalive and idle timing.
 */
class CoarseClockTest {
    private static final long S = 1000 * MS;
    private static final long DAY = 86_400 * S;
    private static final long TWO_TO_32_MS = (1L << 32) * MS;

    @Test
    void aMomentIsKeptToTheMillisecondRoundedUp() {
        TcpConnection c = Fixture.establishedActive(TcpConfig.defaults()).conn;
        long created = c.createdNs;
        c.lastRecvNs(created + 1_500_000);
        c.lastDataNs(created + 7 * MS);
        c.lastSendNs(created + 3 * DAY + 1);
        assertThat(c.lastRecvNs()).isEqualTo(created + 2 * MS);
        assertThat(c.lastDataNs()).isEqualTo(created + 7 * MS);
        assertThat(c.lastSendNs()).isEqualTo(created + 3 * DAY + MS);
        assertThat(c.extras).as("young streams need no coarser tick").isNull();
    }

    @Test
    void anOldStreamCoarsensItsTickWithoutLosingAnyMoment() {
        TcpConnection c = Fixture.establishedActive(TcpConfig.defaults()).conn;
        long created = c.createdNs;
        long recv = created + 10 * DAY + 300_000;
        long data = created + 40 * DAY;
        c.lastRecvNs(recv);
        c.lastDataNs(data);
        for (long age : new long[] {TWO_TO_32_MS - MS, TWO_TO_32_MS + 1, 60 * DAY, 3650 * DAY, 100 * 365 * DAY}) {
            long send = created + age;
            c.lastSendNs(send);
            long tickNs = age / (1L << 31); // a tick is less than twice age / 2^32
            assertThat(c.lastRecvNs()).as("age %d days", age / DAY).isBetween(recv, recv + Math.max(MS, tickNs));
            assertThat(c.lastDataNs()).as("age %d days", age / DAY).isBetween(data, data + Math.max(MS, tickNs));
            assertThat(c.lastSendNs()).as("age %d days", age / DAY).isBetween(send, send + Math.max(MS, tickNs));
        }
    }

    @Test
    void keepaliveMeasuresSilenceOnAStreamOlderThanTheMillisecondTicksReach() {
        TcpConfig config = TcpConfig.builder().keepaliveTiming(10 * S, 2 * S, 3).build();
        Fixture f = Fixture.establishedActive(config);
        f.advance(100 * DAY); // keepalive off: nothing wakes the stream
        f.send(f.data(PEER_ISS + 1, ISS + 1, bytes(10, 1)));
        f.readAll();
        long spoke = f.now;
        f.conn.keepalive(true);
        f.runOutput();
        f.advance(1 * S);
        f.sent.clear(); // the delayed ACK
        f.advance(spoke + 10 * S - 10 * MS - f.now);
        f.expectNothing();
        f.advance(20 * MS);
        f.expect(TcpFlags.ACK).seq(ISS).length(0);
        assertThat(f.conn.isOpen()).isTrue();
    }

    @Test
    void anIdleTimeoutLongerThanAMonthHoldsOverAStreamOfMonths() {
        TcpConfig config = TcpConfig.builder().idleTimeoutNs(30 * DAY).build();
        Fixture f = Fixture.establishedActive(config);
        int seq = PEER_ISS + 1;
        for (int day = 20; day <= 200; day += 20) {
            f.advance(20 * DAY);
            f.send(f.data(seq++, ISS + 1, bytes(1, day)));
            f.readAll();
            assertThat(f.conn.isOpen()).as("day %d", day).isTrue();
        }
        long lastData = f.now;
        f.advance(lastData + 30 * DAY - 10 * MS - f.now);
        assertThat(f.conn.isOpen()).isTrue();
        f.advance(20 * MS);
        assertThat(f.hostClosed).isEqualTo(CloseReason.IDLE_TIMEOUT);
    }
}
