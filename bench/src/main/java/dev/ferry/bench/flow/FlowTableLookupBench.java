package dev.ferry.bench.flow;

import dev.ferry.tcp.flow.FlowRecords;
import dev.ferry.tcp.flow.FlowTable;
import dev.ferry.tcp.wire.Addresses;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Flow lookups on a table of {@code flows} IPv4 flows to one local service, for flows present
 * (every segment of an established connection) and absent (a SYN, or a stray segment). Keys are
 * looked up in a random order, so large tables miss the CPU caches as a busy shard's would.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar FlowTableLookup -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class FlowTableLookupBench {
    private static final int LOCAL_INDEX = 0;
    private static final int LOCAL_PORT = 8080;
    private static final int PROBES = 1 << 16;

    @Param({"100000", "1000000"})
    int flows;

    private FlowTable table;
    private final long[] hitRemote = new long[PROBES];
    private final int[] hitPort = new int[PROBES];
    private final long[] missRemote = new long[PROBES];
    private final int[] missPort = new int[PROBES];
    private int cursor;

    @Setup(Level.Trial)
    public void fill() {
        SplittableRandom random = new SplittableRandom(1);
        FlowRecords<Object> records = new FlowRecords<>(flows);
        table = new FlowTable(records, new SplittableRandom(2), flows);
        long[] remotes = new long[flows];
        int[] ports = new int[flows];
        for (int i = 0; i < flows; i++) {
            while (true) {
                remotes[i] = Addresses.ipv4MappedLo(random.nextInt());
                ports[i] = random.nextInt(1024, 65536);
                int id = records.add(this, LOCAL_INDEX, 0, remotes[i], LOCAL_PORT, ports[i], 0x02_00_00_00_00_01L);
                if (table.insert(id) == FlowTable.NOT_FOUND) {
                    break;
                }
                records.remove(id); // a random duplicate: draw again
            }
        }
        for (int i = 0; i < PROBES; i++) {
            int id = random.nextInt(flows);
            hitRemote[i] = remotes[id];
            hitPort[i] = ports[id];
            do {
                missRemote[i] = Addresses.ipv4MappedLo(random.nextInt());
                missPort[i] = random.nextInt(1024, 65536);
            } while (table.find(LOCAL_INDEX, 0, missRemote[i], LOCAL_PORT, missPort[i]) != FlowTable.NOT_FOUND);
        }
    }

    @Benchmark
    public int hit() {
        int i = cursor++ & (PROBES - 1);
        return table.find(LOCAL_INDEX, 0, hitRemote[i], LOCAL_PORT, hitPort[i]);
    }

    @Benchmark
    public int miss() {
        int i = cursor++ & (PROBES - 1);
        return table.find(LOCAL_INDEX, 0, missRemote[i], LOCAL_PORT, missPort[i]);
    }
}
