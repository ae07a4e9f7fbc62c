package dev.ferry.control.client;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential reconnect backoff with "equal jitter": attempt {@code n} waits a random time in
 * {@code [d/2, d]} where {@code d = min(max, initial * 2^n)}.
 *
 * <p>Why jitter: after a control-plane restart every sidecar of the cluster reconnects at once;
 * randomizing spreads the herd. Why not full jitter ({@code [0, d]}): a near-zero wait right after
 * a failure mostly fails again, half the window keeps a floor under the delay.
 */
public final class Backoff {

    private final long initialNs;
    private final long maxNs;
    private final RandomGenerator random;

    public Backoff(Duration initial, Duration max, RandomGenerator random) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 < initial <= max, got " + initial + ", " + max);
        }
        this.initialNs = initial.toNanos();
        this.maxNs = max.toNanos();
        this.random = random;
    }

    /** 100 ms doubling up to 30 s. */
    public static Backoff defaults() {
        return new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30), RandomGenerator.getDefault());
    }

    /** The wait before reconnect attempt {@code attempt} (0 = first retry after a failure). */
    public long delayNs(int attempt) {
        long ceiling = initialNs;
        for (int i = 0; i < attempt && ceiling < maxNs; i++) {
            ceiling = Math.min(maxNs, ceiling * 2);
        }
        long half = ceiling / 2;
        return half + random.nextLong(ceiling - half + 1);
    }
}
