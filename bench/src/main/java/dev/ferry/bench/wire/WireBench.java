package dev.ferry.bench.wire;

import dev.ferry.tcp.link.RxChecksum;
import dev.ferry.tcp.wire.Checksum;
import dev.ferry.tcp.wire.FrameBuilder;
import dev.ferry.tcp.wire.FrameParser;
import dev.ferry.tcp.wire.Malformed;
import dev.ferry.tcp.wire.ParsedFrame;
import dev.ferry.tcp.wire.SegmentSpec;
import dev.ferry.tcp.wire.TcpFlags;
import dev.ferry.tcp.wire.TcpSegment;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The wire layer's hot paths over native memory, with frames at an odd offset as in an AF_PACKET
 * ring. Run: {@code java -jar bench/target/benchmarks.jar WireBench -f 1 -wi 3 -i 5 -w 1 -r 1 -prof
 * gc}; every parse and build should show ~0 B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WireBench {
    /** Where tp_mac puts the Ethernet header in a V3 ring frame: deliberately unaligned. */
    private static final long RING_OFFSET = 82 + 1;

    private final FrameParser parser = new FrameParser();
    private final ParsedFrame parsed = new ParsedFrame();
    private final FrameBuilder builder = new FrameBuilder();
    private final SegmentSpec ack = new SegmentSpec();
    private final SegmentSpec ackWithTimestamps = new SegmentSpec();

    private MemorySegment memory;
    private int synLength;
    private long synAt;
    private int dataLength;
    private long dataAt;
    private long checksumAt;
    private long txAt;
    private int seq;

    @Setup
    public void setUp() {
        memory = Arena.ofAuto().allocate(16 * 1024, 64);
        // A SYN with an MSS option padded to the 60-byte Ethernet minimum.
        byte[] syn = TcpSegment.syn("10.0.0.1", 40000, "10.0.0.2", 80, 1000)
                .withMss(1460)
                .toFrame();
        synLength = 60;
        synAt = RING_OFFSET;
        MemorySegment.copy(syn, 0, memory, ValueLayout.JAVA_BYTE, synAt, syn.length);
        // A full-size data frame with timestamps: 14 + 20 + 32 + 1448 = 1514 bytes.
        byte[] payload = new byte[1448];
        new Random(1).nextBytes(payload);
        byte[] data = TcpSegment.ack("10.0.0.1", 40000, "10.0.0.2", 80, 1001, 5001)
                .withFlags(TcpFlags.ACK | TcpFlags.PSH)
                .withAck(5001)
                .withTimestamps(123, 456)
                .withPayload(payload)
                .toFrame();
        if (data.length != 1514) {
            throw new IllegalStateException("data frame is " + data.length + " bytes");
        }
        dataLength = data.length;
        dataAt = 2048 + RING_OFFSET;
        MemorySegment.copy(data, 0, memory, ValueLayout.JAVA_BYTE, dataAt, data.length);
        checksumAt = dataAt + 14;
        txAt = 8192 + RING_OFFSET;
        ack.macs(0x02_00_00_00_00_01L, 0x02_00_00_00_00_02L)
                .ipv4(0x0a000001, 0x0a000002)
                .ports(40000, 80)
                .flags(TcpFlags.ACK)
                .window(502)
                .payloadLength(0);
        ackWithTimestamps
                .macs(0x02_00_00_00_00_01L, 0x02_00_00_00_00_02L)
                .ipv4(0x0a000001, 0x0a000002)
                .ports(40000, 80)
                .flags(TcpFlags.ACK)
                .window(502)
                .payloadLength(0)
                .options()
                .timestamps(1, 2);
        if (parseSyn() != Malformed.NONE || parseData1514() != Malformed.NONE) {
            throw new IllegalStateException("benchmark frames do not parse");
        }
    }

    /** RFC 1071 sum of 1500 bytes (an MTU's worth), odd start address. */
    @Benchmark
    public int checksum1500() {
        return Checksum.finish(Checksum.add(memory, checksumAt, 1500, 0));
    }

    /** Ethernet + IPv4 (header checksum) + TCP (full checksum) + MSS option of a 60-byte SYN. */
    @Benchmark
    public Malformed parseSyn() {
        return parser.parse(memory, synAt, synLength, RxChecksum.UNKNOWN, parsed);
    }

    /** A 1514-byte data frame, TCP checksum verified in software. */
    @Benchmark
    public Malformed parseData1514() {
        return parser.parse(memory, dataAt, dataLength, RxChecksum.UNKNOWN, parsed);
    }

    /** The same frame when the kernel vouched for its checksum (veth, CSUM_VALID). */
    @Benchmark
    public Malformed parseData1514ChecksumTrusted() {
        return parser.parse(memory, dataAt, dataLength, RxChecksum.VERIFIED, parsed);
    }

    /** Builds a 54-byte ACK (60 on the wire) with both checksums, a new seq each time. */
    @Benchmark
    public int buildAck() {
        ack.seq(seq++).ack(seq);
        builder.writeHeaders(memory, txAt, ack);
        return builder.complete(memory, txAt);
    }

    /** Builds a 66-byte ACK with the timestamps option and both checksums. */
    @Benchmark
    public int buildAckWithTimestamps() {
        ackWithTimestamps.seq(seq++).ack(seq);
        builder.writeHeaders(memory, txAt, ackWithTimestamps);
        return builder.complete(memory, txAt);
    }
}
