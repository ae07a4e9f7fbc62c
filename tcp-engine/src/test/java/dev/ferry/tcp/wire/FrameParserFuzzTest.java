package dev.ferry.tcp.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ferry.tcp.link.RxChecksum;
import java.lang.foreign.MemorySegment;

/**
 * Any bytes, any {@link RxChecksum}: the parser never throws and never reads outside the frame, and
 * a frame it accepts as TCP means the same after being written again by {@link FrameBuilder}.
 *
 * <p>{@code ./mvnw verify} runs this in regression mode over the corpus in {@code
 * src/test/resources/dev/ferry/tcp/wire/FrameParserFuzzTestInputs/anyBytes} (the golden frames,
 * each behind one byte that picks the RxChecksum). To fuzz for real, for a while: {@code
 * JAZZER_FUZZ=1 ./mvnw -pl tcp-engine test -Dtest=FrameParserFuzzTest -Dsurefire.failIfNoSpecifiedTests=false}
 * and check new crash inputs in to the same directory.
 */
class FrameParserFuzzTest {
    private final FrameParser parser = new FrameParser();
    private final ParsedFrame parsed = new ParsedFrame();
    private final ParsedFrame again = new ParsedFrame();

    @FuzzTest(maxDuration = "60s")
    void anyBytes(byte[] input) {
        if (input.length == 0) {
            return;
        }
        RxChecksum checksum = RxChecksum.values()[(input[0] & 0xff) % RxChecksum.values().length];
        int length = input.length - 1;
        // The frame starts at offset 1 and the memory ends where the frame ends: reading past the
        // frame throws and fails the test.
        MemorySegment memory = MemorySegment.ofArray(input);
        Malformed verdict = parser.parse(memory, 1, length, checksum, parsed);
        if (verdict != Malformed.NONE) {
            return;
        }
        if (parsed.isArp()) {
            ArpPacket arp = parsed.arp();
            assertThat(arp.operation() | arp.senderIp() | arp.targetIp()).isNotNull();
            assertThat(arp.senderMac() | arp.targetMac()).isBetween(0L, 0xffff_ffff_ffffL);
            return;
        }
        assertThat(parsed.payloadOffset() + parsed.payloadLength()).isLessThanOrEqualTo(1L + length);
        TcpSegment segment = TcpSegment.from(parsed);
        if (segment.payloadLength() > 65_000) {
            return; // re-encoded options may be longer; such a frame would not fit an IP length field
        }
        SegmentSpec details = new SegmentSpec()
                .macs(parsed.srcMac(), parsed.dstMac())
                .vlanId(parsed.vlanId())
                .ttl(parsed.hopLimit())
                .trafficClass(parsed.ecn());
        byte[] rebuilt = segment.toFrame(details, false);
        assertThat(parser.parse(MemorySegment.ofArray(rebuilt), 0, rebuilt.length, RxChecksum.UNKNOWN, again))
                .isEqualTo(Malformed.NONE);
        assertThat(TcpSegment.from(again)).isEqualTo(segment);
        assertThat(again.vlanId()).isEqualTo(parsed.vlanId());
        assertThat(again.ecn()).isEqualTo(parsed.ecn());
    }
}
