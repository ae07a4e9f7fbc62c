package dev.ferry.bench.conn;

import dev.ferry.tcp.buffer.BufferPool;
import dev.ferry.tcp.conn.TcpConfig;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine's per-segment cost, both ends included: the client writes {@code payload} bytes,
 * its segment(s) reach the server, whose application reads them, and the server's ACK returns
 * and is processed. Run with {@code -prof gc}: the steady state allocates nothing.
 *
 * <pre>java -jar bench/target/benchmarks.jar ConnectionBenchmark -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ConnectionBenchmark {
    @Param({"100", "1448", "65160"})
    public int payload;

    private Pair pair;
    private MemorySegment data;
    private byte[] array;

    @Setup
    public void setUp() {
        TcpConfig config = TcpConfig.builder().noDelay(true).delayedAckNs(1).build();
        pair = new Pair(config, new BufferPool(16_384, 4096, BufferPool.Memory.NATIVE));
        if (payload > 1448) {
            pair.maxTxPayload(65_000); // segmentation offload: one super-segment
        }
        data = Arena.ofAuto().allocate(payload, 64);
        array = new byte[payload];
    }

    /** One write, its delivery and read, and the ACK back (delayed ACKs fire at once here). */
    @Benchmark
    public long writeDeliverAck() {
        pair.client.connection.write(data, 0, payload);
        pair.run();
        pair.nowNs += 2;
        pair.timers();
        return pair.server.sink.received;
    }

    /** The same from a {@code byte[]}, as most applications write: must allocate nothing either. */
    @Benchmark
    public long writeDeliverAckFromArray() {
        pair.client.connection.write(array, 0, payload);
        pair.run();
        pair.nowNs += 2;
        pair.timers();
        return pair.server.sink.received;
    }
}
