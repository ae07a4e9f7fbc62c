package dev.ferry.tcp.isn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tcp.seq.Seq;
import dev.ferry.tcp.wire.Addresses;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsnGeneratorTest {
    private static final long LOCAL = Addresses.ipv4MappedLo(0x0A00_0001);
    private static final long REMOTE = Addresses.ipv4MappedLo(0x0A00_0002);
    private static final long SECOND = 1_000_000_000L;

    private static long seed() {
        return Long.getLong("ferry.seed", new SplittableRandom().nextLong());
    }

    @Test
    void theClockPartAdvancesOncePerFourMicroseconds() {
        IsnGenerator generator = new IsnGenerator(new SplittableRandom(seed()));
        long start = 123 * IsnGenerator.CLOCK_PERIOD_NS;
        int first = generator.isn(0, LOCAL, 0, REMOTE, 80, 40000, start);
        assertThat(generator.isn(0, LOCAL, 0, REMOTE, 80, 40000, start + 3_999)).isEqualTo(first);
        assertThat(generator.isn(0, LOCAL, 0, REMOTE, 80, 40000, start + 4_000)).isEqualTo(first + 1);
        assertThat(generator.isn(0, LOCAL, 0, REMOTE, 80, 40000, start + SECOND))
                .isEqualTo(first + 250_000);
    }

    @Test
    void aLaterIncarnationOfTheSameFlowStartsLaterInSequenceSpace() {
        IsnGenerator generator = new IsnGenerator(new SplittableRandom(seed()));
        int before = generator.isn(0, LOCAL, 0, REMOTE, 80, 40000, 7 * SECOND);
        int after = generator.isn(0, LOCAL, 0, REMOTE, 80, 40000, 8 * SECOND);
        assertThat(Seq.gt(after, before)).isTrue();
    }

    @Test
    void negativeAndZeroTimesCountLikeAnyOther() {
        IsnGenerator generator = new IsnGenerator(new SplittableRandom(seed()));
        int atZero = generator.isn(0, LOCAL, 0, REMOTE, 80, 40000, 0);
        assertThat(generator.isn(0, LOCAL, 0, REMOTE, 80, 40000, -1)).isEqualTo(atZero - 1);
        assertThat(generator.isn(0, LOCAL, 0, REMOTE, 80, 40000, -4_000)).isEqualTo(atZero - 1);
        assertThat(generator.isn(0, LOCAL, 0, REMOTE, 80, 40000, -4_001)).isEqualTo(atZero - 2);
    }

    @Test
    void everyFieldOfTheTupleChangesTheOffset() {
        IsnGenerator generator = new IsnGenerator(new SplittableRandom(seed()));
        long now = 42 * SECOND;
        int base = generator.isn(0, LOCAL, 0, REMOTE, 80, 40000, now);
        assertThat(generator.isn(1L << 63, LOCAL, 0, REMOTE, 80, 40000, now)).isNotEqualTo(base);
        assertThat(generator.isn(0, LOCAL ^ 1, 0, REMOTE, 80, 40000, now)).isNotEqualTo(base);
        assertThat(generator.isn(0, LOCAL, 1, REMOTE, 80, 40000, now)).isNotEqualTo(base);
        assertThat(generator.isn(0, LOCAL, 0, REMOTE ^ (1L << 40), 80, 40000, now))
                .isNotEqualTo(base);
        assertThat(generator.isn(0, LOCAL, 0, REMOTE, 81, 40000, now)).isNotEqualTo(base);
        assertThat(generator.isn(0, LOCAL, 0, REMOTE, 80, 40001, now)).isNotEqualTo(base);
        // The direction matters: the reply flow is another tuple.
        assertThat(generator.isn(0, REMOTE, 0, LOCAL, 40000, 80, now)).isNotEqualTo(base);
    }

    @Test
    void theSecretKeyComesFromTheInjectedRandomSource() {
        long seed = seed();
        IsnGenerator one = new IsnGenerator(new SplittableRandom(seed));
        IsnGenerator same = new IsnGenerator(new SplittableRandom(seed));
        IsnGenerator other = new IsnGenerator(new SplittableRandom(seed + 1));
        int isn = one.isn(0, LOCAL, 0, REMOTE, 80, 40000, SECOND);
        assertThat(same.isn(0, LOCAL, 0, REMOTE, 80, 40000, SECOND)).isEqualTo(isn);
        assertThat(other.isn(0, LOCAL, 0, REMOTE, 80, 40000, SECOND))
                .as("seed %d", seed)
                .isNotEqualTo(isn);
    }

    @Test
    void offsetsOfNeighbouringFlowsLookUniformAndUnrelated() {
        // What an attacker sees from its own connections (consecutive source ports at one instant)
        // must not reveal a pattern: offsets spread evenly and do not repeat.
        long seed = seed();
        IsnGenerator generator = new IsnGenerator(new SplittableRandom(seed));
        int flows = 65_536;
        int[] byTopNibble = new int[16];
        Set<Integer> distinct = new HashSet<>();
        for (int port = 0; port < flows; port++) {
            int isn = generator.isn(0, LOCAL, 0, REMOTE, 443, port, SECOND);
            byTopNibble[isn >>> 28]++;
            distinct.add(isn);
        }
        for (int count : byTopNibble) {
            // 4096 expected, standard deviation about 62: a 10 % band is over six deviations wide.
            assertThat(count).as("seed %d", seed).isBetween(4096 - 410, 4096 + 410);
        }
        // 2^16 values among 2^32: about 0.5 collisions expected; more than a few means structure.
        assertThat(distinct.size()).as("seed %d", seed).isGreaterThan(flows - 8);
    }
}
