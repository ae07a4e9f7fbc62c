package dev.ferry.tcp.wire;

import static dev.ferry.tcp.wire.NetworkOrder.putU16;

import java.lang.foreign.MemorySegment;

/**
 * Emits frames in place (in a TX ring slot): Ethernet, optionally one VLAN tag, IPv4 or IPv6, and
 * TCP with options, for a segment described by a {@link SegmentSpec}; and ARP requests and replies.
 *
 * <p>Building a TCP frame takes three steps, so the payload can be copied straight from a stream's
 * send ring into the slot:
 *
 * <pre>{@code
 * int headers = builder.writeHeaders(memory, at, spec);    // all header fields, lengths included
 * MemorySegment.copy(payload, from, memory, at + headers, spec.payloadLength());
 * int frameLength = builder.complete(memory, at);         // or completeOffloaded(memory, at)
 * }</pre>
 *
 * {@link #writeHeaders} already fills the IPv4 header checksum (it knows every field the checksum
 * covers, lengths included). {@link #complete} fills the full TCP checksum; {@link
 * #completeOffloaded} leaves in the TCP checksum field only the folded, uncomplemented
 * pseudo-header sum, which is what Linux expects of a frame sent with a
 * virtio_net_hdr asking for NEEDS_CSUM (the device adds the TCP header and payload).
 *
 * <p>IPv4 frames go out with DF set, identification 0 (RFC 6864 section 4.1 allows it for atomic
 * datagrams) and no options. The caller keeps the IP datagram within 65,535 bytes (headers plus
 * payload; a GSO super-frame included) and leaves room for {@link #maxHeaderLength()} header bytes.
 * The builder remembers the layout of the frame it wrote last, so complete a frame before writing
 * the next. Allocates nothing; confined to one shard thread.
 */
public final class FrameBuilder {
    private long frameOffset = -1;
    private int tcpOffset;
    private int headerLength;
    private int frameLength;
    private long pseudoHeaderSum;

    /**
     * Writes every header of {@code spec}'s segment at {@code offset} (lengths from {@code
     * spec.payloadLength()}, the IPv4 header checksum, the TCP checksum left for {@link #complete})
     * and returns the header length: the payload goes right after.
     */
    public int writeHeaders(MemorySegment memory, long offset, SegmentSpec spec) {
        int l3 = EthernetHeader.write(
                memory,
                offset,
                spec.dstMac(),
                spec.srcMac(),
                spec.vlanId(),
                spec.isIpv6() ? EthernetHeader.TYPE_IPV6 : EthernetHeader.TYPE_IPV4);
        TcpOptions options = spec.options();
        int tcpHeaderLength = TcpHeader.MIN_LENGTH + options.encodedLength();
        int tcpLength = tcpHeaderLength + spec.payloadLength();
        int l4;
        if (spec.isIpv6()) {
            l4 = l3
                    + Ipv6Header.write(
                            memory,
                            offset + l3,
                            spec.trafficClass(),
                            tcpLength,
                            Ipv6Header.NEXT_HEADER_TCP,
                            spec.ttl(),
                            spec.srcHi(),
                            spec.srcLo(),
                            spec.dstHi(),
                            spec.dstLo());
            pseudoHeaderSum = Checksum.ipv6PseudoHeader(
                    spec.srcHi(), spec.srcLo(), spec.dstHi(), spec.dstLo(), Ipv6Header.NEXT_HEADER_TCP, tcpLength);
        } else {
            int src = (int) spec.srcLo();
            int dst = (int) spec.dstLo();
            l4 = l3
                    + Ipv4Header.write(
                            memory,
                            offset + l3,
                            spec.trafficClass(),
                            Ipv4Header.MIN_LENGTH + tcpLength,
                            0,
                            spec.ttl(),
                            Ipv4Header.PROTOCOL_TCP,
                            src,
                            dst);
            pseudoHeaderSum = Checksum.ipv4PseudoHeader(src, dst, Ipv4Header.PROTOCOL_TCP, tcpLength);
        }
        TcpHeader.write(
                memory,
                offset + l4,
                spec.srcPort(),
                spec.dstPort(),
                spec.seq(),
                spec.ack(),
                tcpHeaderLength,
                spec.flags(),
                spec.window(),
                spec.urgentPointer());
        options.write(memory, offset + l4 + TcpHeader.OPTIONS_OFFSET);
        this.frameOffset = offset;
        this.tcpOffset = l4;
        this.headerLength = l4 + tcpHeaderLength;
        this.frameLength = l4 + tcpLength;
        return headerLength;
    }

    /** Fills the TCP checksum of the frame last written at {@code offset}; returns its length. */
    public int complete(MemorySegment memory, long offset) {
        checkLastFrame(offset);
        long l4 = offset + tcpOffset;
        long sum = Checksum.add(memory, l4, frameLength - tcpOffset, pseudoHeaderSum);
        putU16(memory, l4 + TcpHeader.CHECKSUM_OFFSET, Checksum.finish(sum));
        return frameLength;
    }

    /**
     * Puts the folded pseudo-header sum, not complemented, in the TCP checksum field, for a device
     * that finishes the checksum (and may segment); returns the frame length.
     */
    public int completeOffloaded(MemorySegment memory, long offset) {
        checkLastFrame(offset);
        putU16(memory, offset + tcpOffset + TcpHeader.CHECKSUM_OFFSET, Checksum.fold(pseudoHeaderSum));
        return frameLength;
    }

    private void checkLastFrame(long offset) {
        if (offset != frameOffset) {
            throw new IllegalStateException(
                    "complete(" + offset + ") but the last frame was written at " + frameOffset);
        }
    }

    /** Offset of the TCP header from the start of the last frame (virtio_net_hdr csum_start). */
    public int tcpOffset() {
        return tcpOffset;
    }

    /** Header bytes of the last frame: Ethernet + IP + TCP with options. */
    public int headerLength() {
        return headerLength;
    }

    /** Length of the last frame: headers plus payload. */
    public int frameLength() {
        return frameLength;
    }

    /** The most header bytes {@link #writeHeaders} writes: Ethernet with a tag, IPv6, TCP with 40 option bytes. */
    public static int maxHeaderLength() {
        return EthernetHeader.LENGTH + EthernetHeader.VLAN_TAG_LENGTH + Ipv6Header.LENGTH + TcpHeader.MAX_LENGTH;
    }

    /** Ethernet broadcast, the destination of an ARP request. */
    public static final long BROADCAST_MAC = 0xffff_ffff_ffffL;

    /** Bytes of an Ethernet + ARP frame (no VLAN, unpadded). */
    public static final int ARP_FRAME_LENGTH = EthernetHeader.LENGTH + ArpPacket.LENGTH;

    /**
     * Writes a broadcast "who has {@code targetIp}? tell {@code senderIp}" and returns its length.
     * The target MAC is zero, as RFC 826 leaves it unknown and Linux sends it.
     */
    public static int writeArpRequest(MemorySegment memory, long offset, long senderMac, int senderIp, int targetIp) {
        int l3 = EthernetHeader.write(
                memory, offset, BROADCAST_MAC, senderMac, EthernetHeader.NO_VLAN, EthernetHeader.TYPE_ARP);
        return l3 + ArpPacket.write(memory, offset + l3, ArpPacket.OPERATION_REQUEST, senderMac, senderIp, 0, targetIp);
    }

    /** Writes a unicast "{@code senderIp} is at {@code senderMac}" to the asker; returns its length. */
    public static int writeArpReply(
            MemorySegment memory, long offset, long senderMac, int senderIp, long targetMac, int targetIp) {
        int l3 = EthernetHeader.write(
                memory, offset, targetMac, senderMac, EthernetHeader.NO_VLAN, EthernetHeader.TYPE_ARP);
        return l3
                + ArpPacket.write(
                        memory, offset + l3, ArpPacket.OPERATION_REPLY, senderMac, senderIp, targetMac, targetIp);
    }
}
