package dev.ferry.tcp.conn;

import static dev.ferry.tcp.conn.Fixture.ISS;
import static dev.ferry.tcp.conn.Fixture.MS;
import static dev.ferry.tcp.conn.Fixture.PEER_ISS;
import static dev.ferry.tcp.conn.Fixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tcp.api.CloseReason;
import dev.ferry.tcp.wire.TcpFlags;
import org.junit.jupiter.api.Test;

/** FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT; half-close; close and abort. */
class ClosingTest {
    private static final long S = 1000 * MS;
    private final TcpConfig config = TcpConfig.defaults();

    @Test
    void activeCloseRunsThroughFinWaitToTimeWaitAndEndsAfterTwoMsl() {
        Fixture f = Fixture.establishedActive(config);
        f.conn.shutdownOutput();
        assertThat(f.conn.state()).isEqualTo(TcpState.FIN_WAIT_1);
        f.runOutput();
        f.expect(TcpFlags.FIN | TcpFlags.ACK).seq(ISS + 1).ack(PEER_ISS + 1);
        f.send(f.ack(PEER_ISS + 1, ISS + 2));
        assertThat(f.conn.state()).isEqualTo(TcpState.FIN_WAIT_2);
        f.send(f.ack(PEER_ISS + 1, ISS + 2).flags(TcpFlags.FIN | TcpFlags.ACK));
        assertThat(f.conn.state()).isEqualTo(TcpState.TIME_WAIT);
        f.expect(TcpFlags.ACK).seq(ISS + 2).ack(PEER_ISS + 2);
        assertThat(f.app.events).containsExactly("open", "eof", "closed NORMAL");
        assertThat(f.timeWaitEntered).isTrue();
        assertThat(f.hostClosed).isNull();
        f.advance(60 * S - 1);
        assertThat(f.hostClosed).isNull();
        f.advance(1);
        assertThat(f.hostClosed).isEqualTo(CloseReason.NORMAL);
        assertThat(f.counters.closes(CloseReason.NORMAL)).isEqualTo(1);
    }

    @Test
    void halfCloseLetsThePeerKeepSending() {
        Fixture f = Fixture.establishedActive(config);
        f.conn.write(bytes(100, 1), 0, 100);
        f.conn.shutdownOutput();
        f.runOutput();
        f.expect(TcpFlags.FIN | TcpFlags.ACK).seq(ISS + 1).length(100); // the FIN rides on the data
        assertThat(f.conn.write(bytes(1, 1), 0, 1)).isEqualTo(-1);
        f.send(f.ack(PEER_ISS + 1, ISS + 102));
        assertThat(f.conn.state()).isEqualTo(TcpState.FIN_WAIT_2);
        for (int i = 0; i < 3; i++) {
            f.send(f.data(PEER_ISS + 1 + i * 1000, ISS + 102, bytes(1000, i)));
        }
        assertThat(f.readAll()).hasSize(3000);
        f.send(f.ack(PEER_ISS + 3001, ISS + 102).flags(TcpFlags.FIN | TcpFlags.ACK));
        assertThat(f.conn.state()).isEqualTo(TcpState.TIME_WAIT);
        assertThat(f.conn.read(new byte[10], 0, 10)).isEqualTo(-1);
    }

    @Test
    void passiveCloseGoesThroughCloseWaitAndLastAck() {
        Fixture f = Fixture.establishedPassive(config);
        f.send(f.ack(PEER_ISS + 1, ISS + 1).flags(TcpFlags.FIN | TcpFlags.ACK));
        assertThat(f.conn.state()).isEqualTo(TcpState.CLOSE_WAIT);
        f.expect(TcpFlags.ACK).ack(PEER_ISS + 2);
        assertThat(f.app.events).containsExactly("eof");
        assertThat(f.conn.isInputShutdown()).isTrue();
        // We may still send after the peer's FIN.
        f.write(bytes(50, 2));
        f.expect(TcpFlags.ACK).length(50);
        f.conn.close();
        assertThat(f.conn.state()).isEqualTo(TcpState.LAST_ACK);
        f.runOutput();
        f.expect(TcpFlags.FIN | TcpFlags.ACK).seq(ISS + 51); // a FIN need not wait for the data's ACK
        f.send(f.ack(PEER_ISS + 2, ISS + 51));
        assertThat(f.conn.state()).isEqualTo(TcpState.LAST_ACK);
        f.send(f.ack(PEER_ISS + 2, ISS + 52));
        assertThat(f.hostClosed).isEqualTo(CloseReason.NORMAL);
        assertThat(f.timeWaitEntered).isFalse();
        assertThat(f.app.closed).isEqualTo(CloseReason.NORMAL);
    }

    @Test
    void simultaneousCloseGoesThroughClosing() {
        Fixture f = Fixture.establishedActive(config);
        f.conn.shutdownOutput();
        f.runOutput();
        f.expect(TcpFlags.FIN | TcpFlags.ACK);
        // The peer's FIN crosses ours and does not acknowledge it.
        f.send(f.ack(PEER_ISS + 1, ISS + 1).flags(TcpFlags.FIN | TcpFlags.ACK));
        assertThat(f.conn.state()).isEqualTo(TcpState.CLOSING);
        f.expect(TcpFlags.ACK).ack(PEER_ISS + 2);
        f.send(f.ack(PEER_ISS + 2, ISS + 2));
        assertThat(f.conn.state()).isEqualTo(TcpState.TIME_WAIT);
    }

    @Test
    void aFinThatAlsoAcksOursGoesStraightToTimeWait() {
        Fixture f = Fixture.establishedActive(config);
        f.conn.shutdownOutput();
        f.runOutput();
        f.sent.clear();
        f.send(f.ack(PEER_ISS + 1, ISS + 2).flags(TcpFlags.FIN | TcpFlags.ACK));
        assertThat(f.conn.state()).isEqualTo(TcpState.TIME_WAIT);
        f.expect(TcpFlags.ACK).ack(PEER_ISS + 2);
    }

    @Test
    void timeWaitAnswersARetransmittedFinAndRestartsItsWait() {
        Fixture f = timeWait();
        f.advance(30 * S);
        f.send(f.ack(PEER_ISS + 1, ISS + 2).flags(TcpFlags.FIN | TcpFlags.ACK));
        f.expect(TcpFlags.ACK).seq(ISS + 2).ack(PEER_ISS + 2);
        f.advance(59 * S);
        assertThat(f.hostClosed).isNull();
        f.advance(1 * S);
        assertThat(f.hostClosed).isEqualTo(CloseReason.NORMAL);
    }

    @Test
    void aResetEndsTimeWait() {
        Fixture f = timeWait();
        f.send(f.seg().seq(PEER_ISS + 2).flags(TcpFlags.RST));
        assertThat(f.hostClosed).isEqualTo(CloseReason.NORMAL);
    }

    @Test
    void aCompactTimeWaitEntryBehavesLikeTheConnection() {
        Fixture f = timeWait();
        TimeWait entry = f.conn.timeWait(new TimeWait());
        assertThat(entry.expiresNs()).isEqualTo(f.now + 60 * S);
        assertThat(entry.sndNxt()).isEqualTo(ISS + 2);
        assertThat(entry.rcvNxt()).isEqualTo(PEER_ISS + 2);
        SegmentIn in = new SegmentIn();

        f.ack(PEER_ISS + 1, ISS + 2).flags(TcpFlags.FIN | TcpFlags.ACK).build(in);
        assertThat(entry.onSegment(in, f.now + S, 60 * S)).isEqualTo(TimeWait.Action.ACK_AND_RESTART);
        assertThat(entry.expiresNs()).isEqualTo(f.now + 61 * S);
        SegmentOut out = new SegmentOut();
        entry.ack(f.now, out);
        assertThat(out.flags()).isEqualTo(TcpFlags.ACK);
        assertThat(out.seq()).isEqualTo(ISS + 2);
        assertThat(out.ack()).isEqualTo(PEER_ISS + 2);
        assertThat(out.hasTimestamps()).isTrue();

        f.seg().seq(PEER_ISS + 2).flags(TcpFlags.RST).build(in);
        assertThat(entry.onSegment(in, f.now, 60 * S)).isEqualTo(TimeWait.Action.CLOSE);
        f.seg().seq(PEER_ISS + 100_000).flags(TcpFlags.SYN).build(in);
        assertThat(entry.onSegment(in, f.now, 60 * S)).isEqualTo(TimeWait.Action.REOPEN);
        f.ack(PEER_ISS + 2, ISS + 2).build(in);
        assertThat(entry.onSegment(in, f.now, 60 * S)).isEqualTo(TimeWait.Action.DROP);
    }

    @Test
    void closingWithUnreadDataResets() {
        Fixture f = Fixture.establishedPassive(config);
        f.send(f.data(PEER_ISS + 1, ISS + 1, bytes(100, 3)));
        f.sent.clear();
        f.conn.close();
        f.runOutput();
        f.expect(TcpFlags.RST | TcpFlags.ACK).seq(ISS + 1);
        assertThat(f.hostClosed).isEqualTo(CloseReason.ABORTED_UNREAD_DATA);
        assertThat(f.pool.chunksInUse()).isZero();
    }

    @Test
    void dataArrivingAfterCloseResets() {
        Fixture f = Fixture.establishedPassive(config);
        f.conn.close();
        f.runOutput();
        f.expect(TcpFlags.FIN | TcpFlags.ACK);
        f.send(f.data(PEER_ISS + 1, ISS + 2, bytes(10, 4)));
        f.expect(TcpFlags.RST | TcpFlags.ACK);
        assertThat(f.hostClosed).isEqualTo(CloseReason.ABORTED_UNREAD_DATA);
    }

    @Test
    void aClosedStreamDoesNotWaitForeverInFinWait2() {
        Fixture f = Fixture.establishedPassive(config);
        f.conn.close();
        f.runOutput();
        f.send(f.ack(PEER_ISS + 1, ISS + 2));
        assertThat(f.conn.state()).isEqualTo(TcpState.FIN_WAIT_2);
        f.advance(60 * S);
        assertThat(f.hostClosed).isEqualTo(CloseReason.FIN_WAIT_2_TIMEOUT);
    }

    @Test
    void aHalfClosedStreamWaitsInFinWait2AsLongAsItIsRead() {
        Fixture f = Fixture.establishedPassive(config);
        f.conn.shutdownOutput();
        f.runOutput();
        f.send(f.ack(PEER_ISS + 1, ISS + 2));
        f.advance(600 * S);
        assertThat(f.conn.state()).isEqualTo(TcpState.FIN_WAIT_2);
        f.conn.close();
        f.advance(120 * S);
        assertThat(f.hostClosed).isEqualTo(CloseReason.FIN_WAIT_2_TIMEOUT);
    }

    @Test
    void aFinBeyondAGapWaitsForTheGap() {
        Fixture f = Fixture.establishedPassive(config);
        f.send(f.data(PEER_ISS + 101, ISS + 1, bytes(100, 5)).flags(TcpFlags.FIN | TcpFlags.ACK));
        assertThat(f.conn.state()).isEqualTo(TcpState.ESTABLISHED);
        f.expect(TcpFlags.ACK).ack(PEER_ISS + 1);
        f.send(f.data(PEER_ISS + 1, ISS + 1, bytes(100, 6)));
        assertThat(f.conn.state()).isEqualTo(TcpState.CLOSE_WAIT);
        f.expect(TcpFlags.ACK).ack(PEER_ISS + 202);
        assertThat(f.app.events).containsExactly("data 200", "eof");
    }

    @Test
    void abortResetsAndDropsEverything() {
        Fixture f = Fixture.establishedActive(config);
        f.write(bytes(5000, 7));
        f.sent.clear();
        f.conn.abort();
        assertThat(f.conn.isOpen()).isFalse();
        f.runOutput();
        f.expect(TcpFlags.RST | TcpFlags.ACK);
        assertThat(f.hostClosed).isEqualTo(CloseReason.ABORTED);
        assertThat(f.app.closed).isEqualTo(CloseReason.ABORTED);
        assertThat(f.pool.chunksInUse()).isZero();
        assertThat(f.conn.write(bytes(1, 1), 0, 1)).isEqualTo(-1);
    }

    @Test
    void aStreamInTimeWaitHoldsNoBuffers() {
        Fixture f = timeWait();
        assertThat(f.pool.chunksInUse()).isZero();
    }

    @Test
    void unreadBytesStayReadableThroughTimeWaitAndTheHandoverWaitsForThem() {
        Fixture f = Fixture.establishedActive(config);
        f.conn.shutdownOutput();
        f.runOutput();
        f.send(f.ack(PEER_ISS + 1, ISS + 2));
        f.send(f.data(PEER_ISS + 1, ISS + 2, bytes(300, 8)).flags(TcpFlags.FIN | TcpFlags.ACK));
        assertThat(f.conn.state()).isEqualTo(TcpState.TIME_WAIT);
        assertThat(f.timeWaitEntered).isFalse();
        assertThat(f.readAll()).isEqualTo(bytes(300, 8));
        assertThat(f.timeWaitEntered).isTrue();
    }

    private Fixture timeWait() {
        Fixture f = Fixture.establishedActive(config);
        f.conn.shutdownOutput();
        f.runOutput();
        f.send(f.ack(PEER_ISS + 1, ISS + 2).flags(TcpFlags.FIN | TcpFlags.ACK));
        assertThat(f.conn.state()).isEqualTo(TcpState.TIME_WAIT);
        f.sent.clear();
        return f;
    }
}
