package dev.ferry.tcp.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Deterministic simulation of two connections over a lossy, duplicating, reordering, delaying,
 * rate-limited network, one seed per run (see {@link Simulation}).
 *
 * <ul>
 *   <li>Default: seeds 0..9,999, spread over the machine's cores.
 *   <li>{@code -Dferry.sim.seeds=1000000} (and {@code -Dferry.sim.base=N} to start elsewhere): more.
 *   <li>{@code -Dferry.sim.seed=N}: replay one seed alone, e.g. under a debugger.
 * </ul>
 */
class SimulationTest {
    @Test
    @Timeout(value = 30, unit = java.util.concurrent.TimeUnit.MINUTES)
    void everySeedDeliversBothStreamsIntactAndClosesInOrder() {
        Long single = Long.getLong("ferry.sim.seed");
        if (single != null) {
            Simulation simulation = new Simulation(single);
            System.out.println(simulation.description());
            simulation.run();
            return;
        }
        long seeds = Long.getLong("ferry.sim.seeds", 10_000);
        long base = Long.getLong("ferry.sim.base", 0);
        ConcurrentLinkedQueue<AssertionError> failures = new ConcurrentLinkedQueue<>();
        AtomicLong events = new AtomicLong();
        AtomicLong lateResets = new AtomicLong();
        long startNs = System.nanoTime();
        LongStream.range(base, base + seeds).parallel().forEach(seed -> {
            if (failures.size() >= 5) {
                return;
            }
            Simulation simulation = new Simulation(seed);
            try {
                simulation.run();
                events.addAndGet(simulation.clock.eventsRun());
                lateResets.addAndGet(simulation.lateResets);
            } catch (AssertionError e) {
                failures.add(e);
            }
        });
        long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;
        System.out.printf(
                "simulation: %d seeds from %d, %d events, %d ms, %d late resets after TIME_WAIT%n",
                seeds, base, events.get(), elapsedMs, lateResets.get());
        for (AssertionError failure : failures) {
            System.err.println(failure.getMessage());
        }
        List<String> failed = failures.stream().map(AssertionError::getMessage).toList();
        if (!failures.isEmpty()) {
            AssertionError first = failures.peek();
            throw new AssertionError(
                    failures.size() + " seed(s) failed; first:\n" + first.getMessage() + "\n  cause: "
                            + first.getCause(),
                    first.getCause());
        }
        assertThat(failed).isEmpty();
    }
}
