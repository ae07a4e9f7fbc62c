package dev.ferry.bench.flow;

import dev.ferry.tcp.flow.FlowHash;
import dev.ferry.tcp.flow.FlowRecords;
import dev.ferry.tcp.isn.IsnGenerator;
import dev.ferry.tcp.isn.SipHash;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The keyed hashes of a 4-tuple on their own: the flow table's {@link FlowHash} (every flow lookup
 * pays it), SipHash-1-3 of the same key and of the whole 36-byte 4-tuple (what lookups paid
 * before), and SipHash-2-4 through the ISN generator (every new connection pays it).
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar TupleHash}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TupleHashBench {
    private final SipHash hash = SipHash.keyedFrom(new SplittableRandom(1));
    private final FlowHash flowHash = new FlowHash(new SplittableRandom(3));
    private final IsnGenerator isns = new IsnGenerator(new SplittableRandom(2));
    private long remote = 0x0000_FFFF_0A00_0002L;
    private int port = 40_000;
    private long nowNs;

    @Benchmark
    public long sipHash13() {
        return hash.hash13(0, 0x0000_FFFF_0A00_0001L, 0, remote++, (8080 << 16) | (port++ & 0xFFFF));
    }

    /** SipHash-1-3 of the flow table's 24-byte key (local address as an index). */
    @Benchmark
    public long sipHash13ThreeWords() {
        return hash.hash13(0, remote++, FlowRecords.portsAndLocal(0, 8080, port++));
    }

    /** The flow table's hash of the same key ({@link FlowHash}). */
    @Benchmark
    public long flowHash() {
        return flowHash.hash(0, remote++, FlowRecords.portsAndLocal(0, 8080, port++));
    }

    @Benchmark
    public long sipHash24() {
        return hash.hash24(0, 0x0000_FFFF_0A00_0001L, 0, remote++, (8080 << 16) | (port++ & 0xFFFF));
    }

    @Benchmark
    public int isn() {
        nowNs += 1_000;
        return isns.isn(0, 0x0000_FFFF_0A00_0001L, 0, remote++, 8080, port++, nowNs);
    }
}
