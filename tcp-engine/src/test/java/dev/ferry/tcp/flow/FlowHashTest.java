package dev.ferry.tcp.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tcp.wire.Addresses;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FlowHashTest {
    private static final long PEER = Addresses.ipv4MappedLo(0x0A01_0002);

    /**
     * Strong universality, checked for pairs a flooding peer would choose: keys one bit, one port,
     * one address apart. Over random hash keys each pair must agree on the low 8 bits (its home
     * slot in a 256-slot table) about 1 time in 256, as two random values would.
     */
    @Test
    void craftedPairsCollideOnlyAsOftenAsRandomValues() {
        long[][] pairs = {
            {0, PEER, FlowRecords.portsAndLocal(0, 443, 40000), 0, PEER, FlowRecords.portsAndLocal(0, 443, 40001)},
            {0, PEER, FlowRecords.portsAndLocal(0, 443, 40000), 0, PEER + 1, FlowRecords.portsAndLocal(0, 443, 40000)},
            {0, PEER, FlowRecords.portsAndLocal(0, 443, 40000), 0, PEER, FlowRecords.portsAndLocal(1, 443, 40000)},
            {0, PEER, FlowRecords.portsAndLocal(0, 443, 40000), 1L << 63, PEER, FlowRecords.portsAndLocal(0, 443, 40000)
            },
            {
                0,
                PEER,
                FlowRecords.portsAndLocal(0, 443, 40000),
                0,
                PEER ^ (1L << 31),
                FlowRecords.portsAndLocal(0, 443, 40000)
            },
        };
        SplittableRandom keys = new SplittableRandom(21);
        int trials = 256 * 400;
        for (long[] p : pairs) {
            int collisions = 0;
            for (int t = 0; t < trials; t++) {
                FlowHash hash = new FlowHash(keys);
                if (((hash.hash(p[0], p[1], p[2]) ^ hash.hash(p[3], p[4], p[5])) & 0xFF) == 0) {
                    collisions++;
                }
            }
            // Binomial(102400, 1/256): mean 400, standard deviation 20; allow 5 deviations.
            assertThat(collisions).as("pair %s", java.util.Arrays.toString(p)).isBetween(300, 500);
        }
    }

    @Test
    void resultsAre32BitsAndDependOnTheKey() {
        FlowHash one = new FlowHash(new SplittableRandom(1));
        FlowHash same = new FlowHash(new SplittableRandom(1));
        FlowHash other = new FlowHash(new SplittableRandom(2));
        long key = FlowRecords.portsAndLocal(0, 80, 1234);
        assertThat(one.hash(0, PEER, key)).isEqualTo(same.hash(0, PEER, key)).isNotEqualTo(other.hash(0, PEER, key));
        assertThat(one.hash(0, PEER, key) >>> 32).isZero();
    }
}
