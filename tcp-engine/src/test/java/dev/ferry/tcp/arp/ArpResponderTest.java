package dev.ferry.tcp.arp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tcp.link.RxChecksum;
import dev.ferry.tcp.wire.ArpPacket;
import dev.ferry.tcp.wire.FrameParser;
import dev.ferry.tcp.wire.Malformed;
import dev.ferry.tcp.wire.ParsedFrame;
import dev.ferry.tcp.wire.TcpSegment;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ArpResponderTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long M1 = 0x02_00_00_00_00_01L;
    private static final long M2 = 0x02_00_00_00_00_02L;
    private static final int IP1 = 0x0a000001;
    private static final int IP2 = 0x0a000002;
    private static final int KERNEL_IP = 0x0a000003;

    /** scapy: Ether(src=M1,dst='ff:ff:ff:ff:ff:ff')/ARP(op=1,hwsrc=M1,psrc='10.0.0.1',pdst='10.0.0.2') */
    private static final String WHO_HAS_IP2 =
            "ffffffffffff020000000001080600010800060400010200000000010a0000010000000000000a000002";
    /** scapy: Ether(src=M2,dst=M1)/ARP(op=2,hwsrc=M2,psrc='10.0.0.2',hwdst=M1,pdst='10.0.0.1') */
    private static final String IP2_IS_AT_M2 =
            "020000000001020000000002080600010800060400020200000000020a0000020200000000010a000001";

    private final NeighborTable neighbors = new NeighborTable(16, 60 * SECOND);
    private final ArpResponder responder = new ArpResponder(M2, new int[] {IP2}, neighbors, SECOND);
    private final FrameParser parser = new FrameParser();
    private final ParsedFrame parsed = new ParsedFrame();
    private final MemorySegment out = MemorySegment.ofArray(new byte[64]);

    private ArpPacket arp(byte[] frame) {
        assertThat(parser.parse(MemorySegment.ofArray(frame), 0, frame.length, RxChecksum.UNKNOWN, parsed))
                .isEqualTo(Malformed.NONE);
        assertThat(parsed.isArp()).isTrue();
        return parsed.arp();
    }

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    @Test
    void answersARequestForAnOwnedAddressWithTheBytesScapyWouldSend() {
        int length = responder.onArp(arp(hex(WHO_HAS_IP2)), 0, out, 0);
        assertThat(out.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(hex(IP2_IS_AT_M2));
        assertThat(responder.repliesSent()).isEqualTo(1);
        assertThat(neighbors.lookup(IP1, 1)).as("the asker is learned").isEqualTo(M1);
    }

    @Test
    void leavesRequestsForOtherAddressesToTheKernelAndDoesNotLearnFromThem() {
        byte[] frame = hex(WHO_HAS_IP2);
        frame[14 + 27] = 3; // who has 10.0.0.3 (the kernel's)?
        assertThat(responder.onArp(arp(frame), 0, out, 0)).isZero();
        assertThat(responder.requestsIgnored()).isEqualTo(1);
        assertThat(neighbors.lookup(IP1, 1)).isEqualTo(NeighborTable.UNKNOWN);
    }

    @Test
    void anyArpRefreshesWhatIsAlreadyKnown() {
        neighbors.learn(IP1, 0x02_99_99_99_99_99L, 0);
        byte[] frame = hex(WHO_HAS_IP2);
        frame[14 + 27] = 3; // not for us, but the sender moved: RFC 826 merges it
        responder.onArp(arp(frame), 5, out, 0);
        assertThat(neighbors.lookup(IP1, 6)).isEqualTo(M1);
    }

    @Test
    void ownedAddressesCanChange() {
        responder.ownedAddresses(KERNEL_IP);
        assertThat(responder.onArp(arp(hex(WHO_HAS_IP2)), 0, out, 0)).isZero();
        assertThat(responder.owns(KERNEL_IP)).isTrue();
        assertThat(responder.owns(IP2)).isFalse();
    }

    @Test
    void addressProbesAreAnsweredButNotLearned() {
        byte[] probe = hex(WHO_HAS_IP2);
        for (int i = 0; i < 4; i++) probe[14 + 14 + i] = 0; // sender 0.0.0.0 (RFC 5227)
        int length = responder.onArp(arp(probe), 0, out, 0);
        assertThat(length).isEqualTo(42);
        assertThat(neighbors.size()).isZero();
    }

    @Test
    void learnsFromARepliesToOurOwnRequest() {
        ArpResponder asker = new ArpResponder(M1, new int[] {IP1}, neighbors, SECOND);
        assertThat(asker.request(IP2, IP1, 0, out, 0)).isEqualTo(42);
        assertThat(out.asSlice(0, 42).toArray(ValueLayout.JAVA_BYTE)).isEqualTo(hex(WHO_HAS_IP2));
        assertThat(asker.onArp(arp(hex(IP2_IS_AT_M2)), 10, out, 0)).isZero();
        assertThat(neighbors.lookup(IP2, 20)).isEqualTo(M2);
        assertThat(asker.request(IP2, IP1, 2 * SECOND, out, 0))
                .as("resolved: no request")
                .isZero();
    }

    @Test
    void requestsAreRateLimitedPerAddress() {
        assertThat(responder.request(IP1, IP2, 0, out, 0)).isEqualTo(42);
        assertThat(responder.request(IP1, IP2, SECOND / 2, out, 0)).isZero();
        assertThat(responder.request(KERNEL_IP, IP2, SECOND / 2, out, 0)).isEqualTo(42);
        assertThat(responder.request(IP1, IP2, SECOND, out, 0)).isEqualTo(42);
        assertThat(responder.requestsSent()).isEqualTo(3);
        assertThat(responder.requestsSuppressed()).isEqualTo(1);
    }

    @Test
    void learnsTheSenderOfTcpFramesToOwnedAddresses() {
        byte[] toUs = TcpSegment.syn("10.0.0.1", 40000, "10.0.0.2", 80, 1).toFrame(M1, M2);
        parser.parse(MemorySegment.ofArray(toUs), 0, toUs.length, RxChecksum.UNKNOWN, parsed);
        responder.onIpv4Frame(parsed, 0);
        assertThat(neighbors.lookup(IP1, 1)).isEqualTo(M1);

        byte[] toKernel = TcpSegment.syn("10.0.0.9", 40000, "10.0.0.3", 80, 1).toFrame(M1, M2);
        parser.parse(MemorySegment.ofArray(toKernel), 0, toKernel.length, RxChecksum.UNKNOWN, parsed);
        responder.onIpv4Frame(parsed, 0);
        assertThat(neighbors.lookup(0x0a000009, 1)).isEqualTo(NeighborTable.UNKNOWN);
    }
}
