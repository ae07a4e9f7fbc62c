package dev.ferry.tcp.stack;

import dev.ferry.tcp.conn.SegmentOut;
import dev.ferry.tcp.flow.FlowRecords;
import dev.ferry.tcp.link.Link;
import dev.ferry.tcp.wire.FrameBuilder;
import dev.ferry.tcp.wire.ParsedFrame;
import dev.ferry.tcp.wire.SegmentSpec;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Builds TCP frames in place in the link's TX memory: headers from the flow's addressing and the
 * connection's {@link SegmentOut}, the payload copied straight out of the send buffer, then
 * checksums — or, when the link offloads, only the pseudo-header sum, and one super-frame for a
 * payload of several segments.
 */
final class Transmitter {
    private final Link link;
    private final LocalAddresses local;
    private final StackCounters counters;
    private final FrameBuilder builder = new FrameBuilder();
    private final SegmentSpec spec = new SegmentSpec();

    Transmitter(Link link, LocalAddresses local, StackCounters counters) {
        this.link = link;
        this.local = local;
        this.counters = counters;
    }

    /** Sends {@code segment} on the flow in slot {@code id}; false when the TX ring is full. */
    boolean send(FlowRecords<?> records, int id, SegmentOut segment) {
        address(records, id, records.peerMac(id));
        return write(segment);
    }

    /** Answers a frame that belongs to no connection (a reset) to where it came from. */
    boolean reply(ParsedFrame received, SegmentOut segment) {
        spec.replyTo(received);
        return write(segment);
    }

    private void address(FlowRecords<?> records, int id, long dstMac) {
        spec.macs(link.macAddress(), dstMac);
        int localIndex = records.localIndex(id);
        if (local.isIpv6(localIndex)) {
            spec.ipv6(local.hi(localIndex), local.lo(localIndex), records.remoteHi(id), records.remoteLo(id));
        } else {
            spec.ipv4((int) local.lo(localIndex), (int) records.remoteLo(id));
        }
        spec.ports(records.localPort(id), records.remotePort(id));
    }

    private boolean write(SegmentOut segment) {
        SegmentCodec.encode(segment, spec);
        int payload = segment.payloadLength();
        long at = link.claimTx(FrameBuilder.maxHeaderLength() + payload);
        if (at < 0) {
            counters.increment(StackCounter.TX_RING_FULL);
            return false;
        }
        MemorySegment memory = link.txMemory();
        int headerLength = builder.writeHeaders(memory, at, spec);
        if (payload > 0) {
            segment.copyPayload(memory, at + headerLength);
        }
        if (link.txOffload()) {
            int length = builder.completeOffloaded(memory, at);
            int segmentSize = segment.segmentSize() > 0 && payload > segment.segmentSize() ? segment.segmentSize() : 0;
            link.commitTxOffloaded(at, length, builder.tcpOffset(), builder.headerLength(), segmentSize, spec.isIpv6());
        } else {
            link.commitTx(at, builder.complete(memory, at));
        }
        counters.increment(StackCounter.FRAMES_OUT);
        return true;
    }

    /**
     * Builds the frame for {@code segment} with every checksum complete into {@code scratch} and
     * returns a copy, for a frame that must wait for its next hop's address (slow path).
     */
    byte[] buildDetached(FlowRecords<?> records, int id, SegmentOut segment, MemorySegment scratch) {
        address(records, id, 0);
        SegmentCodec.encode(segment, spec);
        int headerLength = builder.writeHeaders(scratch, 0, spec);
        if (segment.payloadLength() > 0) {
            segment.copyPayload(scratch, headerLength);
        }
        int length = builder.complete(scratch, 0);
        return scratch.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Sends a frame built earlier by {@link #buildDetached}, now that its next hop is {@code dstMac}. */
    boolean sendDetached(byte[] frame, long dstMac) {
        long at = link.claimTx(frame.length);
        if (at < 0) {
            counters.increment(StackCounter.TX_RING_FULL);
            return false;
        }
        MemorySegment memory = link.txMemory();
        MemorySegment.copy(frame, 0, memory, ValueLayout.JAVA_BYTE, at, frame.length);
        for (int i = 0; i < 6; i++) {
            memory.set(ValueLayout.JAVA_BYTE, at + i, (byte) (dstMac >>> (40 - 8 * i)));
        }
        link.commitTx(at, frame.length);
        counters.increment(StackCounter.FRAMES_OUT);
        return true;
    }

    MemorySegment txMemory() {
        return link.txMemory();
    }

    /** Claims room for an ARP frame; returns its offset in the TX memory or -1 when the ring is full. */
    long claimArp() {
        long at = link.claimTx(FrameBuilder.ARP_FRAME_LENGTH);
        if (at < 0) {
            counters.increment(StackCounter.TX_RING_FULL);
        }
        return at;
    }

    void commitArp(long at, int length) {
        link.commitTx(at, length);
        counters.increment(StackCounter.ARP_OUT);
        counters.increment(StackCounter.FRAMES_OUT);
    }
}
