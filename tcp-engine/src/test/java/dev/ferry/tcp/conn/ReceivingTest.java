package dev.ferry.tcp.conn;

import static dev.ferry.tcp.conn.Fixture.ISS;
import static dev.ferry.tcp.conn.Fixture.MS;
import static dev.ferry.tcp.conn.Fixture.PEER_ISS;
import static dev.ferry.tcp.conn.Fixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tcp.wire.TcpFlags;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** ESTABLISHED, receiving: delivery, delayed ACKs, reassembly with SACK, the receive window. */
class ReceivingTest {
    private static final int SEG = 1448;
    private final TcpConfig config = TcpConfig.defaults();

    @Test
    void inOrderDataIsDeliveredAndAckedAfterTheDelay() {
        Fixture f = Fixture.establishedPassive(config);
        f.send(f.data(PEER_ISS + 1, ISS + 1, bytes(100, 1)));
        assertThat(f.app.events).containsExactly("data 100");
        f.expectNothing();
        f.advance(39 * MS);
        f.expectNothing();
        f.advance(1 * MS);
        f.expect(TcpFlags.ACK).ack(PEER_ISS + 101);
        assertThat(f.readAll()).isEqualTo(bytes(100, 1));
    }

    @Test
    void everySecondFullSegmentIsAckedAtOnce() {
        Fixture f = Fixture.establishedPassive(config);
        f.send(f.data(PEER_ISS + 1, ISS + 1, bytes(SEG, 1)));
        f.expectNothing();
        f.send(f.data(PEER_ISS + 1 + SEG, ISS + 1, bytes(SEG, 2)));
        f.expect(TcpFlags.ACK).ack(PEER_ISS + 1 + 2 * SEG);
    }

    @Test
    void aReplyCarriesTheAckInsteadOfASeparateOne() {
        Fixture f = Fixture.establishedActive(config);
        f.send(f.data(PEER_ISS + 1, ISS + 1, bytes(50, 1)));
        f.readAll();
        f.write(bytes(20, 2));
        f.expect(TcpFlags.ACK).ack(PEER_ISS + 51).length(20);
        f.advance(100 * MS);
        f.expectNothing(); // the delayed ACK went with the data
    }

    @Test
    void aSegmentReceivedTwiceIsReportedOnceAsADuplicateSack() {
        Fixture f = Fixture.establishedPassive(config);
        int seq = PEER_ISS + 1;
        f.send(f.data(seq, ISS + 1, bytes(SEG, 1)));
        f.send(f.data(seq + SEG, ISS + 1, bytes(SEG, 2)));
        f.expect(TcpFlags.ACK).ack(seq + 2 * SEG).sacks();
        // The second segment again (a needless retransmission): RFC 2883's D-SACK, first block.
        f.send(f.data(seq + SEG, ISS + 1, bytes(SEG, 2)));
        f.expect(TcpFlags.ACK).ack(seq + 2 * SEG).sacks(seq + SEG, seq + 2 * SEG);
        // Out-of-order data next: a plain SACK block, the duplicate is not repeated.
        f.send(f.data(seq + 3 * SEG, ISS + 1, bytes(SEG, 4)));
        f.expect(TcpFlags.ACK).ack(seq + 2 * SEG).sacks(seq + 3 * SEG, seq + 4 * SEG);
        // A duplicate while a hole is open: the D-SACK first, then the hole's SACK block.
        f.send(f.data(seq, ISS + 1, bytes(SEG, 1)));
        f.expect(TcpFlags.ACK).ack(seq + 2 * SEG).sacks(seq, seq + SEG, seq + 3 * SEG, seq + 4 * SEG);
        assertThat(f.readAll()).hasSize(2 * SEG);
    }

    @Test
    void withoutSackNoDuplicateIsReported() {
        Fixture f = Fixture.establishedPassive(TcpConfig.builder().sack(false).build());
        f.send(f.data(PEER_ISS + 1, ISS + 1, bytes(100, 1)));
        f.send(f.data(PEER_ISS + 1, ISS + 1, bytes(100, 1)));
        f.expect(TcpFlags.ACK).ack(PEER_ISS + 101).sacks();
    }

    @Test
    void aSuperSegmentLongerThanTheMssIsAccepted() {
        Fixture f = Fixture.establishedPassive(config);
        byte[] big = bytes(64_000, 3);
        f.send(f.data(PEER_ISS + 1, ISS + 1, big));
        f.expect(TcpFlags.ACK).ack(PEER_ISS + 1 + 64_000);
        assertThat(f.readAll()).isEqualTo(big);
    }

    @Test
    void outOfOrderDataIsAckedAtOnceWithSackBlocksNewestFirst() {
        Fixture f = Fixture.establishedPassive(config);
        int base = PEER_ISS + 1;
        f.send(f.data(base + 1000, ISS + 1, bytes(500, 1)));
        f.expect(TcpFlags.ACK).ack(base).sacks(base + 1000, base + 1500);
        f.send(f.data(base + 3000, ISS + 1, bytes(500, 2)));
        f.expect(TcpFlags.ACK).ack(base).sacks(base + 3000, base + 3500, base + 1000, base + 1500);
        assertThat(f.app.events).isEmpty();
    }

    @Test
    void fillingTheGapDeliversEverythingAndAcksAtOnce() {
        Fixture f = Fixture.establishedPassive(config);
        int base = PEER_ISS + 1;
        byte[] stream = bytes(3000, 4);
        f.send(f.data(base + 1000, ISS + 1, Arrays.copyOfRange(stream, 1000, 3000)));
        f.sent.clear();
        f.send(f.data(base, ISS + 1, Arrays.copyOfRange(stream, 0, 1000)));
        Fixture.Sent ack = f.expect(TcpFlags.ACK).ack(base + 3000);
        assertThat(ack.sacks).isEmpty();
        assertThat(f.app.events).containsExactly("data 3000");
        assertThat(f.readAll()).isEqualTo(stream);
    }

    @Test
    void aDuplicateIsAckedAtOnceAndNotDeliveredTwice() {
        Fixture f = Fixture.establishedPassive(config);
        int base = PEER_ISS + 1;
        f.send(f.data(base, ISS + 1, bytes(100, 5)));
        f.send(f.data(base, ISS + 1, bytes(100, 5)));
        f.expect(TcpFlags.ACK).ack(base + 100);
        assertThat(f.readAll()).hasSize(100);
        assertThat(f.conn.stats(new StreamStats()).bytesIn()).isEqualTo(100);
    }

    @Test
    void aPartlyOldSegmentDeliversOnlyItsNewBytes() {
        Fixture f = Fixture.establishedPassive(config);
        int base = PEER_ISS + 1;
        byte[] stream = bytes(300, 6);
        f.send(f.data(base, ISS + 1, Arrays.copyOfRange(stream, 0, 200)));
        f.send(f.data(base + 100, ISS + 1, Arrays.copyOfRange(stream, 100, 300)));
        assertThat(f.readAll()).isEqualTo(stream);
    }

    @Test
    void theWindowShrinksAsBytesWaitAndReopensWithAnUpdateWhenRead() {
        TcpConfig small = TcpConfig.builder().receiveBufferBytes(16 * 1024).build(); // scale 0
        Fixture f = Fixture.establishedPassive(small);
        int base = PEER_ISS + 1;
        for (int i = 0; i < 10; i++) {
            f.send(f.data(base + i * 1000, ISS + 1, bytes(1000, i)));
        }
        f.advance(50 * MS);
        f.sent.clear();
        int offered = f.conn.rcvAdvertisedEdge() - f.conn.rcvNxt();
        assertThat(offered).isEqualTo(16 * 1024 - 10_000);
        // Fill the rest: the window closes.
        f.send(f.data(base + 10_000, ISS + 1, bytes(16 * 1024 - 10_000, 11)));
        Fixture.Sent closed = f.expect(TcpFlags.ACK);
        assertThat(closed.window).isZero();
        // Reading re-opens it with a window update of its own.
        f.readAll();
        f.expect(TcpFlags.ACK).ack(base + 16 * 1024).window(16 * 1024);
    }

    @Test
    void dataBeyondTheWindowIsTrimmedAndTheRestAcked() {
        TcpConfig small = TcpConfig.builder().receiveBufferBytes(4096).build();
        Fixture f = Fixture.establishedPassive(small);
        int base = PEER_ISS + 1;
        f.send(f.data(base, ISS + 1, bytes(6000, 7)));
        f.expect(TcpFlags.ACK).ack(base + 4096).window(0);
        assertThat(f.readAll()).isEqualTo(Arrays.copyOf(bytes(6000, 7), 4096));
    }

    @Test
    void withAZeroWindowTheAckOfAnIncomingSegmentIsStillProcessed() {
        TcpConfig small = TcpConfig.builder().receiveBufferBytes(4096).build();
        Fixture f = Fixture.establishedPassive(small);
        int base = PEER_ISS + 1;
        f.send(f.data(base, ISS + 1, bytes(4096, 7)));
        f.sent.clear();
        f.write(bytes(100, 8));
        f.expect(TcpFlags.ACK).length(100);
        // The peer's data does not fit, but its ACK of our 100 bytes counts.
        f.send(f.data(base + 4096, ISS + 101, bytes(10, 9)));
        assertThat(f.conn.sndUna()).isEqualTo(ISS + 101);
        f.expect(TcpFlags.ACK).ack(base + 4096).window(0);
    }

    @Test
    void theAdvertisedWindowIsScaled() {
        Fixture f = Fixture.establishedActive(config);
        f.send(f.data(PEER_ISS + 1, ISS + 1, bytes(2 * SEG, 1)));
        Fixture.Sent ack = f.expect(TcpFlags.ACK);
        assertThat(ack.window).isEqualTo((256 * 1024 - 2 * SEG) >> config.receiveWindowScale());
    }

    @Test
    void theReceiveBufferReturnsToThePoolOnceRead() {
        Fixture f = Fixture.establishedPassive(config);
        f.send(f.data(PEER_ISS + 1, ISS + 1, bytes(5000, 1)));
        assertThat(f.pool.chunksInUse()).isGreaterThan(0);
        f.readAll();
        assertThat(f.pool.chunksInUse()).isZero();
    }
}
