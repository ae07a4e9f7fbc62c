package dev.ferry.tcp.wire;

import static dev.ferry.tcp.wire.GoldenFrames.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tcp.link.RxChecksum;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parses frames scapy encoded, and emits the same segments byte for byte. */
class GoldenFrameTest {
    private static final long M1 = 0x02_00_00_00_00_01L;
    private static final long M2 = 0x02_00_00_00_00_02L;
    private static final int IP1 = 0x0a000001;
    private static final int IP2 = 0x0a000002;

    private final FrameParser parser = new FrameParser();
    private final ParsedFrame parsed = new ParsedFrame();

    private ParsedFrame parse(String hex) {
        byte[] frame = bytes(hex);
        assertThat(parser.parse(MemorySegment.ofArray(frame), 0, frame.length, RxChecksum.UNKNOWN, parsed))
                .isEqualTo(Malformed.NONE);
        return parsed;
    }

    @Test
    void ipv4SynWithEveryHandshakeOption() {
        ParsedFrame f = parse(GoldenFrames.SYN_V4_ALL_OPTIONS);
        assertThat(f.isTcp()).isTrue();
        assertThat(f.dstMac()).isEqualTo(M2);
        assertThat(f.srcMac()).isEqualTo(M1);
        assertThat(f.vlanId()).isEqualTo(EthernetHeader.NO_VLAN);
        assertThat(f.ipv6()).isFalse();
        assertThat(f.srcHi()).isZero();
        assertThat(f.srcLo()).isEqualTo(0x0000_FFFF_0a00_0001L);
        assertThat(f.dstIpv4()).isEqualTo(IP2);
        assertThat(f.hopLimit()).isEqualTo(64);
        assertThat(f.srcPort()).isEqualTo(40000);
        assertThat(f.dstPort()).isEqualTo(80);
        assertThat(f.seq()).isEqualTo(1000);
        assertThat(f.flags()).isEqualTo(TcpFlags.SYN);
        assertThat(f.window()).isEqualTo(64240);
        assertThat(f.tcpHeaderLength()).isEqualTo(40);
        assertThat(f.payloadLength()).isZero();
        TcpOptions o = f.options();
        assertThat(o.mss()).isEqualTo(1460);
        assertThat(o.sackPermitted()).isTrue();
        assertThat(o.hasTimestamps()).isTrue();
        assertThat(o.tsVal()).isEqualTo(12345);
        assertThat(o.tsEcr()).isZero();
        assertThat(o.windowScale()).isEqualTo(7);
        assertThat(o.sackBlockCount()).isZero();
    }

    @Test
    void ipv4DataWithTimestampsAndSackBlocks() {
        ParsedFrame f = parse(GoldenFrames.DATA_V4_TS_SACK);
        assertThat(f.flags()).isEqualTo(TcpFlags.PSH | TcpFlags.ACK);
        assertThat(f.seq()).isEqualTo(1001);
        assertThat(f.ack()).isEqualTo(5001);
        assertThat(f.window()).isEqualTo(502);
        assertThat(f.options().tsVal()).isEqualTo(100);
        assertThat(f.options().tsEcr()).isEqualTo(200);
        assertThat(f.options().sackBlockCount()).isEqualTo(2);
        assertThat(f.options().sackLeft(0)).isEqualTo(7000);
        assertThat(f.options().sackRight(0)).isEqualTo(8000);
        assertThat(f.options().sackLeft(1)).isEqualTo(9000);
        assertThat(f.options().sackRight(1)).isEqualTo(9500);
        assertThat(f.options().hasMss()).isFalse();
        assertThat(payload(f)).isEqualTo("hello".getBytes());
    }

    @Test
    void ipv6SynAck() {
        ParsedFrame f = parse(GoldenFrames.SYNACK_V6_OPTIONS);
        assertThat(f.ipv6()).isTrue();
        assertThat(f.srcHi()).isEqualTo(0xfd00_0000_0000_0000L);
        assertThat(f.srcLo()).isEqualTo(2);
        assertThat(f.dstHi()).isEqualTo(0xfd00_0000_0000_0000L);
        assertThat(f.dstLo()).isEqualTo(1);
        assertThat(f.flags()).isEqualTo(TcpFlags.SYN | TcpFlags.ACK);
        assertThat(f.options().mss()).isEqualTo(1440);
        assertThat(f.options().windowScale()).isEqualTo(9);
        assertThat(f.options().tsVal()).isEqualTo(777);
        assertThat(f.options().tsEcr()).isEqualTo(12345);
    }

    @Test
    void vlanTagIsSkippedAndItsIdKept() {
        ParsedFrame f = parse(GoldenFrames.ACK_V4_VLAN);
        assertThat(f.vlanId()).isEqualTo(100);
        assertThat(f.ipOffset()).isEqualTo(18);
        assertThat(f.flags()).isEqualTo(TcpFlags.ACK);
        assertThat(f.ack()).isEqualTo(5001);
    }

    @Test
    void qinqOuterAndInnerTagsAreSkipped() {
        byte[] frame = bytes(GoldenFrames.ACK_V4_QINQ);
        EthernetHeader ethernet = new EthernetHeader();
        assertThat(ethernet.wrap(MemorySegment.ofArray(frame), 0, frame.length)).isEqualTo(Malformed.NONE);
        assertThat(ethernet.outerVlanId()).isEqualTo(10);
        assertThat(ethernet.vlanId()).isEqualTo(20);
        assertThat(ethernet.headerLength()).isEqualTo(22);
        ParsedFrame f = parse(GoldenFrames.ACK_V4_QINQ);
        assertThat(f.vlanId()).isEqualTo(20);
        assertThat(f.seq()).isEqualTo(1001);
    }

    @Test
    void ipv4OptionsAreSkipped() {
        ParsedFrame f = parse(GoldenFrames.V4_IP_OPTIONS);
        assertThat(f.tcpOffset()).isEqualTo(14 + 24);
        assertThat(payload(f)).isEqualTo("abc".getBytes());
    }

    @Test
    void unknownTcpOptionIsSkippedByItsLength() {
        ParsedFrame f = parse(GoldenFrames.V4_UNKNOWN_OPTION);
        assertThat(f.options().mss()).isEqualTo(536);
    }

    @Test
    void ethernetPaddingIsNotPayload() {
        ParsedFrame f = parse(GoldenFrames.V4_PADDED_ACK);
        assertThat(f.frameLength()).isEqualTo(60);
        assertThat(f.payloadLength()).isZero();
    }

    @Test
    void ecnBitsAndFlags() {
        ParsedFrame f = parse(GoldenFrames.SYN_V4_ECN);
        assertThat(f.ecn()).isEqualTo(2);
        assertThat(f.flags()).isEqualTo(TcpFlags.SYN | TcpFlags.ECE | TcpFlags.CWR);
        assertThat(f.seq()).isEqualTo(-1);
    }

    @Test
    void ipv6FinWithData() {
        ParsedFrame f = parse(GoldenFrames.FIN_V6_DATA);
        assertThat(f.flags()).isEqualTo(TcpFlags.FIN | TcpFlags.PSH | TcpFlags.ACK);
        assertThat(Integer.toUnsignedLong(f.seq())).isEqualTo(2147483648L);
        assertThat(Integer.toUnsignedLong(f.ack())).isEqualTo(4000000000L);
        assertThat(f.srcHi()).isEqualTo(0x2001_0db8_0000_0000L);
        assertThat(f.srcLo()).isEqualTo(0xaL);
        assertThat(payload(f)).isEqualTo("bye!".getBytes());
    }

    @Test
    void arpRequestAndReply() {
        ParsedFrame f = parse(GoldenFrames.ARP_REQUEST);
        assertThat(f.isArp()).isTrue();
        assertThat(f.dstMac()).isEqualTo(FrameBuilder.BROADCAST_MAC);
        assertThat(f.arp().operation()).isEqualTo(ArpPacket.OPERATION_REQUEST);
        assertThat(f.arp().senderMac()).isEqualTo(M1);
        assertThat(f.arp().senderIp()).isEqualTo(IP1);
        assertThat(f.arp().targetMac()).isZero();
        assertThat(f.arp().targetIp()).isEqualTo(IP2);

        f = parse(GoldenFrames.ARP_REPLY);
        assertThat(f.isArp()).isTrue();
        assertThat(f.arp().operation()).isEqualTo(ArpPacket.OPERATION_REPLY);
        assertThat(f.arp().senderMac()).isEqualTo(M2);
        assertThat(f.arp().senderIp()).isEqualTo(IP2);
        assertThat(f.arp().targetMac()).isEqualTo(M1);
        assertThat(f.arp().targetIp()).isEqualTo(IP1);
    }

    @Test
    void droppedKindsHaveTheirReasons() {
        assertThat(reason(GoldenFrames.V6_HOP_BY_HOP)).isEqualTo(Malformed.IPV6_EXTENSION_HEADER);
        assertThat(reason(GoldenFrames.V4_FRAGMENT)).isEqualTo(Malformed.FRAGMENT);
        assertThat(reason(GoldenFrames.V4_UDP)).isEqualTo(Malformed.NOT_TCP);
    }

    // ---- emit: the same bytes as scapy ----

    @Test
    void emitsEveryGoldenSegmentByteForByte() {
        for (String hex : List.of(
                GoldenFrames.SYN_V4_ALL_OPTIONS,
                GoldenFrames.DATA_V4_TS_SACK,
                GoldenFrames.SYNACK_V6_OPTIONS,
                GoldenFrames.FIN_V6_DATA)) {
            byte[] golden = bytes(hex);
            TcpSegment segment = TcpSegment.parse(golden);
            ParsedFrame f = parse(hex);
            assertThat(segment.toFrame(f.srcMac(), f.dstMac()))
                    .as("%s", segment)
                    .isEqualTo(golden);
        }
    }

    @Test
    void emitsVlanTagAndEcnByteForByte() {
        byte[] vlan = bytes(GoldenFrames.ACK_V4_VLAN);
        SegmentSpec spec = new SegmentSpec().macs(M1, M2).vlanId(100);
        assertThat(TcpSegment.parse(vlan).toFrame(spec, false)).isEqualTo(vlan);

        byte[] ecn = bytes(GoldenFrames.SYN_V4_ECN);
        spec = new SegmentSpec().macs(M1, M2).trafficClass(2);
        assertThat(TcpSegment.parse(ecn).toFrame(spec, false)).isEqualTo(ecn);
    }

    @Test
    void emitsArpByteForByte() {
        MemorySegment out = MemorySegment.ofArray(new byte[FrameBuilder.ARP_FRAME_LENGTH]);
        int length = FrameBuilder.writeArpRequest(out, 0, M1, IP1, IP2);
        assertThat(length).isEqualTo(42);
        assertThat(out.toArray(ValueLayout.JAVA_BYTE)).isEqualTo(bytes(GoldenFrames.ARP_REQUEST));

        length = FrameBuilder.writeArpReply(out, 0, M2, IP2, M1, IP1);
        assertThat(length).isEqualTo(42);
        assertThat(out.toArray(ValueLayout.JAVA_BYTE)).isEqualTo(bytes(GoldenFrames.ARP_REPLY));
    }

    @Test
    void buildsInPlaceAtAnOddOffset() {
        byte[] golden = bytes(GoldenFrames.DATA_V4_TS_SACK);
        TcpSegment segment = TcpSegment.parse(golden);
        MemorySegment ring = MemorySegment.ofArray(new byte[golden.length + 200]);
        long at = 83;
        FrameBuilder builder = new FrameBuilder();
        SegmentSpec spec = segment.fill(new SegmentSpec().macs(M1, M2));
        int headers = builder.writeHeaders(ring, at, spec);
        MemorySegment.copy(segment.payload(), 0, ring, ValueLayout.JAVA_BYTE, at + headers, segment.payloadLength());
        int length = builder.complete(ring, at);
        assertThat(ring.asSlice(at, length).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(golden);
        assertThat(builder.tcpOffset()).isEqualTo(34);
        assertThat(builder.headerLength()).isEqualTo(golden.length - 5);
    }

    private Malformed reason(String hex) {
        byte[] frame = bytes(hex);
        return parser.parse(MemorySegment.ofArray(frame), 0, frame.length, RxChecksum.UNKNOWN, parsed);
    }

    private static byte[] payload(ParsedFrame f) {
        return f.memory().asSlice(f.payloadOffset(), f.payloadLength()).toArray(ValueLayout.JAVA_BYTE);
    }
}
