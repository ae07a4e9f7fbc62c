package dev.ferry.bench.timer;

import dev.ferry.tcp.timer.TimerHandler;
import dev.ferry.tcp.timer.TimingWheel;
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
 * What a shard does to its wheel on every segment and every loop, on a wheel that already holds
 * {@code armed} entries (10 million: a shard full of idle connections). The connections being
 * worked on are a small hot set, as on a real shard, while their neighbours in the wheel's lists
 * are spread over the whole population.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar TimingWheelHotPath -bm sample -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class TimingWheelHotPathBench {
    private static final long MS = 1_000_000L;
    private static final long HOUR = 3_600_000 * MS;
    private static final int HOT = 1024;
    private static final TimerHandler NOTHING = (id, nowNs) -> {};

    @Param("10000000")
    int armed;

    private TimingWheel wheel;
    private long[] deadlines;
    private int cursor;
    private long nowNs;

    @Setup(Level.Trial)
    public void fill() {
        SplittableRandom random = new SplittableRandom(1);
        wheel = new TimingWheel(armed + HOT, 0);
        for (int id = 0; id < armed; id++) {
            wheel.arm(id, random.nextLong(1, HOUR)); // idle timers, keepalives, lifetimes
        }
        deadlines = new long[HOT];
        for (int i = 0; i < HOT; i++) {
            deadlines[i] = random.nextLong(MS, 3_000 * MS); // delayed ACKs and RTOs
        }
    }

    /** An RTO armed when data is sent and cancelled when it is acknowledged. */
    @Benchmark
    public void armThenCancel() {
        int i = cursor++ & (HOT - 1);
        int id = armed + i;
        wheel.arm(id, deadlines[i]);
        wheel.cancel(id);
    }

    /**
     * The shard loop's question when nothing is due: how long may I sleep, and is anything due?
     */
    @Benchmark
    public long idlePoll() {
        return wheel.nsUntilNext(0) + wheel.expire(0, NOTHING, 64);
    }

    /** A keepalive or idle deadline pushed later by every segment: the lazy path. */
    @Benchmark
    public void pushLater() {
        int i = cursor++ & (HOT - 1);
        int id = armed + i;
        nowNs += 1_000;
        wheel.arm(id, nowNs + deadlines[i]);
    }
}
