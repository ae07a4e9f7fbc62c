package dev.ferry.control.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void delaysDoubleWithinJitterBoundsUpToTheCap() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), new Random(7));
        long[] ceilingsMs = {100, 200, 400, 800, 1600, 2000, 2000, 2000};
        for (int attempt = 0; attempt < ceilingsMs.length; attempt++) {
            long ceilingNs = Duration.ofMillis(ceilingsMs[attempt]).toNanos();
            for (int i = 0; i < 100; i++) {
                assertThat(backoff.delayNs(attempt)).isBetween(ceilingNs / 2, ceilingNs);
            }
        }
        assertThat(backoff.delayNs(Integer.MAX_VALUE))
                .isLessThanOrEqualTo(Duration.ofSeconds(2).toNanos());
    }

    @Test
    void jitterSpreadsClientsThatFailTogether() {
        Random random = new Random(11);
        Set<Long> delays = new HashSet<>();
        for (int client = 0; client < 50; client++) {
            delays.add(new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), random).delayNs(3));
        }
        assertThat(delays).hasSizeGreaterThan(45);
    }

    @Test
    void refusesNonsenseBounds() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), new Random()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), new Random()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
