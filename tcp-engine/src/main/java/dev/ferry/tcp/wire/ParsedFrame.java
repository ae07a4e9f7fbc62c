package dev.ferry.tcp.wire;

import java.lang.foreign.MemorySegment;

/**
 * What {@link FrameParser} found in one received frame: a reusable, mutable result, one per shard,
 * overwritten by every parse. Only meaningful after a parse that returned {@link Malformed#NONE};
 * offsets point into the parsed frame's memory, which the link owns only for the duration of the
 * receive callback.
 *
 * <p>A frame is either {@linkplain #isTcp() TCP} over IPv4 or IPv6, or {@linkplain #isArp() ARP},
 * so the stack dispatches both from one parse. Addresses are two longs each, {@code hi} (bytes 0..7)
 * and {@code lo} (bytes 8..15); an IPv4 address is stored IPv4-mapped (RFC 4291 section 2.5.5.2:
 * {@code hi = 0, lo = 0x0000_FFFF_xxxx_xxxx}) so flow keys have one shape for both families.
 */
public final class ParsedFrame {
    final TcpOptions options = new TcpOptions();
    final ArpPacket arp = new ArpPacket();

    MemorySegment memory;
    long frameOffset;
    int frameLength;
    boolean arpFrame;
    long dstMac;
    long srcMac;
    int vlanId;
    boolean ipv6;
    long srcHi;
    long srcLo;
    long dstHi;
    long dstLo;
    int ecn;
    int hopLimit;
    long ipOffset;
    long tcpOffset;
    int srcPort;
    int dstPort;
    int seq;
    int ack;
    int flags;
    int window;
    int urgentPointer;
    int tcpHeaderLength;
    long payloadOffset;
    int payloadLength;

    /** The memory the frame was parsed from. */
    public MemorySegment memory() {
        return memory;
    }

    public long frameOffset() {
        return frameOffset;
    }

    public int frameLength() {
        return frameLength;
    }

    /** True for an Ethernet/IPv4 ARP packet: use {@link #arp()}; the TCP accessors are stale. */
    public boolean isArp() {
        return arpFrame;
    }

    /** True for a TCP segment; the ARP view is stale. */
    public boolean isTcp() {
        return !arpFrame;
    }

    /** The ARP view, wrapped and checked, when {@link #isArp()}. */
    public ArpPacket arp() {
        return arp;
    }

    public long dstMac() {
        return dstMac;
    }

    public long srcMac() {
        return srcMac;
    }

    /** The VLAN id nearest the payload, or {@link EthernetHeader#NO_VLAN}. */
    public int vlanId() {
        return vlanId;
    }

    public boolean ipv6() {
        return ipv6;
    }

    public long srcHi() {
        return srcHi;
    }

    public long srcLo() {
        return srcLo;
    }

    public long dstHi() {
        return dstHi;
    }

    public long dstLo() {
        return dstLo;
    }

    /** The IPv4 source (only meaningful when {@code !ipv6()}). */
    public int srcIpv4() {
        return (int) srcLo;
    }

    /** The IPv4 destination (only meaningful when {@code !ipv6()}). */
    public int dstIpv4() {
        return (int) dstLo;
    }

    /** The IP ECN codepoint (RFC 3168 section 5). */
    public int ecn() {
        return ecn;
    }

    /** IPv4 TTL or IPv6 hop limit. */
    public int hopLimit() {
        return hopLimit;
    }

    /** Absolute offset of the IP header in {@link #memory()}. */
    public long ipOffset() {
        return ipOffset;
    }

    /** Absolute offset of the TCP header in {@link #memory()}. */
    public long tcpOffset() {
        return tcpOffset;
    }

    public int srcPort() {
        return srcPort;
    }

    public int dstPort() {
        return dstPort;
    }

    public int seq() {
        return seq;
    }

    public int ack() {
        return ack;
    }

    /** {@link TcpFlags} bits. */
    public int flags() {
        return flags;
    }

    public boolean hasFlags(int mask) {
        return (flags & mask) == mask;
    }

    /** The window field as sent, not scaled. */
    public int window() {
        return window;
    }

    public int urgentPointer() {
        return urgentPointer;
    }

    public int tcpHeaderLength() {
        return tcpHeaderLength;
    }

    /** The parsed options; shared, overwritten by the next parse. */
    public TcpOptions options() {
        return options;
    }

    /** Absolute offset of the first payload byte in {@link #memory()}. */
    public long payloadOffset() {
        return payloadOffset;
    }

    /** Payload bytes: from the IP length fields, so Ethernet padding is never payload. */
    public int payloadLength() {
        return payloadLength;
    }
}
