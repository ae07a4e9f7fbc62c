package dev.ferry.tcp.conn;

import static dev.ferry.tcp.conn.Fixture.ISS;
import static dev.ferry.tcp.conn.Fixture.PEER_ISS;

import dev.ferry.tcp.wire.TcpFlags;
import java.util.Arrays;

/**
 * Loss-recovery fixtures count in full segments: segment i of an active open's data starts at
 * {@link #seg}(i), and ACKs name segments, not sequence numbers.
 */
final class SegmentsInFlight {
    /** A full segment: MSS 1460 less 12 bytes of timestamps. */
    static final int SEG = 1448;

    static final int UNA = ISS + 1;

    private SegmentsInFlight() {}

    /** The first sequence number of segment {@code i}. */
    static int seg(int i) {
        return UNA + i * SEG;
    }

    /** An ACK of everything below segment {@code ackSeg} with SACK blocks [from, to) in segments. */
    static Fixture.SegBuilder ackWithSacks(Fixture f, int ackSeg, int... blocks) {
        Fixture.SegBuilder ack = f.ack(PEER_ISS + 1, seg(ackSeg));
        for (int i = 0; i < blocks.length; i += 2) {
            ack.sack(seg(blocks[i]), seg(blocks[i + 1]));
        }
        return ack;
    }

    /** Expects segment {@code i} of {@code data}, whole, as the next segment sent. */
    static void expectSegment(Fixture f, byte[] data, int i) {
        f.expect(TcpFlags.ACK).seq(seg(i)).payload(Arrays.copyOfRange(data, i * SEG, (i + 1) * SEG));
    }
}
