package dev.ferry.tcp.isn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tcp.wire.Addresses;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimestampOffsetsTest {
    private static final long LOCAL = Addresses.ipv4MappedLo(0x0A00_0001);

    private static long seed() {
        return Long.getLong("ferry.seed", new SplittableRandom().nextLong());
    }

    @Test
    void connectionsBetweenTheSameTwoHostsShareOneClockSoTheirTimestampsKeepIncreasing() {
        TimestampOffsets offsets = new TimestampOffsets(new SplittableRandom(seed()));
        long remote = Addresses.ipv4MappedLo(0x0A00_0002);
        int first = offsets.offset(0, LOCAL, 0, remote);
        assertThat(offsets.offset(0, LOCAL, 0, remote)).isEqualTo(first);
    }

    @Test
    void differentPeersSeeUnrelatedClocks() {
        long seed = seed();
        TimestampOffsets offsets = new TimestampOffsets(new SplittableRandom(seed));
        Set<Integer> seen = new HashSet<>();
        for (int host = 1; host <= 1000; host++) {
            seen.add(offsets.offset(0, LOCAL, 0, Addresses.ipv4MappedLo(0x0A01_0000 + host)));
        }
        seen.add(offsets.offset(0, LOCAL ^ 1, 0, Addresses.ipv4MappedLo(0x0A01_0001)));
        seen.add(offsets.offset(1, LOCAL, 0, Addresses.ipv4MappedLo(0x0A01_0001)));
        seen.add(offsets.offset(0, LOCAL, 1, Addresses.ipv4MappedLo(0x0A01_0001)));
        // 1,003 32-bit values from a keyed hash: a repeat has odds of about one in 8,500.
        assertThat(seen).as("seed %d", seed).hasSizeGreaterThanOrEqualTo(1002);
    }

    @Test
    void theKeyDecidesTheOffsets() {
        long remote = Addresses.ipv4MappedLo(0x0A00_0002);
        int one = new TimestampOffsets(new SplittableRandom(1)).offset(0, LOCAL, 0, remote);
        int same = new TimestampOffsets(new SplittableRandom(1)).offset(0, LOCAL, 0, remote);
        int other = new TimestampOffsets(new SplittableRandom(2)).offset(0, LOCAL, 0, remote);
        assertThat(same).isEqualTo(one);
        assertThat(other).isNotEqualTo(one);
    }
}
