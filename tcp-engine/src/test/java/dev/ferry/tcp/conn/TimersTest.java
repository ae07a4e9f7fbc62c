package dev.ferry.tcp.conn;

import static dev.ferry.tcp.conn.Fixture.ISS;
import static dev.ferry.tcp.conn.Fixture.MS;
import static dev.ferry.tcp.conn.Fixture.PEER_ISS;
import static dev.ferry.tcp.conn.Fixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tcp.api.CloseReason;
import dev.ferry.tcp.wire.TcpFlags;
import org.junit.jupiter.api.Test;

/** The one deadline: keepalive, idle timeout, maximum lifetime, lazy re-arming, early and late timers. */
class TimersTest {
    private static final long S = 1000 * MS;

    @Test
    void keepaliveIsOffByDefault() {
        Fixture f = Fixture.establishedActive(TcpConfig.defaults());
        assertThat(f.conn.neededDeadlineNs()).isEqualTo(Long.MAX_VALUE);
        f.advance(100_000 * S);
        f.expectNothing();
        assertThat(f.deadline)
                .as("the stale SYN deadline fired and nothing was re-armed")
                .isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void keepaliveProbesASilentPeerAndGivesUpAfterTheConfiguredProbes() {
        TcpConfig config = TcpConfig.builder()
                .keepalive(true)
                .keepaliveTiming(10 * S, 2 * S, 3)
                .build();
        Fixture f = Fixture.establishedActive(config);
        f.advance(10 * S - 1);
        f.expectNothing();
        f.advance(1);
        f.expect(TcpFlags.ACK).seq(ISS).length(0);
        f.advance(2 * S);
        f.expect(TcpFlags.ACK).seq(ISS);
        f.advance(2 * S);
        f.expect(TcpFlags.ACK).seq(ISS);
        f.advance(2 * S);
        f.expect(TcpFlags.RST | TcpFlags.ACK);
        assertThat(f.hostClosed).isEqualTo(CloseReason.KEEPALIVE_TIMEOUT);
        assertThat(f.counters.get(TcpCounter.KEEPALIVE_PROBE)).isEqualTo(3);
    }

    @Test
    void anAnsweredProbeRestartsTheIdleWait() {
        TcpConfig config = TcpConfig.builder()
                .keepalive(true)
                .keepaliveTiming(10 * S, 2 * S, 3)
                .build();
        Fixture f = Fixture.establishedActive(config);
        f.advance(10 * S);
        f.expect(TcpFlags.ACK).seq(ISS);
        f.send(f.ack(PEER_ISS + 1, ISS + 1));
        f.advance(10 * S - 1);
        f.expectNothing();
        f.advance(1);
        f.expect(TcpFlags.ACK).seq(ISS);
        assertThat(f.conn.isOpen()).isTrue();
    }

    @Test
    void keepaliveCanBeTurnedOnPerStream() {
        TcpConfig config = TcpConfig.builder().keepaliveTiming(10 * S, 2 * S, 3).build();
        Fixture f = Fixture.establishedActive(config);
        f.conn.keepalive(true);
        f.runOutput();
        f.advance(10 * S);
        f.expect(TcpFlags.ACK).seq(ISS);
    }

    @Test
    void theIdleTimeoutAbortsAStreamWithoutData() {
        TcpConfig config = TcpConfig.builder().idleTimeoutNs(30 * S).build();
        Fixture f = Fixture.establishedActive(config);
        f.advance(20 * S);
        f.send(f.data(PEER_ISS + 1, ISS + 1, bytes(10, 1)));
        f.readAll();
        f.advance(29 * S);
        assertThat(f.conn.isOpen()).isTrue();
        f.sent.clear();
        f.advance(1 * S);
        f.expect(TcpFlags.RST | TcpFlags.ACK);
        assertThat(f.hostClosed).isEqualTo(CloseReason.IDLE_TIMEOUT);
    }

    @Test
    void theMaximumLifetimeAbortsEvenABusyStream() {
        TcpConfig config = TcpConfig.builder().maxLifetimeNs(5 * S).build();
        Fixture f = Fixture.establishedActive(config);
        for (int i = 0; i < 4; i++) {
            f.advance(1 * S);
            f.send(f.data(PEER_ISS + 1 + i, ISS + 1, bytes(1, i)));
        }
        f.advance(1 * S);
        assertThat(f.hostClosed).isEqualTo(CloseReason.MAX_LIFETIME);
    }

    @Test
    void aDeadlineThatMovesLaterIsNotReportedUntilTheOldOneFires() {
        Fixture f = Fixture.establishedActive(TcpConfig.defaults());
        f.write(bytes(10, 1));
        long first = f.deadline;
        int reports = f.deadlineReports;
        f.advance(100 * MS);
        f.write(bytes(10, 2));
        f.send(f.ack(PEER_ISS + 1, ISS + 11)); // restarts the RTO later
        assertThat(f.deadlineReports).isEqualTo(reports);
        assertThat(f.deadline).isEqualTo(first);
        f.sent.clear();
        f.advance(first - f.now); // fires early: nothing is due yet, the real deadline is reported
        f.expectNothing();
        assertThat(f.deadline).isEqualTo(f.conn.neededDeadlineNs());
        assertThat(f.deadline).isGreaterThan(first);
    }

    @Test
    void aLateTimerDoesWhatIsDueOnce() {
        Fixture f = Fixture.establishedActive(TcpConfig.defaults());
        f.write(bytes(10, 1));
        f.sent.clear();
        f.now += 10 * S; // the host was busy: the timer fires ten seconds late
        f.deadline = Long.MAX_VALUE;
        f.conn.onTimer(f.now);
        f.runOutput();
        f.expect(TcpFlags.ACK).seq(ISS + 1).length(10);
        f.expectNothing();
    }

    @Test
    void aSpuriousTimerChangesNothing() {
        Fixture f = Fixture.establishedActive(TcpConfig.defaults());
        f.conn.onTimer(f.now);
        f.conn.onTimer(f.now);
        f.runOutput();
        f.expectNothing();
        assertThat(f.conn.state()).isEqualTo(TcpState.ESTABLISHED);
    }

    @Test
    void aClosedConnectionHasNoTimer() {
        Fixture f = Fixture.establishedActive(TcpConfig.defaults());
        f.write(bytes(10, 1));
        f.conn.abort();
        f.runOutput();
        assertThat(f.conn.neededDeadlineNs()).isEqualTo(Long.MAX_VALUE);
        assertThat(f.deadline).isEqualTo(Long.MAX_VALUE);
    }
}
