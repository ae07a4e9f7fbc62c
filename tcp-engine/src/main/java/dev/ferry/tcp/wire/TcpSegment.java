package dev.ferry.tcp.wire;

import dev.ferry.tcp.link.RxChecksum;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A TCP segment as a value: what it means, not where its bytes are. For tests and slow paths
 * (crafting segments, checking what the engine sent); it allocates freely. The data path uses
 * {@link FrameParser} and {@link FrameBuilder}, which this class is built on.
 *
 * <pre>{@code
 * TcpSegment syn = TcpSegment.syn("10.0.0.1", 40000, "10.0.0.2", 80, 1000).withMss(1460).withWindowScale(7);
 * byte[] frame = syn.toFrame();
 * TcpSegment back = TcpSegment.parse(frame);                  // equal to syn
 * TcpSegment data = syn.reversed().withFlags(TcpFlags.ACK | TcpFlags.PSH).withPayload("hello");
 * }</pre>
 *
 * Both addresses are of one family. The payload array is never shared: the record copies it in
 * and out, and equality compares its contents.
 */
public record TcpSegment(
        InetAddress src,
        int srcPort,
        InetAddress dst,
        int dstPort,
        int seq,
        int ack,
        int flags,
        int window,
        Options options,
        byte[] payload) {

    /** The source MAC {@link #toFrame()} uses. */
    public static final long DEFAULT_SRC_MAC = 0x02_00_00_00_00_01L;
    /** The destination MAC {@link #toFrame()} uses. */
    public static final long DEFAULT_DST_MAC = 0x02_00_00_00_00_02L;
    /** The window the factories start with. */
    public static final int DEFAULT_WINDOW = 65535;

    private static final byte[] NO_PAYLOAD = new byte[0];

    public TcpSegment {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(dst, "dst");
        Objects.requireNonNull(options, "options");
        if ((src instanceof Inet4Address) != (dst instanceof Inet4Address)) {
            throw new IllegalArgumentException("mixed address families: " + src + " and " + dst);
        }
        checkU16("srcPort", srcPort);
        checkU16("dstPort", dstPort);
        checkU16("window", window);
        if ((flags & ~0xff) != 0) {
            throw new IllegalArgumentException("flags beyond 8 bits: " + flags);
        }
        payload = payload == null || payload.length == 0 ? NO_PAYLOAD : payload.clone();
    }

    private static void checkU16(String name, int value) {
        if ((value & ~0xffff) != 0) {
            throw new IllegalArgumentException(name + " out of 0..65535: " + value);
        }
    }

    /** A SACK block: {@code left} is the first sequence number held, {@code right} the one after. */
    public record SackBlock(int left, int right) {
        @Override
        public String toString() {
            return Integer.toUnsignedString(left) + ":" + Integer.toUnsignedString(right);
        }
    }

    /** The timestamps option (RFC 7323 section 3). */
    public record Timestamps(int val, int ecr) {}

    /**
     * The options Ferry understands. {@code mss} and {@code windowScale} are {@link
     * TcpOptions#ABSENT} when not sent, {@code timestamps} is null when not sent.
     */
    public record Options(
            int mss, int windowScale, boolean sackPermitted, Timestamps timestamps, List<SackBlock> sack) {
        public static final Options NONE = new Options(TcpOptions.ABSENT, TcpOptions.ABSENT, false, null, List.of());

        public Options {
            sack = List.copyOf(sack);
            if (sack.size() > TcpOptions.MAX_SACK_BLOCKS) {
                throw new IllegalArgumentException("more than 4 SACK blocks: " + sack);
            }
        }

        /** Reads a {@link TcpOptions} holder. */
        public static Options from(TcpOptions holder) {
            SackBlock[] blocks = new SackBlock[holder.sackBlockCount()];
            for (int i = 0; i < blocks.length; i++) {
                blocks[i] = new SackBlock(holder.sackLeft(i), holder.sackRight(i));
            }
            Timestamps ts = holder.hasTimestamps() ? new Timestamps(holder.tsVal(), holder.tsEcr()) : null;
            return new Options(holder.mss(), holder.windowScale(), holder.sackPermitted(), ts, List.of(blocks));
        }

        /** Writes these options into a holder (cleared first) and returns it. */
        public TcpOptions into(TcpOptions holder) {
            holder.clear().mss(mss).windowScale(windowScale).sackPermitted(sackPermitted);
            if (timestamps != null) {
                holder.timestamps(timestamps.val(), timestamps.ecr());
            }
            for (SackBlock block : sack) {
                holder.addSackBlock(block.left(), block.right());
            }
            return holder;
        }

        @Override
        public String toString() {
            return into(new TcpOptions()).toString();
        }
    }

    // ---- factories ----

    /** A segment between two endpoints with no flags, seq and ack 0, a full window, nothing else. */
    public static TcpSegment of(String src, int srcPort, String dst, int dstPort) {
        return new TcpSegment(
                address(src), srcPort, address(dst), dstPort, 0, 0, 0, DEFAULT_WINDOW, Options.NONE, null);
    }

    /** A SYN with sequence number {@code iss} and no options yet. */
    public static TcpSegment syn(String src, int srcPort, String dst, int dstPort, int iss) {
        return of(src, srcPort, dst, dstPort).withSeq(iss).withFlags(TcpFlags.SYN);
    }

    /** A SYN-ACK. */
    public static TcpSegment synAck(String src, int srcPort, String dst, int dstPort, int iss, int ack) {
        return of(src, srcPort, dst, dstPort).withSeq(iss).withAck(ack).withFlags(TcpFlags.SYN | TcpFlags.ACK);
    }

    /** A bare ACK. */
    public static TcpSegment ack(String src, int srcPort, String dst, int dstPort, int seq, int ack) {
        return of(src, srcPort, dst, dstPort).withSeq(seq).withAck(ack);
    }

    /** An IP address literal (no name lookup). */
    public static InetAddress address(String literal) {
        return InetAddress.ofLiteral(literal);
    }

    // ---- withers ----

    /** The same segment seen from the other side: addresses and ports swapped, all else kept. */
    public TcpSegment reversed() {
        return new TcpSegment(dst, dstPort, src, srcPort, seq, ack, flags, window, options, payload);
    }

    public TcpSegment withSeq(int seq) {
        return new TcpSegment(src, srcPort, dst, dstPort, seq, ack, flags, window, options, payload);
    }

    /** Sets the acknowledgment number and the ACK flag. */
    public TcpSegment withAck(int ack) {
        return new TcpSegment(src, srcPort, dst, dstPort, seq, ack, flags | TcpFlags.ACK, window, options, payload);
    }

    /** Replaces all flags ({@link TcpFlags} bits). */
    public TcpSegment withFlags(int flags) {
        return new TcpSegment(src, srcPort, dst, dstPort, seq, ack, flags, window, options, payload);
    }

    public TcpSegment withWindow(int window) {
        return new TcpSegment(src, srcPort, dst, dstPort, seq, ack, flags, window, options, payload);
    }

    public TcpSegment withOptions(Options options) {
        return new TcpSegment(src, srcPort, dst, dstPort, seq, ack, flags, window, options, payload);
    }

    public TcpSegment withMss(int mss) {
        Options o = options;
        return withOptions(new Options(mss, o.windowScale(), o.sackPermitted(), o.timestamps(), o.sack()));
    }

    public TcpSegment withWindowScale(int shift) {
        Options o = options;
        return withOptions(new Options(o.mss(), shift, o.sackPermitted(), o.timestamps(), o.sack()));
    }

    public TcpSegment withSackPermitted() {
        Options o = options;
        return withOptions(new Options(o.mss(), o.windowScale(), true, o.timestamps(), o.sack()));
    }

    public TcpSegment withTimestamps(int val, int ecr) {
        Options o = options;
        return withOptions(
                new Options(o.mss(), o.windowScale(), o.sackPermitted(), new Timestamps(val, ecr), o.sack()));
    }

    /** Sets the SACK blocks from edge pairs: {@code withSack(left1, right1, left2, right2, ...)}. */
    public TcpSegment withSack(int... edges) {
        if (edges.length % 2 != 0) {
            throw new IllegalArgumentException("SACK edges come in pairs");
        }
        SackBlock[] blocks = new SackBlock[edges.length / 2];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = new SackBlock(edges[2 * i], edges[2 * i + 1]);
        }
        Options o = options;
        return withOptions(new Options(o.mss(), o.windowScale(), o.sackPermitted(), o.timestamps(), List.of(blocks)));
    }

    public TcpSegment withPayload(byte[] payload) {
        return new TcpSegment(src, srcPort, dst, dstPort, seq, ack, flags, window, options, payload);
    }

    /** The UTF-8 bytes of {@code text} as payload. */
    public TcpSegment withPayload(String text) {
        return withPayload(text.getBytes(StandardCharsets.UTF_8));
    }

    // ---- accessors with meaning ----

    /** A copy of the payload. */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    public int payloadLength() {
        return payload.length;
    }

    public boolean has(int flagMask) {
        return (flags & flagMask) == flagMask;
    }

    public boolean ipv6() {
        return src instanceof Inet6Address;
    }

    /** Sequence space the segment occupies: payload plus one each for SYN and FIN. */
    public int sequenceLength() {
        return payload.length + ((flags & TcpFlags.SYN) != 0 ? 1 : 0) + ((flags & TcpFlags.FIN) != 0 ? 1 : 0);
    }

    // ---- bytes ----

    /**
     * Parses a whole Ethernet frame, verifying every checksum.
     *
     * @throws IllegalArgumentException naming the {@link Malformed} reason when the frame is not a
     *     well-formed TCP segment
     */
    public static TcpSegment parse(byte[] frame) {
        return parse(frame, RxChecksum.UNKNOWN);
    }

    /** Parses a whole Ethernet frame; the TCP checksum is verified only for {@link RxChecksum#UNKNOWN}. */
    public static TcpSegment parse(byte[] frame, RxChecksum checksum) {
        ParsedFrame parsed = new ParsedFrame();
        MemorySegment memory = MemorySegment.ofArray(frame);
        Malformed verdict = new FrameParser().parse(memory, 0, frame.length, checksum, parsed);
        if (verdict != Malformed.NONE) {
            throw new IllegalArgumentException("not a valid frame: " + verdict);
        }
        if (!parsed.isTcp()) {
            throw new IllegalArgumentException("not a TCP segment: ARP");
        }
        return from(parsed);
    }

    /** The meaning of a successfully parsed TCP frame. */
    public static TcpSegment from(ParsedFrame parsed) {
        byte[] payload = parsed.memory()
                .asSlice(parsed.payloadOffset(), parsed.payloadLength())
                .toArray(ValueLayout.JAVA_BYTE);
        return new TcpSegment(
                address(parsed.ipv6(), parsed.srcHi(), parsed.srcLo()),
                parsed.srcPort(),
                address(parsed.ipv6(), parsed.dstHi(), parsed.dstLo()),
                parsed.dstPort(),
                parsed.seq(),
                parsed.ack(),
                parsed.flags(),
                parsed.window(),
                Options.from(parsed.options()),
                payload);
    }

    /** The segment in an untagged Ethernet frame between the default MACs, checksums complete. */
    public byte[] toFrame() {
        return toFrame(DEFAULT_SRC_MAC, DEFAULT_DST_MAC);
    }

    /** The segment in an untagged Ethernet frame, checksums complete. */
    public byte[] toFrame(long srcMac, long dstMac) {
        return toFrame(spec().macs(srcMac, dstMac), false);
    }

    /**
     * The segment in a frame with the given Ethernet and IP details; with {@code offloaded} the TCP
     * checksum field holds the pseudo-header sum only, as a sender using checksum offload leaves it.
     */
    public byte[] toFrame(SegmentSpec details, boolean offloaded) {
        fill(details);
        byte[] frame = new byte[FrameBuilder.maxHeaderLength() + payload.length];
        MemorySegment memory = MemorySegment.ofArray(frame);
        FrameBuilder builder = new FrameBuilder();
        int headers = builder.writeHeaders(memory, 0, details);
        MemorySegment.copy(payload, 0, memory, ValueLayout.JAVA_BYTE, headers, payload.length);
        int length = offloaded ? builder.completeOffloaded(memory, 0) : builder.complete(memory, 0);
        return Arrays.copyOf(frame, length);
    }

    /** A fresh spec for this segment with the default MACs, untagged, TTL 64. */
    public SegmentSpec spec() {
        return fill(new SegmentSpec().macs(DEFAULT_SRC_MAC, DEFAULT_DST_MAC));
    }

    /** Writes this segment's TCP and IP fields into {@code spec} (MACs, VLAN, TTL, class kept). */
    public SegmentSpec fill(SegmentSpec spec) {
        if (ipv6()) {
            ByteBuffer s = ByteBuffer.wrap(src.getAddress());
            ByteBuffer d = ByteBuffer.wrap(dst.getAddress());
            spec.ipv6(s.getLong(), s.getLong(), d.getLong(), d.getLong());
        } else {
            spec.ipv4(
                    ByteBuffer.wrap(src.getAddress()).getInt(),
                    ByteBuffer.wrap(dst.getAddress()).getInt());
        }
        spec.ports(srcPort, dstPort)
                .seq(seq)
                .ack(ack)
                .flags(flags)
                .window(window)
                .payloadLength(payload.length);
        options.into(spec.options());
        return spec;
    }

    private static InetAddress address(boolean ipv6, long hi, long lo) {
        try {
            if (ipv6) {
                // Inet6Address directly: InetAddress.getByAddress would turn ::ffff:a.b.c.d into IPv4.
                return Inet6Address.getByAddress(
                        null, ByteBuffer.allocate(16).putLong(hi).putLong(lo).array(), -1);
            }
            return InetAddress.getByAddress(
                    ByteBuffer.allocate(4).putInt((int) lo).array());
        } catch (UnknownHostException impossible) {
            throw new AssertionError(impossible); // only thrown for lengths other than 4 and 16
        }
    }

    // ---- value semantics ----

    @Override
    public boolean equals(Object other) {
        return other instanceof TcpSegment s
                && src.equals(s.src)
                && srcPort == s.srcPort
                && dst.equals(s.dst)
                && dstPort == s.dstPort
                && seq == s.seq
                && ack == s.ack
                && flags == s.flags
                && window == s.window
                && options.equals(s.options)
                && Arrays.equals(payload, s.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(src, srcPort, dst, dstPort, seq, ack, flags, window, options) * 31
                + Arrays.hashCode(payload);
    }

    /**
     * In tcpdump's style: {@code 10.0.0.1.40000 > 10.0.0.2.80: Flags [S.], seq 1000, ack 1, win
     * 65535, options <mss 1460>, length 0}.
     */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(96)
                .append(text(src))
                .append('.')
                .append(srcPort)
                .append(" > ")
                .append(text(dst))
                .append('.')
                .append(dstPort)
                .append(": Flags [")
                .append(TcpFlags.toString(flags))
                .append("], seq ")
                .append(Integer.toUnsignedString(seq));
        if ((flags & TcpFlags.ACK) != 0) {
            out.append(", ack ").append(Integer.toUnsignedString(ack));
        }
        out.append(", win ").append(window);
        if (!options.equals(Options.NONE)) {
            out.append(", options ").append(options);
        }
        return out.append(", length ").append(payload.length).toString();
    }

    /** An address as people write it: IPv6 in RFC 5952's short form (fd00::1, not fd00:0:0:0:0:0:0:1). */
    static String text(InetAddress address) {
        byte[] raw = address.getAddress();
        if (raw.length == 4) {
            return address.getHostAddress();
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (raw[2 * i] & 0xff) << 8 | (raw[2 * i + 1] & 0xff);
        }
        // RFC 5952 section 4.2: the longest run of two or more zero groups (the first if tied) is "::".
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) j++;
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') out.append(':');
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }
}
