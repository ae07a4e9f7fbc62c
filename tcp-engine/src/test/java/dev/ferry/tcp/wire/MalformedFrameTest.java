package dev.ferry.tcp.wire;

import static dev.ferry.tcp.wire.GoldenFrames.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.ferry.tcp.link.RxChecksum;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hostile and broken frames: every one gets its own {@link Malformed} reason and none makes the
 * parser throw or read outside the frame (each frame here sits in memory exactly as long as it is,
 * so a read past its end would throw).
 */
class MalformedFrameTest {
    private static final int ETH = 14;
    private static final int TCP_V4 = ETH + 20;

    private final FrameParser parser = new FrameParser();
    private final ParsedFrame parsed = new ParsedFrame();

    private Malformed parse(byte[] frame, RxChecksum checksum) {
        MemorySegment exact = MemorySegment.ofArray(frame);
        return parser.parse(exact, 0, frame.length, checksum, parsed);
    }

    private Malformed parse(byte[] frame) {
        return parse(frame, RxChecksum.UNKNOWN);
    }

    @Test
    void truncationAtEveryLengthIsReportedNeverThrown() {
        List<String> frames = List.of(
                GoldenFrames.SYN_V4_ALL_OPTIONS,
                GoldenFrames.DATA_V4_TS_SACK,
                GoldenFrames.SYNACK_V6_OPTIONS,
                GoldenFrames.ACK_V4_VLAN,
                GoldenFrames.ACK_V4_QINQ,
                GoldenFrames.V4_IP_OPTIONS,
                GoldenFrames.FIN_V6_DATA,
                GoldenFrames.ARP_REQUEST);
        for (String hex : frames) {
            byte[] whole = bytes(hex);
            int l2 = whole[12] == (byte) 0x88 ? 22 : whole[12] == (byte) 0x81 ? 18 : ETH;
            boolean arp = whole[l2 - 2] == 0x08 && whole[l2 - 1] == 0x06;
            boolean v6 = whole[l2 - 2] == (byte) 0x86;
            int fixedL3 = arp ? 28 : v6 ? 40 : 20;
            for (int length = 0; length < whole.length; length++) {
                byte[] cut = java.util.Arrays.copyOf(whole, length);
                Malformed expected = length < l2
                        ? Malformed.ETHERNET_TRUNCATED
                        : length < l2 + fixedL3
                                ? (arp ? Malformed.ARP_TRUNCATED : Malformed.IP_TRUNCATED)
                                : Malformed.IP_LENGTH_BEYOND_FRAME;
                for (RxChecksum checksum : RxChecksum.values()) {
                    assertThat(parse(cut, checksum))
                            .as("%s cut to %d bytes, %s", hex, length, checksum)
                            .isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void aCorruptedPayloadByteFailsTheTcpChecksumUnlessTheLinkVouchedForIt() {
        byte[] frame = bytes(GoldenFrames.DATA_V4_TS_SACK);
        frame[frame.length - 1] ^= 0x01;
        assertThat(parse(frame, RxChecksum.UNKNOWN)).isEqualTo(Malformed.BAD_TCP_CHECKSUM);
        assertThat(parse(frame, RxChecksum.VERIFIED)).isEqualTo(Malformed.NONE);
        assertThat(parse(frame, RxChecksum.PARTIAL)).isEqualTo(Malformed.NONE);
    }

    @Test
    void aCorruptedIpv6AddressFailsTheTcpChecksumThroughThePseudoHeader() {
        byte[] frame = bytes(GoldenFrames.FIN_V6_DATA);
        frame[ETH + 8 + 15] ^= 0x40; // last byte of the source address
        assertThat(parse(frame)).isEqualTo(Malformed.BAD_TCP_CHECKSUM);
    }

    @Test
    void theIpv4HeaderChecksumIsAlwaysVerified() {
        byte[] frame = bytes(GoldenFrames.SYN_V4_ALL_OPTIONS);
        frame[ETH + 8] = 63; // TTL: changes the header but not the TCP checksum
        for (RxChecksum checksum : RxChecksum.values()) {
            assertThat(parse(frame, checksum)).isEqualTo(Malformed.BAD_IPV4_CHECKSUM);
        }
        Frames.fixIpv4HeaderChecksum(frame, ETH);
        assertThat(parse(frame)).isEqualTo(Malformed.NONE);
    }

    @Test
    void unsupportedEthertype() {
        byte[] frame = bytes(GoldenFrames.SYN_V4_ALL_OPTIONS);
        frame[12] = (byte) 0x88;
        frame[13] = (byte) 0xcc; // LLDP
        assertThat(parse(frame)).isEqualTo(Malformed.UNSUPPORTED_ETHERTYPE);
    }

    @Test
    void ipVersionMustMatchTheEthertype() {
        byte[] v4 = bytes(GoldenFrames.SYN_V4_ALL_OPTIONS);
        v4[ETH] = 0x65;
        assertThat(parse(v4)).isEqualTo(Malformed.BAD_IP_VERSION);
        byte[] v6 = bytes(GoldenFrames.FIN_V6_DATA);
        v6[ETH] = 0x40;
        assertThat(parse(v6)).isEqualTo(Malformed.BAD_IP_VERSION);
    }

    @Test
    void ihlBelowFiveOrBeyondTheTotalLength() {
        byte[] frame = bytes(GoldenFrames.SYN_V4_ALL_OPTIONS);
        frame[ETH] = 0x44;
        Frames.fixIpv4HeaderChecksum(frame, ETH);
        assertThat(parse(frame)).isEqualTo(Malformed.BAD_IHL);

        byte[] small = bytes(GoldenFrames.V4_PADDED_ACK);
        small[ETH + 3] = 22; // total length 22 < IHL 20 + ... fine for IHL, but try IHL 6 = 24 > 22
        small[ETH] = 0x46;
        assertThat(parse(small, RxChecksum.VERIFIED)).isEqualTo(Malformed.BAD_IHL);
    }

    @Test
    void ipTotalLengthBeyondTheFrame() {
        byte[] frame = bytes(GoldenFrames.SYN_V4_ALL_OPTIONS);
        frame[ETH + 3] += 1;
        Frames.fixIpv4HeaderChecksum(frame, ETH);
        assertThat(parse(frame)).isEqualTo(Malformed.IP_LENGTH_BEYOND_FRAME);

        byte[] v6 = bytes(GoldenFrames.FIN_V6_DATA);
        v6[ETH + 5] += 1;
        assertThat(parse(v6)).isEqualTo(Malformed.IP_LENGTH_BEYOND_FRAME);
    }

    @Test
    void ipTotalLengthTooShortForATcpHeader() {
        byte[] frame = bytes(GoldenFrames.V4_PADDED_ACK);
        frame[ETH + 3] = 20 + 19;
        Frames.fixIpv4HeaderChecksum(frame, ETH);
        assertThat(parse(frame, RxChecksum.VERIFIED)).isEqualTo(Malformed.TCP_TRUNCATED);
    }

    @Test
    void fragmentsAreDroppedWhateverTheirOffset() {
        byte[] frame = bytes(GoldenFrames.SYN_V4_ALL_OPTIONS);
        frame[ETH + 6] = 0x40; // DF, offset 1 (8 bytes): a later fragment
        frame[ETH + 7] = 0x01;
        Frames.fixIpv4HeaderChecksum(frame, ETH);
        assertThat(parse(frame)).isEqualTo(Malformed.FRAGMENT);
    }

    @Test
    void tcpDataOffsetBelowFiveOrBeyondTheSegment() {
        byte[] frame = bytes(GoldenFrames.SYN_V4_ALL_OPTIONS);
        frame[TCP_V4 + 12] = 0x40;
        assertThat(parse(frame, RxChecksum.VERIFIED)).isEqualTo(Malformed.BAD_TCP_DATA_OFFSET);
        frame[TCP_V4 + 12] = (byte) 0xb0; // 44 bytes, segment has 40
        assertThat(parse(frame, RxChecksum.VERIFIED)).isEqualTo(Malformed.BAD_TCP_DATA_OFFSET);
    }

    @Test
    void badOptionLengthsAreReported() {
        int options = TCP_V4 + 20;
        // MSS with length 0, 1, 3, 5; an option whose length runs past the header; a kind byte as the
        // last byte with no room for its length; SACK with a length that is not 2 + 8n.
        byte[][] cases = {
            {2, 0},
            {2, 1},
            {2, 3},
            {2, 5},
            {30, 21},
            {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 8},
            {5, 9},
            {5, 2},
            {8, 8},
            {3, 4},
            {4, 3}
        };
        for (byte[] bad : cases) {
            byte[] frame = bytes(GoldenFrames.SYN_V4_ALL_OPTIONS);
            java.util.Arrays.fill(frame, options, frame.length, (byte) 1); // all NOP
            System.arraycopy(bad, 0, frame, options, bad.length);
            assertThat(parse(frame, RxChecksum.VERIFIED))
                    .as("options %s", java.util.Arrays.toString(bad))
                    .isEqualTo(Malformed.BAD_OPTION_LENGTH);
        }
    }

    @Test
    void optionsAfterEndOfListAreIgnored() {
        byte[] frame = bytes(GoldenFrames.SYN_V4_ALL_OPTIONS);
        int options = TCP_V4 + 20;
        frame[options + 4] = 0; // EOL right after the MSS: the rest is padding
        frame[options + 5] = 1; // a length of 1 here would be malformed if it were read
        assertThat(parse(frame, RxChecksum.VERIFIED)).isEqualTo(Malformed.NONE);
        assertThat(parsed.options().mss()).isEqualTo(1460);
        assertThat(parsed.options().hasTimestamps()).isFalse();
    }

    @Test
    void arpForAnotherProtocolIsUnsupported() {
        byte[] frame = bytes(GoldenFrames.ARP_REQUEST);
        frame[ETH + 1] = 6; // hardware type 6 (IEEE 802)
        assertThat(parse(frame)).isEqualTo(Malformed.ARP_UNSUPPORTED);
        frame = bytes(GoldenFrames.ARP_REQUEST);
        frame[ETH + 5] = 16; // protocol length 16
        assertThat(parse(frame)).isEqualTo(Malformed.ARP_UNSUPPORTED);
    }

    @Test
    void ipv6NextHeadersOtherThanTcp() {
        byte[] frame = bytes(GoldenFrames.FIN_V6_DATA);
        frame[ETH + 6] = 17;
        assertThat(parse(frame)).isEqualTo(Malformed.NOT_TCP);
        frame[ETH + 6] = 44;
        assertThat(parse(frame)).isEqualTo(Malformed.IPV6_EXTENSION_HEADER);
    }

    @Test
    void aLengthBeyondTheMemoryIsTheCallersBugNotAMalformedFrame() {
        byte[] frame = bytes(GoldenFrames.ARP_REPLY);
        assertThatCode(() -> parser.parse(MemorySegment.ofArray(frame), 1, frame.length, RxChecksum.UNKNOWN, parsed))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void countsOnePerReason() {
        MalformedCounts counts = new MalformedCounts();
        byte[] frame = bytes(GoldenFrames.V4_UDP);
        counts.add(parse(frame));
        counts.add(parse(frame));
        counts.add(parse(bytes(GoldenFrames.ARP_REPLY)));
        assertThat(counts.of(Malformed.NOT_TCP)).isEqualTo(2);
        assertThat(counts.of(Malformed.NONE)).isEqualTo(1);
        assertThat(counts.dropped()).isEqualTo(2);
    }
}
