package dev.ferry.tcp.sim;

import dev.ferry.tcp.conn.SegmentIn;
import dev.ferry.tcp.conn.SegmentOut;
import dev.ferry.tcp.wire.TcpFlags;
import java.lang.foreign.MemorySegment;

/**
 * A segment in flight between the two simulated endpoints: a copy of what one connection
 * transmitted, replayed into the other as a {@link SegmentIn}. (At frame level the lead's
 * simulation carries bytes instead; {@link NetworkModel} does not care which.)
 */
record Packet(
        int flags,
        int seq,
        int ack,
        int window,
        int mss,
        int windowScale,
        boolean sackPermitted,
        boolean timestamps,
        int tsVal,
        int tsEcr,
        int[] sacks,
        byte[] payload) {

    /** Header (40 bytes with timestamps, as on the wire) plus payload: what a link serializes. */
    int wireBytes() {
        return 40 + (timestamps ? 12 : 0) + payload.length;
    }

    static Packet of(SegmentOut out) {
        int[] sacks = new int[2 * out.sackBlockCount()];
        for (int i = 0; i < out.sackBlockCount(); i++) {
            sacks[2 * i] = out.sackLeft(i);
            sacks[2 * i + 1] = out.sackRight(i);
        }
        byte[] payload = new byte[out.payloadLength()];
        out.copyPayload(MemorySegment.ofArray(payload), 0);
        return new Packet(
                out.flags(),
                out.seq(),
                out.ack(),
                out.window(),
                out.mss(),
                out.windowScale(),
                out.sackPermitted(),
                out.hasTimestamps(),
                out.tsVal(),
                out.tsEcr(),
                sacks,
                payload);
    }

    /**
     * What segmentation offload puts on the wire for a super-segment: pieces of {@code size}
     * payload bytes with the same header, the sequence number advanced, and FIN and PSH only on
     * the last piece.
     */
    java.util.List<Packet> segmented(int size) {
        java.util.List<Packet> pieces = new java.util.ArrayList<>();
        for (int offset = 0; offset < payload.length; offset += size) {
            int length = Math.min(size, payload.length - offset);
            boolean last = offset + length == payload.length;
            int pieceFlags = last ? flags : flags & ~(TcpFlags.FIN | TcpFlags.PSH);
            pieces.add(new Packet(
                    pieceFlags,
                    seq + offset,
                    ack,
                    window,
                    mss,
                    windowScale,
                    sackPermitted,
                    timestamps,
                    tsVal,
                    tsEcr,
                    sacks,
                    java.util.Arrays.copyOfRange(payload, offset, offset + length)));
        }
        return pieces;
    }

    SegmentIn fill(SegmentIn in) {
        in.clear().header(seq, ack, flags, window);
        if ((flags & TcpFlags.SYN) != 0) {
            in.mss(mss).windowScale(windowScale).sackPermitted(sackPermitted);
        }
        if (timestamps) {
            in.timestamps(tsVal, tsEcr);
        }
        for (int i = 0; i < sacks.length; i += 2) {
            in.sackBlock(sacks[i], sacks[i + 1]);
        }
        in.payload(MemorySegment.ofArray(payload), 0, payload.length);
        return in;
    }

    @Override
    public String toString() {
        return TcpFlags.toString(flags) + " seq=" + Integer.toUnsignedString(seq) + " ack="
                + Integer.toUnsignedString(ack) + " win=" + window + " len=" + payload.length;
    }
}
