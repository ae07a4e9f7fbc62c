package dev.ferry.tcp.conn;

import dev.ferry.tcp.wire.TcpFlags;

/**
 * Answers for segments that reach no connection: what RFC 9293 3.10.7.1 (CLOSED) and 3.10.7.2
 * (LISTEN) send back. The stack calls these when its flow lookup misses and sends the reply to
 * the segment's source.
 */
public final class Resets {
    private Resets() {}

    /**
     * A segment for a port with nobody listening. Fills {@code reply} with the reset to send and
     * returns true, or returns false when nothing is to be sent (the segment was itself a reset).
     */
    public static boolean forClosedPort(SegmentIn in, SegmentOut reply) {
        if (in.has(TcpFlags.RST)) {
            return false;
        }
        if (in.has(TcpFlags.ACK)) {
            reply.start(TcpFlags.RST, in.ack(), 0, 0);
        } else {
            reply.start(TcpFlags.RST | TcpFlags.ACK, 0, in.seq() + in.sequenceLength(), 0);
        }
        return true;
    }

    /**
     * A segment other than a connection-opening SYN for a listening port. Fills {@code reply} and
     * returns true when it must be answered with a reset (it carries an ACK: it belongs to a
     * connection we do not know); returns false when it is simply dropped.
     */
    public static boolean forListener(SegmentIn in, SegmentOut reply) {
        if (in.has(TcpFlags.RST) || !in.has(TcpFlags.ACK)) {
            return false;
        }
        reply.start(TcpFlags.RST, in.ack(), 0, 0);
        return true;
    }
}
