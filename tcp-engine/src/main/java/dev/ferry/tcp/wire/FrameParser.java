package dev.ferry.tcp.wire;

import dev.ferry.tcp.link.RxChecksum;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Parses a received frame — Ethernet, up to two VLAN tags, then ARP, or IPv4 or IPv6 and TCP — in
 * one pass into a {@link ParsedFrame}, and says why when it will not.
 *
 * <p>What it checks, in order: each header fits; the IPv4 header checksum (always: no link
 * offloads it on receive); no IPv4 fragment (not reassembled); no IPv6 extension header (not
 * walked yet); TCP; the TCP checksum, unless the link vouches for it ({@link RxChecksum#VERIFIED})
 * or says it was never computed ({@link RxChecksum#PARTIAL}, veth and GSO super-frames); the
 * options. Lengths come from the IP header, not from the MTU: a GSO super-frame of 64 KB is valid,
 * and Ethernet padding after the IP datagram is ignored.
 *
 * <p>Malformed input is reported, never thrown; the parser allocates nothing. Confined to one
 * shard thread.
 */
public final class FrameParser {
    private final EthernetHeader ethernet = new EthernetHeader();
    private final Ipv4Header ipv4 = new Ipv4Header();
    private final Ipv6Header ipv6 = new Ipv6Header();
    private final TcpHeader tcp = new TcpHeader();

    /**
     * Parses the {@code length}-byte frame at {@code offset} in {@code memory} into {@code into}.
     *
     * @return {@link Malformed#NONE} when {@code into} describes an ARP packet or a TCP segment,
     *     else the reason to drop the frame ({@code into} is then partly overwritten)
     * @throws IndexOutOfBoundsException when the range is not inside {@code memory}: a link bug,
     *     not a peer's
     */
    public Malformed parse(MemorySegment memory, long offset, int length, RxChecksum checksum, ParsedFrame into) {
        Objects.checkFromIndexSize(offset, length, memory.byteSize());
        Malformed verdict = ethernet.wrap(memory, offset, length);
        if (verdict != Malformed.NONE) {
            return verdict;
        }
        into.memory = memory;
        into.frameOffset = offset;
        into.frameLength = length;
        into.dstMac = ethernet.dst();
        into.srcMac = ethernet.src();
        into.vlanId = ethernet.vlanId();
        long l3 = offset + ethernet.headerLength();
        int l3Available = length - ethernet.headerLength();
        into.ipOffset = l3;
        return switch (ethernet.etherType()) {
            case EthernetHeader.TYPE_IPV4 -> parseIpv4(memory, l3, l3Available, checksum, into);
            case EthernetHeader.TYPE_IPV6 -> parseIpv6(memory, l3, l3Available, checksum, into);
            case EthernetHeader.TYPE_ARP -> parseArp(memory, l3, l3Available, into);
            default -> Malformed.UNSUPPORTED_ETHERTYPE;
        };
    }

    private static Malformed parseArp(MemorySegment memory, long l3, int available, ParsedFrame into) {
        into.arpFrame = true;
        return into.arp.wrap(memory, l3, available);
    }

    private Malformed parseIpv4(MemorySegment memory, long l3, int available, RxChecksum checksum, ParsedFrame into) {
        into.arpFrame = false;
        Malformed verdict = ipv4.wrap(memory, l3, available);
        if (verdict != Malformed.NONE) {
            return verdict;
        }
        if (!ipv4.checksumValid()) {
            return Malformed.BAD_IPV4_CHECKSUM;
        }
        if (ipv4.isFragment()) {
            return Malformed.FRAGMENT;
        }
        if (ipv4.protocol() != Ipv4Header.PROTOCOL_TCP) {
            return Malformed.NOT_TCP;
        }
        int src = ipv4.src();
        int dst = ipv4.dst();
        into.ipv6 = false;
        into.srcHi = 0;
        into.srcLo = Addresses.ipv4MappedLo(src);
        into.dstHi = 0;
        into.dstLo = Addresses.ipv4MappedLo(dst);
        into.ecn = ipv4.ecn();
        into.hopLimit = ipv4.ttl();
        int headerLength = ipv4.headerLength();
        int segmentLength = ipv4.totalLength() - headerLength;
        return parseTcp(memory, l3 + headerLength, segmentLength, checksum, into);
    }

    private Malformed parseIpv6(MemorySegment memory, long l3, int available, RxChecksum checksum, ParsedFrame into) {
        into.arpFrame = false;
        Malformed verdict = ipv6.wrap(memory, l3, available);
        if (verdict != Malformed.NONE) {
            return verdict;
        }
        int next = ipv6.nextHeader();
        if (next != Ipv6Header.NEXT_HEADER_TCP) {
            return Ipv6Header.isExtensionHeader(next) ? Malformed.IPV6_EXTENSION_HEADER : Malformed.NOT_TCP;
        }
        into.ipv6 = true;
        into.srcHi = ipv6.srcHi();
        into.srcLo = ipv6.srcLo();
        into.dstHi = ipv6.dstHi();
        into.dstLo = ipv6.dstLo();
        into.ecn = ipv6.ecn();
        into.hopLimit = ipv6.hopLimit();
        int segmentLength = ipv6.payloadLength();
        return parseTcp(memory, l3 + Ipv6Header.LENGTH, segmentLength, checksum, into);
    }

    private Malformed parseTcp(
            MemorySegment memory, long l4, int segmentLength, RxChecksum checksum, ParsedFrame into) {
        Malformed verdict = tcp.wrap(memory, l4, segmentLength);
        if (verdict != Malformed.NONE) {
            return verdict;
        }
        // The pseudo-header is only summed when the link left the checksum to us: with offload
        // (VERIFIED) or a checksum never computed (PARTIAL) it would be wasted work per frame.
        if (checksum == RxChecksum.UNKNOWN && !tcpChecksumValid(memory, l4, segmentLength, into)) {
            return Malformed.BAD_TCP_CHECKSUM;
        }
        verdict = into.options.parse(memory, tcp.optionsOffset(), tcp.optionsLength());
        if (verdict != Malformed.NONE) {
            return verdict;
        }
        int headerLength = tcp.headerLength();
        into.tcpOffset = l4;
        into.srcPort = tcp.srcPort();
        into.dstPort = tcp.dstPort();
        into.seq = tcp.seq();
        into.ack = tcp.ack();
        into.flags = tcp.flags();
        into.window = tcp.window();
        into.urgentPointer = tcp.urgentPointer();
        into.tcpHeaderLength = headerLength;
        into.payloadOffset = l4 + headerLength;
        into.payloadLength = segmentLength - headerLength;
        return Malformed.NONE;
    }

    /** Verifies the TCP checksum over the segment and the pseudo-header of the addresses in {@code into}. */
    private static boolean tcpChecksumValid(MemorySegment memory, long l4, int segmentLength, ParsedFrame into) {
        long pseudo = into.ipv6
                ? Checksum.ipv6PseudoHeader(
                        into.srcHi, into.srcLo, into.dstHi, into.dstLo, Ipv6Header.NEXT_HEADER_TCP, segmentLength)
                : Checksum.ipv4PseudoHeader((int) into.srcLo, (int) into.dstLo, Ipv4Header.PROTOCOL_TCP, segmentLength);
        return Checksum.verifies(Checksum.add(memory, l4, segmentLength, pseudo));
    }
}
