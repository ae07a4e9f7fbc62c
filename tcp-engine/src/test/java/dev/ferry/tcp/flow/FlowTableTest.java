package dev.ferry.tcp.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.tcp.wire.Addresses;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FlowTableTest {
    private static final long LOCAL_V4 = Addresses.ipv4MappedLo(0x0A00_0001); // 10.0.0.1

    /** The reference key: a plain record in a HashMap. */
    private record Flow(long localHi, long localLo, long remoteHi, long remoteLo, int localPort, int remotePort) {
        int find(FlowTable table) {
            return table.find(localHi, localLo, remoteHi, remoteLo, localPort, remotePort);
        }

        int insert(FlowTable table, int id) {
            return table.insert(localHi, localLo, remoteHi, remoteLo, localPort, remotePort, id);
        }

        boolean remove(FlowTable table) {
            return table.remove(localHi, localLo, remoteHi, remoteLo, localPort, remotePort);
        }
    }

    private static long seed() {
        return Long.getLong("ferry.seed", new SplittableRandom().nextLong());
    }

    /**
     * Flows as a server sidecar sees them: few local addresses and ports, remote addresses and
     * ports from a range small enough that the workload revisits flows, IPv4 and IPv6 mixed.
     */
    private static Flow randomFlow(SplittableRandom random) {
        // Each field varies on its own, so a lookup that ignored any one of them would be caught.
        long localHi = random.nextBoolean() ? 0 : 0xFD00_0000_0000_0000L;
        long localLo = LOCAL_V4 + random.nextInt(3);
        int localPort = random.nextBoolean() ? 8080 : 443;
        boolean v4 = random.nextInt(3) != 0;
        long remoteHi = v4 ? 0 : 0xFD00_0000_0000_0000L | random.nextInt(4);
        long remoteLo = v4 ? Addresses.ipv4MappedLo(0x0A01_0000 | random.nextInt(64)) : random.nextInt(64);
        int remotePort = 32768 + random.nextInt(16);
        return new Flow(localHi, localLo, remoteHi, remoteLo, localPort, remotePort);
    }

    @Test
    void agreesWithAHashMapUnderARandomWorkloadThroughGrowth() {
        long seed = seed();
        agreesWithAHashMap(seed, new FlowTable(new SplittableRandom(seed ^ 1), 0), 200_000);
    }

    @Test
    void staysCorrectWhenEveryFlowHashesAlike() {
        // Every key collides: lookups must tell flows apart by every field of the key, and
        // deletion must keep one long run intact.
        long seed = seed();
        agreesWithAHashMap(seed, new FlowTable((localHi, localLo, remoteHi, remoteLo, ports) -> 42, 0), 20_000);
    }

    private static void agreesWithAHashMap(long seed, FlowTable table, int steps) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<Flow, Integer> reference = new HashMap<>();
        int nextId = 0;
        for (int step = 0; step < steps; step++) {
            Flow flow = randomFlow(random);
            String where = "seed " + seed + " step " + step + " " + flow;
            switch (random.nextInt(10)) {
                case 0, 1, 2, 3 -> {
                    int id = nextId++;
                    Integer previous = reference.putIfAbsent(flow, id);
                    assertThat(flow.insert(table, id))
                            .as(where)
                            .isEqualTo(previous == null ? FlowTable.NOT_FOUND : previous);
                }
                case 4, 5 -> assertThat(flow.remove(table)).as(where).isEqualTo(reference.remove(flow) != null);
                default ->
                    assertThat(flow.find(table)).as(where).isEqualTo(reference.getOrDefault(flow, FlowTable.NOT_FOUND));
            }
            assertThat(table.size()).as(where).isEqualTo(reference.size());
        }
        for (Map.Entry<Flow, Integer> entry : reference.entrySet()) {
            assertThat(entry.getKey().find(table)).as("seed %d", seed).isEqualTo(entry.getValue());
        }
    }

    @Test
    void holdsAMillionFlowsAndFindsEachAfterRemovingHalf() {
        long seed = seed();
        SplittableRandom random = new SplittableRandom(seed);
        FlowTable table = new FlowTable(new SplittableRandom(seed), 16);
        int flows = 1_000_000;
        List<Flow> all = new ArrayList<>(flows);
        for (int id = 0; id < flows; id++) {
            Flow flow = new Flow(0, LOCAL_V4, 0, Addresses.ipv4MappedLo(random.nextInt()), 80, random.nextInt(65536));
            if (flow.insert(table, id) == FlowTable.NOT_FOUND) {
                all.add(flow);
            } else {
                all.add(null); // a random duplicate: skip it
            }
        }
        for (int id = 0; id < flows; id += 2) {
            if (all.get(id) != null) {
                assertThat(all.get(id).remove(table)).isTrue();
            }
        }
        List<Integer> wrong = new ArrayList<>();
        for (int id = 0; id < flows; id++) {
            Flow flow = all.get(id);
            if (flow != null && flow.find(table) != (id % 2 == 0 ? FlowTable.NOT_FOUND : id)) {
                wrong.add(id);
            }
        }
        assertThat(wrong).as("seed %d: ids found wrongly", seed).isEmpty();
        assertThat(table.slots()).isEqualTo(2 << 20); // grew from 16 by doubling, never past 75 %
        assertThat(table.footprintBytes()).isEqualTo(44L * table.slots());
    }

    @Test
    void ipv4AndIpv6FlowsWithTheSameLowBitsAreDifferentFlows() {
        FlowTable table = new FlowTable(new SplittableRandom(7), 4);
        long v4 = Addresses.ipv4MappedLo(0xC0A8_0001);
        long v6Lo = v4 & 0xFFFF_FFFFL; // ::c0a8:1, the IPv4-compatible form, not the mapped one
        table.insert(0, LOCAL_V4, 0, v4, 80, 1234, 1);
        table.insert(0, LOCAL_V4, 0, v6Lo, 80, 1234, 2);
        table.insert(0, LOCAL_V4, 0, v4, 1234, 80, 3); // ports swapped
        assertThat(table.find(0, LOCAL_V4, 0, v4, 80, 1234)).isEqualTo(1);
        assertThat(table.find(0, LOCAL_V4, 0, v6Lo, 80, 1234)).isEqualTo(2);
        assertThat(table.find(0, LOCAL_V4, 0, v4, 1234, 80)).isEqualTo(3);
        assertThat(table.find(0, LOCAL_V4, 0, v4, 81, 1234)).isEqualTo(FlowTable.NOT_FOUND);
    }

    @Test
    void portsCountByTheirLow16Bits() {
        FlowTable table = new FlowTable(new SplittableRandom(7), 4);
        table.insert(0, LOCAL_V4, 0, LOCAL_V4 + 1, 0x1_0050, 0xFFFF, 9);
        assertThat(table.find(0, LOCAL_V4, 0, LOCAL_V4 + 1, 0x50, -1)).isEqualTo(9);
    }

    @Test
    void insertKeepsTheFirstIdAndRejectsNegativeIds() {
        FlowTable table = new FlowTable(new SplittableRandom(7), 4);
        assertThat(table.insert(0, LOCAL_V4, 0, 5, 1, 2, 10)).isEqualTo(FlowTable.NOT_FOUND);
        assertThat(table.insert(0, LOCAL_V4, 0, 5, 1, 2, 11)).isEqualTo(10);
        assertThat(table.find(0, LOCAL_V4, 0, 5, 1, 2)).isEqualTo(10);
        assertThatThrownBy(() -> table.insert(0, 0, 0, 0, 0, 0, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(table.remove(0, LOCAL_V4, 0, 6, 1, 2)).isFalse();
    }

    @Test
    void crowdedKeysPlaceNoWorseThanRandomOnesAndDependOnTheKey() {
        // Flows an attacker controls fully: one source address, consecutive ports, and remote
        // addresses that differ only in the bits a weak hash would drop.
        int flows = 98_000; // 75 % of 2^17 slots
        FlowTable crafted = new FlowTable(new SplittableRandom(11), flows);
        FlowTable random = new FlowTable(new SplittableRandom(11), flows);
        SplittableRandom source = new SplittableRandom(12);
        for (int i = 0; i < flows; i++) {
            crafted.insert(0, LOCAL_V4, (long) (i >>> 16) << 40, LOCAL_V4 + 1, 443, i & 0xFFFF, i);
            random.insert(source.nextLong(), source.nextLong(), source.nextLong(), source.nextLong(), 443, i, i);
        }
        assertThat(crafted.slots()).isEqualTo(random.slots());
        double craftedMean = (double) crafted.totalDisplacement() / flows;
        double randomMean = (double) random.totalDisplacement() / flows;
        // Linear probing at load 3/4 displaces a flow by 1.5 slots on average (Knuth); both must
        // be close to that, and to each other.
        assertThat(randomMean).isBetween(1.0, 2.2);
        assertThat(craftedMean).isBetween(randomMean * 0.75, randomMean * 1.25);
    }

    @Test
    void theHashKeyComesFromTheInjectedRandomSource() {
        // Same flows, different keys: where they land differs, so one table's collisions tell an
        // attacker nothing about another's.
        FlowTable first = new FlowTable(new SplittableRandom(1), 1024);
        FlowTable second = new FlowTable(new SplittableRandom(2), 1024);
        FlowTable sameAsFirst = new FlowTable(new SplittableRandom(1), 1024);
        for (int i = 0; i < 700; i++) {
            first.insert(0, LOCAL_V4, 0, LOCAL_V4 + i, 80, 40000, i);
            second.insert(0, LOCAL_V4, 0, LOCAL_V4 + i, 80, 40000, i);
            sameAsFirst.insert(0, LOCAL_V4, 0, LOCAL_V4 + i, 80, 40000, i);
        }
        assertThat(first.totalDisplacement()).isEqualTo(sameAsFirst.totalDisplacement());
        assertThat(first.totalDisplacement()).isNotEqualTo(second.totalDisplacement());
    }
}
