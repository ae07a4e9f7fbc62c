package dev.ferry.bench.afpacket;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.ferry.afpacket.RxFrameHandler;
import dev.ferry.afpacket.RxMode;
import dev.ferry.afpacket.RxRing;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
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
 * aligned chain), filled with 60-byte frames. The baseline for "parse + demux <= 1.2x raw walk".
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

    private MemorySegment memory;
    private RxRing ring;

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
            }
        }
        ring = RxRing.over(memory, BLOCK_SIZE, BLOCKS, RxMode.RETIRE_ONLY);
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
}
