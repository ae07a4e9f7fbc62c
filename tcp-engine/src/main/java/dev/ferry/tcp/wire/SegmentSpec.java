package dev.ferry.tcp.wire;

/**
 * A TCP segment to emit, described field by field for {@link FrameBuilder}: a reusable mutable
 * holder (one per shard or per builder), so describing a segment allocates nothing. Setters return
 * {@code this} for chaining; unset fields keep their last value.
 *
 * <p>Addresses use {@link ParsedFrame}'s form: two longs each, IPv4 as IPv4-mapped (or through
 * {@link #ipv4(int, int)}).
 */
public final class SegmentSpec {
    /** The TTL / hop limit Ferry sends with unless told otherwise (Linux's default too). */
    public static final int DEFAULT_TTL = 64;

    private final TcpOptions options = new TcpOptions();
    private long srcMac;
    private long dstMac;
    private int vlanId = EthernetHeader.NO_VLAN;
    private boolean ipv6;
    private long srcHi;
    private long srcLo;
    private long dstHi;
    private long dstLo;
    private int trafficClass;
    private int ttl = DEFAULT_TTL;
    private int srcPort;
    private int dstPort;
    private int seq;
    private int ack;
    private int flags;
    private int window;
    private int urgentPointer;
    private int payloadLength;

    public SegmentSpec macs(long srcMac, long dstMac) {
        this.srcMac = srcMac;
        this.dstMac = dstMac;
        return this;
    }

    /** Tags the frame with one 802.1Q tag, or sends it untagged with {@link EthernetHeader#NO_VLAN}. */
    public SegmentSpec vlanId(int vlanId) {
        this.vlanId = vlanId;
        return this;
    }

    /** IPv4 addresses as big-endian ints (10.0.0.1 is 0x0a000001). */
    public SegmentSpec ipv4(int src, int dst) {
        this.ipv6 = false;
        this.srcHi = 0;
        this.srcLo = Addresses.ipv4MappedLo(src);
        this.dstHi = 0;
        this.dstLo = Addresses.ipv4MappedLo(dst);
        return this;
    }

    public SegmentSpec ipv6(long srcHi, long srcLo, long dstHi, long dstLo) {
        this.ipv6 = true;
        this.srcHi = srcHi;
        this.srcLo = srcLo;
        this.dstHi = dstHi;
        this.dstLo = dstLo;
        return this;
    }

    /** IPv4 TOS byte or IPv6 traffic class: DSCP in the high six bits, ECN in the low two. */
    public SegmentSpec trafficClass(int trafficClass) {
        this.trafficClass = trafficClass;
        return this;
    }

    public SegmentSpec ttl(int ttl) {
        this.ttl = ttl;
        return this;
    }

    public SegmentSpec ports(int srcPort, int dstPort) {
        this.srcPort = srcPort;
        this.dstPort = dstPort;
        return this;
    }

    public SegmentSpec seq(int seq) {
        this.seq = seq;
        return this;
    }

    public SegmentSpec ack(int ack) {
        this.ack = ack;
        return this;
    }

    /** {@link TcpFlags} bits. */
    public SegmentSpec flags(int flags) {
        this.flags = flags;
        return this;
    }

    /** The window field as it goes on the wire (already scaled down by the sender). */
    public SegmentSpec window(int window) {
        this.window = window;
        return this;
    }

    public SegmentSpec urgentPointer(int urgentPointer) {
        this.urgentPointer = urgentPointer;
        return this;
    }

    public SegmentSpec payloadLength(int payloadLength) {
        this.payloadLength = payloadLength;
        return this;
    }

    /**
     * Addresses a reply to {@code received}: MACs, IP addresses and ports swapped, same VLAN and IP
     * version. Sequence numbers, flags and options are left to the caller.
     */
    public SegmentSpec replyTo(ParsedFrame received) {
        this.srcMac = received.dstMac();
        this.dstMac = received.srcMac();
        this.vlanId = received.vlanId();
        this.ipv6 = received.ipv6();
        this.srcHi = received.dstHi();
        this.srcLo = received.dstLo();
        this.dstHi = received.srcHi();
        this.dstLo = received.srcLo();
        this.srcPort = received.dstPort();
        this.dstPort = received.srcPort();
        return this;
    }

    /** The options to send; change them in place. */
    public TcpOptions options() {
        return options;
    }

    public long srcMac() {
        return srcMac;
    }

    public long dstMac() {
        return dstMac;
    }

    public int vlanId() {
        return vlanId;
    }

    public boolean isIpv6() {
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

    public int trafficClass() {
        return trafficClass;
    }

    public int ttl() {
        return ttl;
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

    public int flags() {
        return flags;
    }

    public int window() {
        return window;
    }

    public int urgentPointer() {
        return urgentPointer;
    }

    public int payloadLength() {
        return payloadLength;
    }
}
