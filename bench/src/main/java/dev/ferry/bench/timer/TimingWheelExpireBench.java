package dev.ferry.bench.timer;

import dev.ferry.tcp.timer.TimerHandler;
import dev.ferry.tcp.timer.TimingWheel;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Steady-state expiry: {@code entries} timers with deadlines spread over {@code spreadMs}; each
 * fired timer is re-armed the same distance ahead (a retransmission or keepalive cycle), so every
 * fire also pays for an arm and for its share of cascading. Each invocation advances time by one
 * tick. The {@code fired} counter gives timers expired per second.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar TimingWheelExpire -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class TimingWheelExpireBench {
    private static final long MS = 1_000_000L;
    private static final int OFFSETS = 1 << 16;

    @Param("1000000")
    int entries;

    @Param({"200", "60000"})
    long spreadMs;

    private TimingWheel wheel;
    private long[] offsets;
    private int cursor;
    private long nowNs;
    private TimerHandler rearm;

    /** Timers fired, reported by JMH as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Fired {
        public long fired;
    }

    @Setup(Level.Trial)
    public void fill() {
        SplittableRandom random = new SplittableRandom(1);
        offsets = new long[OFFSETS];
        for (int i = 0; i < OFFSETS; i++) {
            offsets[i] = random.nextLong(1, spreadMs * MS);
        }
        wheel = new TimingWheel(entries, 0);
        for (int id = 0; id < entries; id++) {
            wheel.arm(id, offsets[id & (OFFSETS - 1)]);
        }
        rearm = (id, now) -> wheel.arm(id, now + offsets[cursor++ & (OFFSETS - 1)]);
    }

    @Benchmark
    public int advanceOneTick(Fired counter) {
        nowNs += TimingWheel.TICK_NS;
        int fired = wheel.expire(nowNs, rearm, Integer.MAX_VALUE);
        counter.fired += fired;
        return fired;
    }
}
