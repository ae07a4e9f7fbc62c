package dev.ferry.tcp.isn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tcp.wire.Addresses;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EphemeralPortsTest {
    private static final long LOCAL = Addresses.ipv4MappedLo(0x0A00_0001);
    private static final long REMOTE = Addresses.ipv4MappedLo(0x0A00_0002);

    private static long seed() {
        return Long.getLong("ferry.seed", new SplittableRandom().nextLong());
    }

    @Test
    void aSearchVisitsEveryPortOfTheRangeOnceBeforeRepeatingOne() {
        EphemeralPorts ports = new EphemeralPorts(new SplittableRandom(seed()));
        int offset = ports.offset(0, LOCAL, 0, REMOTE, 443);
        BitSet seen = new BitSet();
        for (int i = 0; i < EphemeralPorts.COUNT; i++) {
            int port = ports.next(offset);
            assertThat(port).isBetween(32768, 60999);
            assertThat(seen.get(port)).as("port %d twice", port).isFalse();
            seen.set(port);
        }
        assertThat(seen.cardinality()).isEqualTo(61000 - 32768);
    }

    @Test
    void towardsOneDestinationPortsComeInSequenceSoEachIsReusedAsLateAsPossible() {
        EphemeralPorts ports = new EphemeralPorts(new SplittableRandom(seed()));
        int previous = ports.next(ports.offset(0, LOCAL, 0, REMOTE, 443));
        for (int i = 0; i < 100; i++) {
            int port = ports.next(ports.offset(0, LOCAL, 0, REMOTE, 443));
            assertThat(port).isEqualTo(previous == 60999 ? 32768 : previous + 1);
            previous = port;
        }
    }

    @Test
    void differentDestinationsStartAtUnrelatedPlaces() {
        long seed = seed();
        EphemeralPorts ports = new EphemeralPorts(new SplittableRandom(seed));
        Set<Integer> firsts = new HashSet<>();
        for (int host = 1; host <= 100; host++) {
            firsts.add(ports.next(ports.offset(0, LOCAL, 0, Addresses.ipv4MappedLo(0x0A01_0000 + host), 443)));
        }
        for (int port = 1; port <= 100; port++) {
            firsts.add(ports.next(ports.offset(0, LOCAL, 0, REMOTE, port)));
        }
        // A counter alone would give 200 consecutive ports; the keyed hash scatters them over 28,232.
        int span = firsts.stream().mapToInt(Integer::intValue).max().orElseThrow()
                - firsts.stream().mapToInt(Integer::intValue).min().orElseThrow();
        assertThat(firsts).as("seed %d", seed).hasSizeGreaterThan(190);
        assertThat(span).as("seed %d", seed).isGreaterThan(10_000);
    }
}
