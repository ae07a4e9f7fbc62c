package dev.ferry.tcp.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tcp.link.RxChecksum;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random segments built in place at random (often odd) offsets must parse back to what was built,
 * and any single flipped bit in the TCP segment must be caught. Replay a failure with {@code
 * -Dferry.seed=<seed printed in the failure>}.
 */
class FrameRoundTripTest {
    private static final int CASES = 3_000;

    private final long seed = Long.getLong("ferry.seed", System.nanoTime());
    private final Random random = new Random(seed);
    private final FrameBuilder builder = new FrameBuilder();
    private final FrameParser parser = new FrameParser();
    private final ParsedFrame parsed = new ParsedFrame();
    private final MemorySegment ring = MemorySegment.ofArray(new byte[70_000]);

    @Test
    void builtFramesParseBackToTheSameSegment() {
        for (int i = 0; i < CASES; i++) {
            TcpSegment segment = randomSegment(random.nextInt(10) == 0 ? 65_000 : 1_500);
            SegmentSpec spec = segment.fill(randomDetails());
            long at = random.nextInt(300);
            int length = build(segment, spec, at);

            Malformed verdict = parser.parse(ring, at, length, RxChecksum.UNKNOWN, parsed);
            String why = "seed " + seed + ", case " + i + ": " + segment;
            assertThat(verdict).as(why).isEqualTo(Malformed.NONE);
            assertThat(TcpSegment.from(parsed)).as(why).isEqualTo(segment);
            assertThat(parsed.srcMac()).as(why).isEqualTo(spec.srcMac());
            assertThat(parsed.dstMac()).as(why).isEqualTo(spec.dstMac());
            assertThat(parsed.vlanId()).as(why).isEqualTo(spec.vlanId());
            assertThat(parsed.hopLimit()).as(why).isEqualTo(spec.ttl());
            assertThat(parsed.ecn()).as(why).isEqualTo(spec.trafficClass() & 3);
            assertThat(parsed.payloadOffset() - at).as(why).isEqualTo(builder.headerLength());
        }
    }

    @Test
    void everySingleBitFlipInTheTcpSegmentIsCaught() {
        for (int i = 0; i < CASES / 10; i++) {
            TcpSegment segment = randomSegment(200);
            SegmentSpec spec = segment.fill(randomDetails());
            long at = random.nextInt(64);
            int length = build(segment, spec, at);
            long tcp = at + builder.tcpOffset();
            long flipAt = tcp + random.nextInt((int) (at + length - tcp));
            int bit = 1 << random.nextInt(8);
            ring.set(ValueLayout.JAVA_BYTE, flipAt, (byte) (ring.get(ValueLayout.JAVA_BYTE, flipAt) ^ bit));

            assertThat(parser.parse(ring, at, length, RxChecksum.UNKNOWN, parsed))
                    .as("seed %d, case %d: bit %d at %d of %s", seed, i, bit, flipAt - tcp, segment)
                    .isNotEqualTo(Malformed.NONE);
        }
    }

    private int build(TcpSegment segment, SegmentSpec spec, long at) {
        int headers = builder.writeHeaders(ring, at, spec);
        byte[] payload = segment.payload();
        MemorySegment.copy(payload, 0, ring, ValueLayout.JAVA_BYTE, at + headers, payload.length);
        return builder.complete(ring, at);
    }

    private SegmentSpec randomDetails() {
        return new SegmentSpec()
                .macs(random.nextLong() & 0xffff_ffff_ffffL, random.nextLong() & 0xffff_ffff_ffffL)
                .vlanId(random.nextBoolean() ? EthernetHeader.NO_VLAN : random.nextInt(4096))
                .ttl(1 + random.nextInt(255))
                .trafficClass(random.nextInt(256));
    }

    private TcpSegment randomSegment(int maxPayload) {
        boolean v6 = random.nextBoolean();
        TcpSegment.Timestamps ts =
                random.nextBoolean() ? new TcpSegment.Timestamps(random.nextInt(), random.nextInt()) : null;
        int mss = random.nextInt(4) == 0 ? random.nextInt(65536) : TcpOptions.ABSENT;
        int scale = random.nextInt(4) == 0 ? random.nextInt(256) : TcpOptions.ABSENT;
        boolean sackOk = random.nextInt(4) == 0;
        TcpOptions probe = new TcpSegment.Options(mss, scale, sackOk, ts, List.of()).into(new TcpOptions());
        int wanted = random.nextInt(5);
        List<TcpSegment.SackBlock> blocks = new ArrayList<>();
        for (int b = 0; b < wanted; b++) {
            probe.addSackBlock(0, 0);
        }
        // Only the blocks the writer can fit beside the other options survive a round trip.
        for (int b = 0; b < probe.sackBlocksThatFit(); b++) {
            blocks.add(new TcpSegment.SackBlock(random.nextInt(), random.nextInt()));
        }
        byte[] payload = new byte[random.nextInt(4) == 0 ? 0 : random.nextInt(maxPayload + 1)];
        random.nextBytes(payload);
        return new TcpSegment(
                address(v6),
                random.nextInt(65536),
                address(v6),
                random.nextInt(65536),
                random.nextInt(),
                random.nextInt(),
                random.nextInt(256),
                random.nextInt(65536),
                new TcpSegment.Options(mss, scale, sackOk, ts, blocks),
                payload);
    }

    private InetAddress address(boolean v6) {
        byte[] raw = new byte[v6 ? 16 : 4];
        random.nextBytes(raw);
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException impossible) {
            throw new AssertionError(impossible);
        }
    }
}
