package dev.ferry.tcp.conn;

import static dev.ferry.tcp.conn.Fixture.ISS;
import static dev.ferry.tcp.conn.Fixture.MS;
import static dev.ferry.tcp.conn.Fixture.PEER_ISS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tcp.api.CloseReason;
import dev.ferry.tcp.wire.TcpFlags;
import org.junit.jupiter.api.Test;

/** Opening: SYN_SENT and SYN_RECEIVED, option negotiation, simultaneous open, handshake failures. */
class HandshakeTest {
    private final TcpConfig config = TcpConfig.defaults();

    @Test
    void activeOpenOffersEveryOptionOnTheSyn() {
        Fixture f = new Fixture(config);
        f.conn = TcpConnection.connect(config, f, f.app, ISS, Fixture.TS_OFFSET, f.now);
        assertThat(f.conn.state()).isEqualTo(TcpState.SYN_SENT);
        f.runOutput();

        Fixture.Sent syn = f.expect(TcpFlags.SYN).seq(ISS).ack(0);
        assertThat(syn.mss).isEqualTo(1460);
        assertThat(syn.windowScale).isEqualTo(config.receiveWindowScale());
        assertThat(syn.sackPermitted).isTrue();
        assertThat(syn.timestamps).isTrue();
        assertThat(syn.tsVal).isEqualTo(f.lastTsVal());
        assertThat(syn.window).as("a SYN's window is not scaled").isEqualTo(65535);
        assertThat(f.deadline).as("SYN retransmission armed at the initial RTO").isEqualTo(f.now + 1000 * MS);
    }

    @Test
    void synAckEstablishesAndNegotiatesWhatBothOffered() {
        Fixture f = Fixture.establishedActive(config);
        assertThat(f.conn.timestampsEnabled()).isTrue();
        assertThat(f.conn.sackEnabled()).isTrue();
        assertThat(f.conn.sendWindowScale()).isEqualTo(7);
        assertThat(f.conn.receiveWindowScale()).isEqualTo(config.receiveWindowScale());
        assertThat(f.conn.peerMss()).isEqualTo(1460);
        assertThat(f.conn.sndUna()).isEqualTo(ISS + 1);
        assertThat(f.conn.rcvNxt()).isEqualTo(PEER_ISS + 1);
        assertThat(f.conn.srttNs()).as("the SYN was timed").isZero();
    }

    @Test
    void optionsTheSynAckLacksAreOff() {
        Fixture f = Fixture.synSent(config);
        f.send(f.seg()
                .seq(PEER_ISS)
                .ack(ISS + 1)
                .flags(TcpFlags.SYN | TcpFlags.ACK)
                .window(1000));
        assertThat(f.conn.state()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(f.conn.timestampsEnabled()).isFalse();
        assertThat(f.conn.sackEnabled()).isFalse();
        assertThat(f.conn.windowScalingEnabled()).isFalse();
        assertThat(f.conn.peerMss()).as("RFC 9293 default MSS").isEqualTo(536);
        assertThat(f.conn.sndWnd()).isEqualTo(1000);
        Fixture.Sent ack = f.expect(TcpFlags.ACK);
        assertThat(ack.timestamps).isFalse();
        assertThat(ack.window).as("unscaled window").isEqualTo(65535);
    }

    @Test
    void passiveOpenAnswersOnlyWhatThePeerOffered() {
        Fixture f = new Fixture(config);
        TcpListener listener = new TcpListener(config, 4, 4, l -> {});
        SegmentIn syn =
                f.seg().seq(PEER_ISS).flags(TcpFlags.SYN).window(8000).mss(1200).build(f.in);
        f.conn = listener.onSyn(syn, f.now, f, ISS, 0);
        f.runOutput();

        Fixture.Sent synAck = f.expect(TcpFlags.SYN | TcpFlags.ACK).seq(ISS).ack(PEER_ISS + 1);
        assertThat(synAck.windowScale).isEqualTo(-1);
        assertThat(synAck.sackPermitted).isFalse();
        assertThat(synAck.timestamps).isFalse();
        assertThat(synAck.mss).isEqualTo(1460);
        assertThat(f.conn.peerMss()).isEqualTo(1200);
        assertThat(f.conn.state()).isEqualTo(TcpState.SYN_RECEIVED);
    }

    @Test
    void passiveOpenEchoesTheSynTimestampAndOffersScaling() {
        Fixture f = Fixture.synReceived(config);
        Fixture.Sent synAck = f.synAck;
        assertThat(synAck.timestamps).isTrue();
        assertThat(synAck.tsEcr).isEqualTo(100);
        assertThat(synAck.tsVal).isEqualTo(f.lastTsVal());
        assertThat(synAck.sackPermitted).isTrue();
        assertThat(synAck.windowScale).isEqualTo(config.receiveWindowScale());
        assertThat(synAck.window).as("a SYN-ACK's window is not scaled").isEqualTo(65535);
        assertThat(f.conn.sendWindowScale()).isEqualTo(7);
    }

    @Test
    void finalAckEstablishesAndQueuesForAccept() {
        Fixture f = Fixture.synReceived(config);
        f.send(f.ack(PEER_ISS + 1, ISS + 1));
        assertThat(f.conn.state()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(f.listener.acceptQueueLength()).isEqualTo(1);
        assertThat(f.listener.halfOpen()).isZero();
        assertThat(f.app.events).containsExactly("acceptable");
        f.expectNothing();
    }

    @Test
    void dataOnTheFinalAckIsWaitingWhenAccepted() {
        Fixture f = Fixture.synReceived(config);
        f.send(f.data(PEER_ISS + 1, ISS + 1, Fixture.bytes(100, 1)));
        assertThat(f.conn.state()).isEqualTo(TcpState.ESTABLISHED);
        f.listener.accept().handler(f.app);
        assertThat(f.app.events).containsExactly("acceptable", "open", "data 100");
        assertThat(f.readAll()).isEqualTo(Fixture.bytes(100, 1));
    }

    @Test
    void unacceptableAckInSynReceivedIsReset() {
        Fixture f = Fixture.synReceived(config);
        f.send(f.ack(PEER_ISS + 1, ISS + 77));
        f.expect(TcpFlags.RST).seq(ISS + 77);
        assertThat(f.conn.state()).isEqualTo(TcpState.SYN_RECEIVED);
        assertThat(f.counters.get(TcpCounter.DROP_BAD_ACK)).isEqualTo(1);
    }

    @Test
    void retransmittedSynInSynReceivedGetsTheSynAckAgain() {
        Fixture f = Fixture.synReceived(config);
        f.send(f.seg()
                .seq(PEER_ISS)
                .flags(TcpFlags.SYN)
                .window(65535)
                .mss(1460)
                .ws(7)
                .sackOk()
                .ts(100, 0));
        f.expect(TcpFlags.SYN | TcpFlags.ACK).seq(ISS).ack(PEER_ISS + 1);
        assertThat(f.counters.get(TcpCounter.SYN_ACK_RESENT)).isEqualTo(1);
    }

    @Test
    void resetInSynReceivedEndsTheHalfOpenConnection() {
        Fixture f = Fixture.synReceived(config);
        f.send(f.seg().seq(PEER_ISS + 1).flags(TcpFlags.RST));
        assertThat(f.conn.state()).isEqualTo(TcpState.CLOSED);
        assertThat(f.hostClosed).isEqualTo(CloseReason.RESET_BY_PEER);
        assertThat(f.listener.halfOpen()).isZero();
    }

    @Test
    void synAckIsRetransmittedWithBackoffAndTheHalfOpenConnectionGivesUp() {
        TcpConfig two = TcpConfig.builder().synAckRetries(2).build();
        Fixture f = Fixture.synReceived(two);
        f.advance(1000 * MS);
        f.expect(TcpFlags.SYN | TcpFlags.ACK).seq(ISS);
        f.advance(2000 * MS);
        f.expect(TcpFlags.SYN | TcpFlags.ACK).seq(ISS);
        f.advance(4000 * MS);
        f.expectNothing();
        assertThat(f.hostClosed).isEqualTo(CloseReason.HANDSHAKE_TIMEOUT);
        assertThat(f.listener.halfOpen()).isZero();
    }

    @Test
    void synIsRetransmittedWithBackoffUntilTheConnectGivesUp() {
        TcpConfig three = TcpConfig.builder().synRetries(3).build();
        Fixture f = Fixture.synSent(three);
        for (long wait : new long[] {1000, 2000, 4000}) {
            f.advance(wait * MS - 1);
            f.expectNothing();
            f.advance(1);
            f.expect(TcpFlags.SYN).seq(ISS);
        }
        f.advance(8000 * MS);
        assertThat(f.hostClosed).isEqualTo(CloseReason.CONNECT_TIMEOUT);
        assertThat(f.app.closed).isEqualTo(CloseReason.CONNECT_TIMEOUT);
        assertThat(f.deadline).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void afterARetransmittedSynTheInitialWindowIsOneSegment() {
        Fixture f = Fixture.synSent(config);
        f.advance(1000 * MS);
        f.expect(TcpFlags.SYN);
        f.send(f.seg()
                .seq(PEER_ISS)
                .ack(ISS + 1)
                .flags(TcpFlags.SYN | TcpFlags.ACK)
                .window(65535)
                .mss(1460));
        f.expect(TcpFlags.ACK);
        assertThat(f.conn.cwnd()).isEqualTo(1460);
        assertThat(f.conn.srttNs())
                .as("Karn: no sample from a retransmitted SYN")
                .isEqualTo(-1);
        assertThat(f.conn.rtoNs()).as("RFC 6298 5.7").isEqualTo(3000 * MS);
    }

    @Test
    void resetAcknowledgingOurSynMeansRefused() {
        Fixture f = Fixture.synSent(config);
        f.send(f.seg().seq(0).ack(ISS + 1).flags(TcpFlags.RST | TcpFlags.ACK));
        assertThat(f.hostClosed).isEqualTo(CloseReason.REFUSED);
        assertThat(f.app.events).containsExactly("closed REFUSED");
        f.expectNothing();
    }

    @Test
    void resetWithoutAckInSynSentIsIgnored() {
        Fixture f = Fixture.synSent(config);
        f.send(f.seg().seq(0).flags(TcpFlags.RST));
        assertThat(f.conn.state()).isEqualTo(TcpState.SYN_SENT);
        assertThat(f.counters.get(TcpCounter.DROP_RST_UNACCEPTABLE)).isEqualTo(1);
    }

    @Test
    void synAckWithAWrongAckIsAnsweredWithReset() {
        Fixture f = Fixture.synSent(config);
        f.send(f.seg().seq(PEER_ISS).ack(ISS + 500).flags(TcpFlags.SYN | TcpFlags.ACK));
        f.expect(TcpFlags.RST).seq(ISS + 500);
        assertThat(f.conn.state()).isEqualTo(TcpState.SYN_SENT);
    }

    @Test
    void simultaneousOpenGoesThroughSynReceived() {
        Fixture f = Fixture.synSent(config);
        // The peer's SYN crosses ours.
        f.send(f.seg()
                .seq(PEER_ISS)
                .flags(TcpFlags.SYN)
                .window(65535)
                .mss(1460)
                .ws(7)
                .sackOk()
                .ts(100, 0));
        assertThat(f.conn.state()).isEqualTo(TcpState.SYN_RECEIVED);
        f.expect(TcpFlags.SYN | TcpFlags.ACK).seq(ISS).ack(PEER_ISS + 1);
        // The peer's SYN-ACK to our SYN: its SYN is old news (answered with an ACK) ...
        f.send(f.seg()
                .seq(PEER_ISS)
                .ack(ISS + 1)
                .flags(TcpFlags.SYN | TcpFlags.ACK)
                .ts(101, f.lastTsVal()));
        f.expect(TcpFlags.ACK).seq(ISS + 1).ack(PEER_ISS + 1);
        // ... and its ACK of our SYN-ACK establishes.
        f.send(f.ack(PEER_ISS + 1, ISS + 1));
        assertThat(f.conn.state()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(f.app.events).containsExactly("open");
    }

    @Test
    void bytesWrittenBeforeTheHandshakeGoOutAfterIt() {
        Fixture f = Fixture.synSent(config);
        assertThat(f.write(Fixture.bytes(300, 3))).isEqualTo(300);
        f.expectNothing();
        f.send(f.seg()
                .seq(PEER_ISS)
                .ack(ISS + 1)
                .flags(TcpFlags.SYN | TcpFlags.ACK)
                .window(65535)
                .mss(1460));
        f.expect(TcpFlags.ACK).seq(ISS + 1).payload(Fixture.bytes(300, 3));
        f.expectNothing();
    }

    @Test
    void handshakeTimeoutEndsASlowHandshake() {
        TcpConfig quick = TcpConfig.builder().handshakeTimeoutNs(1500 * MS).build();
        Fixture f = Fixture.synSent(quick);
        f.advance(1500 * MS);
        f.expect(TcpFlags.SYN); // the retransmission at 1 s
        assertThat(f.hostClosed).isEqualTo(CloseReason.CONNECT_TIMEOUT);
    }

    @Test
    void closeBeforeTheAnswerEndsQuietly() {
        Fixture f = Fixture.synSent(config);
        f.conn.close();
        f.runOutput();
        f.expectNothing();
        assertThat(f.hostClosed).isEqualTo(CloseReason.ABORTED);
    }
}
