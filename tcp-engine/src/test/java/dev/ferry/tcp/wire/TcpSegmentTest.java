package dev.ferry.tcp.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.tcp.link.RxChecksum;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class TcpSegmentTest {
    @Test
    void buildersReadLikeTheSegment() {
        TcpSegment syn = TcpSegment.syn("10.0.0.1", 40000, "10.0.0.2", 80, 1000)
                .withMss(1460)
                .withSackPermitted()
                .withTimestamps(1, 0)
                .withWindowScale(7);
        assertThat(syn.has(TcpFlags.SYN)).isTrue();
        assertThat(syn.has(TcpFlags.ACK)).isFalse();
        assertThat(syn.sequenceLength()).isEqualTo(1);
        assertThat(syn)
                .hasToString("10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 1000, win 65535,"
                        + " options <mss 1460,sackOK,TS val 1 ecr 0,wscale 7>, length 0");

        TcpSegment data = syn.reversed()
                .withFlags(TcpFlags.PSH)
                .withAck(1001)
                .withOptions(TcpSegment.Options.NONE)
                .withPayload("hi");
        assertThat(data)
                .hasToString("10.0.0.2.80 > 10.0.0.1.40000: Flags [P.], seq 1000, ack 1001, win 65535, length 2");
    }

    @Test
    void frameRoundTripIsLossless() {
        TcpSegment segment = TcpSegment.ack("fd00::1", 443, "fd00::2", 51000, -5, 77)
                .withTimestamps(9, 10)
                .withSack(100, 200, 300, 400)
                .withWindow(1)
                .withPayload(new byte[] {1, 2, 3});
        assertThat(TcpSegment.parse(segment.toFrame())).isEqualTo(segment);
        assertThat(segment.ipv6()).isTrue();
    }

    @Test
    void payloadIsNeverShared() {
        byte[] bytes = {1, 2, 3};
        TcpSegment segment = TcpSegment.of("10.0.0.1", 1, "10.0.0.2", 2).withPayload(bytes);
        bytes[0] = 9;
        segment.payload()[1] = 9;
        assertThat(segment.payload()).containsExactly(1, 2, 3);
        assertThat(segment)
                .isEqualTo(TcpSegment.of("10.0.0.1", 1, "10.0.0.2", 2).withPayload(new byte[] {1, 2, 3}));
        assertThat(segment.hashCode())
                .isEqualTo(TcpSegment.of("10.0.0.1", 1, "10.0.0.2", 2)
                        .withPayload(new byte[] {1, 2, 3})
                        .hashCode());
    }

    @Test
    void offloadedFramesCarryThePseudoHeaderSumThatADeviceCompletes() {
        TcpSegment segment =
                TcpSegment.ack("10.1.2.3", 1234, "10.9.8.7", 80, 1, 2).withPayload("payload!");
        byte[] full = segment.toFrame();
        byte[] partial = segment.toFrame(segment.spec(), true);
        int tcp = 34;
        MemorySegment m = MemorySegment.ofArray(partial);
        int pseudo = NetworkOrder.u16(m, tcp + 16);
        assertThat(pseudo).isEqualTo(Checksum.fold(Checksum.ipv4PseudoHeader(0x0a010203, 0x0a090807, 6, 20 + 8)));
        // What the device does with NEEDS_CSUM: sum from csum_start to the end, complement, store.
        NetworkOrder.putU16(m, tcp + 16, Checksum.finish(Checksum.add(m, tcp, partial.length - tcp, 0)));
        assertThat(partial).isEqualTo(full);
        assertThat(TcpSegment.parse(segment.toFrame(segment.spec(), true), RxChecksum.PARTIAL))
                .isEqualTo(segment);
    }

    @Test
    void parseNamesTheReasonItRefuses() {
        byte[] frame = TcpSegment.syn("10.0.0.1", 1, "10.0.0.2", 2, 3).toFrame();
        frame[frame.length - 1] ^= 1;
        assertThatThrownBy(() -> TcpSegment.parse(frame)).hasMessageContaining("BAD_TCP_CHECKSUM");
        assertThatThrownBy(() -> TcpSegment.parse(GoldenFrames.bytes(GoldenFrames.ARP_REPLY)))
                .hasMessageContaining("ARP");
    }

    @Test
    void mixedFamiliesAndOutOfRangeFieldsAreRefused() {
        assertThatThrownBy(() -> TcpSegment.of("10.0.0.1", 1, "::1", 2)).hasMessageContaining("mixed");
        assertThatThrownBy(() -> TcpSegment.of("10.0.0.1", 65536, "10.0.0.2", 2))
                .hasMessageContaining("srcPort");
        assertThatThrownBy(() -> TcpSegment.of("10.0.0.1", 1, "10.0.0.2", 2).withWindow(-1))
                .hasMessageContaining("window");
    }

    @Test
    void anIpv4MappedAddressInsideIpv6StaysIpv6() {
        TcpSegment segment = TcpSegment.of("::1", 1, "::2", 2);
        byte[] frame = segment.toFrame();
        // Rewrite the source to ::ffff:10.0.0.1 and repair the TCP checksum with RFC 1624.
        MemorySegment m = MemorySegment.ofArray(frame);
        int tcpChecksumAt = 14 + 40 + 16;
        int checksum = NetworkOrder.u16(m, tcpChecksumAt);
        checksum = Checksum.update32(checksum, NetworkOrder.u32(m, 14 + 8 + 8), 0x0000ffff);
        checksum = Checksum.update32(checksum, NetworkOrder.u32(m, 14 + 8 + 12), 0x0a000001);
        NetworkOrder.putU32(m, 14 + 8 + 8, 0x0000ffff);
        NetworkOrder.putU32(m, 14 + 8 + 12, 0x0a000001);
        NetworkOrder.putU16(m, tcpChecksumAt, checksum);
        TcpSegment parsed = TcpSegment.parse(frame);
        assertThat(parsed.ipv6()).isTrue();
        assertThat(TcpSegment.parse(parsed.toFrame())).isEqualTo(parsed);
    }

    @Test
    void superFramesFarLongerThanTheMtuAreValid() {
        // veth hands GSO super-frames of up to 64 KB to the ring, checksum partial: the IP length
        // fields decide, not the MTU.
        byte[] payload = new byte[65_535 - 20 - 32];
        java.util.Arrays.fill(payload, (byte) 7);
        TcpSegment big = TcpSegment.ack("10.0.0.1", 1, "10.0.0.2", 2, 3, 4)
                .withTimestamps(1, 2)
                .withPayload(payload);
        byte[] offloaded = big.toFrame(big.spec(), true);
        assertThat(offloaded).hasSize(14 + 65_535);
        assertThat(TcpSegment.parse(offloaded, RxChecksum.PARTIAL)).isEqualTo(big);
        assertThat(TcpSegment.parse(big.toFrame())).isEqualTo(big);
    }

    @Test
    void ipv6AddressesPrintInTheirShortForm() {
        assertThat(TcpSegment.text(TcpSegment.address("fd00:0:0:0:0:0:0:1"))).isEqualTo("fd00::1");
        assertThat(TcpSegment.text(TcpSegment.address("::"))).isEqualTo("::");
        assertThat(TcpSegment.text(TcpSegment.address("::1"))).isEqualTo("::1");
        assertThat(TcpSegment.text(TcpSegment.address("2001:db8:0:0:1:0:0:1"))).isEqualTo("2001:db8::1:0:0:1");
        assertThat(TcpSegment.text(TcpSegment.address("2001:db8:0:1:1:1:1:1"))).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(TcpSegment.text(TcpSegment.address("fe80:0:0:1:0:0:0:0"))).isEqualTo("fe80:0:0:1::");
        assertThat(TcpSegment.of("fd00::1", 443, "fd00::2", 5).toString()).startsWith("fd00::1.443 > fd00::2.5:");
    }
}
