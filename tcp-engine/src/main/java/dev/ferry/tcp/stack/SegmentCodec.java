package dev.ferry.tcp.stack;

import dev.ferry.tcp.conn.SegmentIn;
import dev.ferry.tcp.conn.SegmentOut;
import dev.ferry.tcp.wire.ParsedFrame;
import dev.ferry.tcp.wire.SegmentSpec;
import dev.ferry.tcp.wire.TcpOptions;

/**
 * Moves a segment between the wire's view ({@link ParsedFrame}, {@link SegmentSpec}) and the
 * connection's ({@link SegmentIn}, {@link SegmentOut}). Both sides are reused holders: nothing is
 * allocated.
 */
final class SegmentCodec {
    private SegmentCodec() {}

    /** Fills {@code in} from a parsed, checksum-verified TCP frame; the payload stays in the frame. */
    static SegmentIn decode(ParsedFrame frame, SegmentIn in) {
        in.clear().header(frame.seq(), frame.ack(), frame.flags(), frame.window());
        TcpOptions o = frame.options();
        if (o.hasMss()) {
            in.mss(o.mss());
        }
        if (o.hasWindowScale()) {
            in.windowScale(o.windowScale());
        }
        if (o.sackPermitted()) {
            in.sackPermitted(true);
        }
        if (o.hasTimestamps()) {
            in.timestamps(o.tsVal(), o.tsEcr());
        }
        for (int i = 0; i < o.sackBlockCount(); i++) {
            in.sackBlock(o.sackLeft(i), o.sackRight(i));
        }
        in.payload(frame.memory(), frame.payloadOffset(), frame.payloadLength());
        return in;
    }

    /** Copies the TCP header fields and options of {@code out} into {@code spec}. */
    static void encode(SegmentOut out, SegmentSpec spec) {
        spec.seq(out.seq())
                .ack(out.ack())
                .flags(out.flags())
                .window(out.window())
                .payloadLength(out.payloadLength());
        TcpOptions o = spec.options().clear();
        if (out.mss() >= 0) {
            o.mss(out.mss());
        }
        if (out.windowScale() >= 0) {
            o.windowScale(out.windowScale());
        }
        if (out.sackPermitted()) {
            o.sackPermitted(true);
        }
        if (out.hasTimestamps()) {
            o.timestamps(out.tsVal(), out.tsEcr());
        }
        for (int i = 0; i < out.sackBlockCount(); i++) {
            if (!o.addSackBlock(out.sackLeft(i), out.sackRight(i))) {
                break; // the rest do not fit beside the other options (RFC 2018 3)
            }
        }
    }
}
