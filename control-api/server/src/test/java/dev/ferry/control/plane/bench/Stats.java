package dev.ferry.control.plane.bench;

import java.util.Arrays;
import java.util.Locale;

/** Median, p90 and max of a set of timings, in milliseconds. */
record Stats(double medianMs, double p90Ms, double maxMs) {
    static Stats ofNanos(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new Stats(
                sorted[sorted.length / 2] / 1e6,
                sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.9) - 1)] / 1e6,
                sorted[sorted.length - 1] / 1e6);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "median %.1f ms, p90 %.1f ms, max %.1f ms", medianMs, p90Ms, maxMs);
    }
}
