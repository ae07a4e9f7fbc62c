package dev.ferry.bench.buffer;

import dev.ferry.tcp.buffer.BufferPool;
import dev.ferry.tcp.buffer.ReceiveBuffer;
import dev.ferry.tcp.buffer.SendBuffer;
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
 * Heap versus native chunks for the stream buffers: one segment's payload copied from ring memory
 * (native) into a buffer and back out to TX memory (native), as the data path does, including the
 * chunk's trip to and from the pool when the buffer empties.
 *
 * <pre>java -jar bench/target/benchmarks.jar BufferBenchmark</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BufferBenchmark {
    @Param({"HEAP", "NATIVE"})
    public BufferPool.Memory memory;

    @Param({"64", "1448", "65536"})
    public int payload;

    private MemorySegment ring;
    private MemorySegment tx;
    private SendBuffer send;
    private ReceiveBuffer receive;

    @Setup
    public void setUp() {
        BufferPool pool = new BufferPool(16384, 64, memory);
        ring = Arena.ofAuto().allocate(70_000, 64);
        tx = Arena.ofAuto().allocate(70_000, 64);
        send = pool.acquireSendBuffer(1 << 20);
        receive = pool.acquireReceiveBuffer(1 << 20);
    }

    /** Application bytes into the send buffer, out to the TX frame, then ACKed. */
    @Benchmark
    public int sendPath() {
        send.append(ring, 82, payload);
        send.copyTo(0, payload, tx, 66);
        send.release(payload);
        return send.chunks();
    }

    /** A received segment's payload into the receive buffer, then read out by the application. */
    @Benchmark
    public int receivePath() {
        receive.write(0, ring, 82, payload);
        return receive.read(tx, 0, payload);
    }
}
