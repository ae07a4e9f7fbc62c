package dev.ferry.bench.afpacket;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.ferry.afpacket.RxFrameHandler;
import dev.ferry.afpacket.RxMode;
import dev.ferry.afpacket.RxRing;
import dev.ferry.tcp.flow.FlowRecords;
import dev.ferry.tcp.flow.FlowTable;
import dev.ferry.tcp.link.RxChecksum;
import dev.ferry.tcp.wire.Addresses;
import dev.ferry.tcp.wire.FrameBuilder;
import dev.ferry.tcp.wire.FrameParser;
import dev.ferry.tcp.wire.Malformed;
import dev.ferry.tcp.wire.ParsedFrame;
import dev.ferry.tcp.wire.SegmentSpec;
import dev.ferry.tcp.wire.TcpFlags;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The raw cost of walking a TPACKET_V3 RX ring: per frame, read the status words, follow the
 * frame chain, hand (memory, offset, length) to a handler, and give each block back. Blocks are
 * laid out exactly as the kernel lays them out (block descriptor, frames at tp_mac 82, 8-byte
 * aligned chain), filled with 60-byte frames: TCP ACKs of {@value #FLOWS} flows, IPv4 header
 * checksums valid, TCP checksums left to offload (CSUMNOTREADY), as veth hands them over.
 *
 * <p>{@link #walk} is the raw walk; {@link #parseAndDemux} adds what the stack does before a
 * connection sees a segment — parse Ethernet/IPv4/TCP and find the flow — so the two scores, from
 * one run, give the "parse + demux <= 1.2x raw walk" ratio.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar RxWalk}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RxWalkBenchmark {
    static final int BLOCK_SIZE = 1 << 16;
    static final int BLOCKS = 16;
    static final int FRAME_LENGTH = 60;
    static final int MAC_OFFSET = 82;
    static final int SLOT = (MAC_OFFSET + FRAME_LENGTH + 7) & ~7;
    static final int FRAMES_PER_BLOCK = (BLOCK_SIZE - 48) / SLOT;
    static final int FRAMES = FRAMES_PER_BLOCK * BLOCKS;
    private static final VarHandle INT = JAVA_INT.varHandle();

    static final int FLOWS = 10_000;

    private MemorySegment memory;
    private RxRing ring;
    private final FrameParser parser = new FrameParser();
    private final ParsedFrame parsed = new ParsedFrame();
    private FlowRecords<Object> records;
    private FlowTable flows;

    @Setup
    public void layOutBlocks() {
        memory = Arena.ofAuto().allocate((long) BLOCK_SIZE * BLOCKS, 4096);
        for (int b = 0; b < BLOCKS; b++) {
            long base = (long) b * BLOCK_SIZE;
            memory.set(JAVA_INT, base + 12, FRAMES_PER_BLOCK); // num_pkts
            memory.set(JAVA_INT, base + 16, 48); // offset_to_first_pkt
            memory.set(JAVA_INT, base + 20, 48 + FRAMES_PER_BLOCK * SLOT); // blk_len
            for (int f = 0; f < FRAMES_PER_BLOCK; f++) {
                long frame = base + 48 + (long) f * SLOT;
                memory.set(JAVA_INT, frame, f == FRAMES_PER_BLOCK - 1 ? 0 : SLOT); // tp_next_offset
                memory.set(JAVA_INT, frame + 12, FRAME_LENGTH); // tp_snaplen
                memory.set(JAVA_INT, frame + 16, FRAME_LENGTH); // tp_len
                memory.set(JAVA_INT, frame + 20, 1 | 8); // tp_status: USER | CSUMNOTREADY
                memory.set(JAVA_SHORT, frame + 24, (short) MAC_OFFSET); // tp_mac
                memory.set(JAVA_SHORT, frame + 26, (short) (MAC_OFFSET + 14)); // tp_net
                writeAck(frame + MAC_OFFSET, (b * FRAMES_PER_BLOCK + f) % FLOWS);
            }
        }
        records = new FlowRecords<>(FLOWS);
        flows = new FlowTable(records, new SplittableRandom(7), FLOWS);
        for (int i = 0; i < FLOWS; i++) {
            int id = records.add(this, 0, 0, Addresses.ipv4MappedLo(remote(i)), 80, port(i), 0x02_00_00_00_00_01L);
            flows.insert(id);
        }
        ring = RxRing.over(memory, BLOCK_SIZE, BLOCKS, RxMode.RETIRE_ONLY);
    }

    private static final int LOCAL = 0x0a00_0001;
    private static final long LOCAL_LO = Addresses.ipv4MappedLo(LOCAL);

    private static int remote(int flow) {
        return 0x0a01_0000 + flow / 20_000;
    }

    private static int port(int flow) {
        return 20_000 + flow % 20_000;
    }

    /** A 60-byte ACK of {@code flow} (54 bytes of headers, Ethernet padding after). */
    private void writeAck(long at, int flow) {
        SegmentSpec spec = new SegmentSpec()
                .macs(0x02_00_00_00_00_02L, 0x02_00_00_00_00_01L)
                .ipv4(remote(flow), LOCAL)
                .ports(port(flow), 80)
                .seq(1000)
                .ack(2000)
                .flags(TcpFlags.ACK)
                .window(65535)
                .payloadLength(0);
        FrameBuilder builder = new FrameBuilder();
        builder.writeHeaders(memory, at, spec);
        builder.completeOffloaded(memory, at);
    }

    /** Hands every block to "user space", as the kernel's retire does (not part of the walk's cost per se). */
    private void retireAll() {
        for (int b = 0; b < BLOCKS; b++) {
            INT.setRelease(memory, (long) b * BLOCK_SIZE + 8, 1);
        }
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public int walk(Blackhole bh) {
        retireAll();
        RxFrameHandler handler = (m, offset, length, status) -> {
            bh.consume(offset);
            bh.consume(length);
        };
        return ring.drain(handler, Integer.MAX_VALUE);
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public int parseAndDemux(Blackhole bh) {
        retireAll();
        RxFrameHandler handler = (m, offset, length, status) -> {
            Malformed outcome = parser.parse(m, offset, length, RxChecksum.PARTIAL, parsed);
            // As the stack does: the local address's index (one address here), then the flow.
            int localIndex = parsed.dstLo() == LOCAL_LO && parsed.dstHi() == 0 ? 0 : -1;
            int id = outcome == Malformed.NONE && localIndex >= 0
                    ? flows.find(
                            parsed.srcHi(),
                            parsed.srcLo(),
                            FlowRecords.portsAndLocal(localIndex, parsed.dstPort(), parsed.srcPort()))
                    : -2;
            bh.consume(id);
        };
        return ring.drain(handler, Integer.MAX_VALUE);
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public int parseOnly(Blackhole bh) {
        retireAll();
        RxFrameHandler handler = (m, offset, length, status) -> {
            bh.consume(parser.parse(m, offset, length, RxChecksum.PARTIAL, parsed));
        };
        return ring.drain(handler, Integer.MAX_VALUE);
    }
}
