package dev.ferry.tcp.sim;

import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A seeded, lossy, duplicating, reordering path with a propagation delay and, per direction, a
 * bottleneck of limited bandwidth behind a drop-tail queue.
 *
 * <p>Reordering comes from per-unit jitter added after the bottleneck, so a delayed unit can be
 * overtaken by later ones; duplicates take their own jittered copy of the delay.
 */
final class ImpairedNetwork implements NetworkModel {
    final double lossRate;
    final double duplicateRate;
    final double reorderRate;
    final long delayNs;
    final long jitterNs;
    final long bytesPerSecond;
    final int queueLimitBytes;
    private final SplittableRandom random;
    private final long[] bottleneckFreeAtNs = new long[2];
    long dropped;
    long queueDrops;
    long duplicated;

    ImpairedNetwork(
            SplittableRandom random,
            double lossRate,
            double duplicateRate,
            double reorderRate,
            long delayNs,
            long jitterNs,
            long bytesPerSecond,
            int queueLimitBytes) {
        this.random = random;
        this.lossRate = lossRate;
        this.duplicateRate = duplicateRate;
        this.reorderRate = reorderRate;
        this.delayNs = delayNs;
        this.jitterNs = jitterNs;
        this.bytesPerSecond = bytesPerSecond;
        this.queueLimitBytes = queueLimitBytes;
    }

    @Override
    public <P> void carry(P unit, int wireBytes, int direction, EventQueue clock, Consumer<P> deliver) {
        long now = clock.nowNs();
        // The bottleneck: serialization at the link rate behind a drop-tail queue.
        long start = Math.max(now, bottleneckFreeAtNs[direction]);
        long queuedBytes = (start - now) * bytesPerSecond / 1_000_000_000L;
        if (queuedBytes + wireBytes > queueLimitBytes) {
            queueDrops++;
            return;
        }
        long serialization = wireBytes * 1_000_000_000L / bytesPerSecond;
        bottleneckFreeAtNs[direction] = start + serialization;
        long leaves = start + serialization;
        if (random.nextDouble() < lossRate) {
            dropped++;
            return;
        }
        clock.at(leaves + propagation(), () -> deliver.accept(unit));
        if (random.nextDouble() < duplicateRate) {
            duplicated++;
            clock.at(leaves + propagation(), () -> deliver.accept(unit));
        }
    }

    private long propagation() {
        long delay = delayNs;
        if (jitterNs > 0) {
            delay += random.nextLong(jitterNs);
        }
        if (random.nextDouble() < reorderRate) {
            delay += random.nextLong(Math.max(1, 4 * delayNs + jitterNs)); // overtaken by later units
        }
        return delay;
    }

    @Override
    public String toString() {
        return String.format(
                "loss=%.3f dup=%.3f reorder=%.3f delay=%dus jitter=%dus rate=%dB/s queue=%dB",
                lossRate, duplicateRate, reorderRate, delayNs / 1000, jitterNs / 1000, bytesPerSecond, queueLimitBytes);
    }
}
