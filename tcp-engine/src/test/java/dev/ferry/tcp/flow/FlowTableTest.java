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
    private static final long V4 = Addresses.ipv4MappedLo(0x0A00_0001); // 10.0.0.1

    /** The reference key: a plain record in a HashMap. */
    private record Flow(int localIndex, long remoteHi, long remoteLo, int localPort, int remotePort) {
        int find(FlowTable table) {
            return table.find(localIndex, remoteHi, remoteLo, localPort, remotePort);
        }

        int add(FlowRecords<String> records) {
            return records.add(toString(), localIndex, remoteHi, remoteLo, localPort, remotePort, 0);
        }
    }

    /** A table over its own records, so tests can insert and remove flows by key. */
    private static final class Indexed {
        final FlowRecords<String> records = new FlowRecords<>(0);
        final FlowTable table;

        Indexed(long seed, int expectedFlows) {
            table = new FlowTable(records, new SplittableRandom(seed), expectedFlows);
        }

        Indexed(FlowTable.TupleHash hash) {
            table = new FlowTable(records, () -> hash, 0, Integer.MAX_VALUE);
        }

        /** As a stack inserts: record first, then index; a duplicate's record is freed again. */
        int insert(Flow flow) {
            int id = flow.add(records);
            int existing = table.insert(id);
            if (existing != FlowTable.NOT_FOUND) {
                records.remove(id);
            }
            return existing == FlowTable.NOT_FOUND ? id : existing;
        }

        void remove(int id) {
            assertThat(table.remove(id)).as("remove %d", id).isTrue();
            assertThat(table.remove(id)).as("remove %d again", id).isFalse();
            records.remove(id);
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
        int localIndex = random.nextInt(3);
        int localPort = random.nextBoolean() ? 8080 : 443;
        boolean v4 = random.nextInt(3) != 0;
        long remoteHi = v4 ? 0 : 0xFD00_0000_0000_0000L | random.nextInt(4);
        long remoteLo = v4 ? Addresses.ipv4MappedLo(0x0A01_0000 | random.nextInt(64)) : random.nextInt(64);
        int remotePort = 32768 + random.nextInt(16);
        return new Flow(localIndex, remoteHi, remoteLo, localPort, remotePort);
    }

    @Test
    void agreesWithAHashMapUnderARandomWorkloadThroughGrowth() {
        long seed = seed();
        agreesWithAHashMap(seed, new Indexed(seed ^ 1, 0), 200_000);
    }

    @Test
    void staysCorrectWhenEveryFlowHashesAlike() {
        // Every key collides (and re-keying is off): lookups must tell flows apart by every field of
        // the key, and deletion must keep one long run intact.
        long seed = seed();
        agreesWithAHashMap(seed, new Indexed((remoteHi, remoteLo, portsAndLocal) -> 42), 20_000);
    }

    private static void agreesWithAHashMap(long seed, Indexed indexed, int steps) {
        SplittableRandom random = new SplittableRandom(seed);
        FlowTable table = indexed.table;
        Map<Flow, Integer> reference = new HashMap<>();
        for (int step = 0; step < steps; step++) {
            Flow flow = randomFlow(random);
            String where = "seed " + seed + " step " + step + " " + flow;
            Integer present = reference.get(flow);
            switch (random.nextInt(10)) {
                case 0, 1, 2, 3 -> {
                    int id = indexed.insert(flow);
                    if (present == null) {
                        reference.put(flow, id);
                    } else {
                        assertThat(id).as(where).isEqualTo(present);
                    }
                }
                case 4, 5 -> {
                    if (present != null) {
                        indexed.remove(present);
                        reference.remove(flow);
                    }
                }
                default ->
                    assertThat(flow.find(table)).as(where).isEqualTo(present == null ? FlowTable.NOT_FOUND : present);
            }
            assertThat(table.size()).as(where).isEqualTo(reference.size());
            assertThat(indexed.records.size()).as(where).isEqualTo(reference.size());
        }
        for (Map.Entry<Flow, Integer> entry : reference.entrySet()) {
            assertThat(entry.getKey().find(table)).as("seed %d", seed).isEqualTo(entry.getValue());
        }
    }

    @Test
    void holdsAMillionFlowsAndFindsEachAfterRemovingHalf() {
        long seed = seed();
        SplittableRandom random = new SplittableRandom(seed);
        Indexed indexed = new Indexed(seed, 16);
        int flows = 1_000_000;
        List<Flow> all = new ArrayList<>(flows);
        List<Integer> ids = new ArrayList<>(flows);
        for (int i = 0; i < flows; i++) {
            Flow flow = new Flow(0, 0, Addresses.ipv4MappedLo(random.nextInt()), 80, random.nextInt(65536));
            int id = flow.add(indexed.records);
            if (indexed.table.insert(id) == FlowTable.NOT_FOUND) {
                all.add(flow);
                ids.add(id);
            } else {
                indexed.records.remove(id); // a random duplicate: skip it
            }
        }
        for (int i = 0; i < all.size(); i += 2) {
            indexed.remove(ids.get(i));
        }
        List<Integer> wrong = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).find(indexed.table) != (i % 2 == 0 ? FlowTable.NOT_FOUND : ids.get(i))) {
                wrong.add(i);
            }
        }
        assertThat(wrong).as("seed %d: flows found wrongly", seed).isEmpty();
        assertThat(indexed.table.slots()).isEqualTo(2 << 20); // grew from 16 by doubling, never past 75 %
        assertThat(indexed.table.footprintBytes()).isEqualTo(8L * indexed.table.slots());
        assertThat(indexed.table.rekeys()).isZero();
    }

    @Test
    void ipv4AndIpv6FlowsWithTheSameLowBitsAreDifferentFlows() {
        Indexed indexed = new Indexed(7, 4);
        long v4 = Addresses.ipv4MappedLo(0xC0A8_0001);
        long v6Lo = v4 & 0xFFFF_FFFFL; // ::c0a8:1, the IPv4-compatible form, not the mapped one
        int first = indexed.insert(new Flow(0, 0, v4, 80, 1234));
        int second = indexed.insert(new Flow(0, 0, v6Lo, 80, 1234));
        int swapped = indexed.insert(new Flow(0, 0, v4, 1234, 80));
        int otherLocal = indexed.insert(new Flow(1, 0, v4, 80, 1234));
        FlowTable table = indexed.table;
        assertThat(List.of(first, second, swapped, otherLocal)).doesNotHaveDuplicates();
        assertThat(table.find(0, 0, v4, 80, 1234)).isEqualTo(first);
        assertThat(table.find(0, 0, v6Lo, 80, 1234)).isEqualTo(second);
        assertThat(table.find(0, 0, v4, 1234, 80)).isEqualTo(swapped);
        assertThat(table.find(1, 0, v4, 80, 1234)).isEqualTo(otherLocal);
        assertThat(table.find(0, 0, v4, 81, 1234)).isEqualTo(FlowTable.NOT_FOUND);
        assertThat(table.find(2, 0, v4, 80, 1234)).isEqualTo(FlowTable.NOT_FOUND);
    }

    @Test
    void portsCountByTheirLow16Bits() {
        Indexed indexed = new Indexed(7, 4);
        int id = indexed.insert(new Flow(0, 0, V4 + 1, 0x1_0050, 0xFFFF));
        assertThat(indexed.table.find(0, 0, V4 + 1, 0x50, -1)).isEqualTo(id);
    }

    @Test
    void insertKeepsTheFirstIdAndRejectsIdsThatHoldNoFlow() {
        Indexed indexed = new Indexed(7, 4);
        Flow flow = new Flow(0, 0, 5, 1, 2);
        int first = flow.add(indexed.records);
        int second = flow.add(indexed.records);
        assertThat(indexed.table.insert(first)).isEqualTo(FlowTable.NOT_FOUND);
        assertThat(indexed.table.insert(second)).isEqualTo(first);
        assertThat(flow.find(indexed.table)).isEqualTo(first);
        assertThat(indexed.table.size()).isEqualTo(1);
        assertThat(indexed.table.remove(second)).isFalse(); // same key, but not the id indexed
        assertThatThrownBy(() -> indexed.table.insert(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> indexed.table.insert(99)).isInstanceOf(IllegalArgumentException.class);
        assertThat(indexed.table.remove(99)).isFalse();
    }

    @Test
    void crowdedKeysPlaceNoWorseThanRandomOnesAndDependOnTheKey() {
        // Flows an attacker controls fully: one source address, consecutive ports, and remote
        // addresses that differ only in the bits a weak hash would drop.
        int flows = 98_000; // 75 % of 2^17 slots
        Indexed crafted = new Indexed(11, flows);
        Indexed random = new Indexed(11, flows);
        SplittableRandom source = new SplittableRandom(12);
        for (int i = 0; i < flows; i++) {
            crafted.insert(new Flow(0, (long) (i >>> 16) << 40, V4 + 1, 443, i & 0xFFFF));
            random.insert(new Flow(source.nextInt(1 << 16), source.nextLong(), source.nextLong(), 443, i));
        }
        assertThat(crafted.table.slots()).isEqualTo(random.table.slots());
        double craftedMean = (double) crafted.table.totalDisplacement() / flows;
        double randomMean = (double) random.table.totalDisplacement() / flows;
        // Linear probing at load 3/4 displaces a flow by 1.5 slots on average (Knuth); both must
        // be close to that, and to each other.
        assertThat(randomMean).isBetween(1.0, 2.2);
        assertThat(craftedMean).isBetween(randomMean * 0.75, randomMean * 1.25);
    }

    @Test
    void theHashKeyComesFromTheInjectedRandomSource() {
        // Same flows, different keys: where they land differs, so one table's collisions tell an
        // attacker nothing about another's.
        Indexed first = new Indexed(1, 1024);
        Indexed second = new Indexed(2, 1024);
        Indexed sameAsFirst = new Indexed(1, 1024);
        for (int i = 0; i < 700; i++) {
            Flow flow = new Flow(0, 0, V4 + i, 80, 40000);
            first.insert(flow);
            second.insert(flow);
            sameAsFirst.insert(flow);
        }
        assertThat(first.table.totalDisplacement()).isEqualTo(sameAsFirst.table.totalDisplacement());
        assertThat(first.table.totalDisplacement()).isNotEqualTo(second.table.totalDisplacement());
    }

    @Test
    void aProbeRunLongerThanTheLimitMakesTheNextInsertDrawANewKey() {
        // The first key is broken (everything collides), as if an attacker had learned it; the
        // table must notice the long run, re-key, and keep every flow findable.
        SplittableRandom keys = new SplittableRandom(3);
        int[] drawn = {0};
        FlowRecords<String> records = new FlowRecords<>(0);
        FlowTable table =
                new FlowTable(records, () -> drawn[0]++ == 0 ? (hi, lo, key) -> 42 : new FlowHash(keys), 4096, 64);
        List<Flow> flows = new ArrayList<>();
        for (int port = 0; port < 2000; port++) {
            Flow flow = new Flow(0, 0, V4 + 1, 443, port);
            assertThat(table.insert(flow.add(records))).isEqualTo(FlowTable.NOT_FOUND);
            flows.add(flow);
        }
        assertThat(table.rekeys()).isEqualTo(1);
        assertThat(drawn[0]).isEqualTo(2);
        assertThat((double) table.totalDisplacement() / flows.size()).isLessThan(2.0);
        for (int i = 0; i < flows.size(); i++) {
            assertThat(flows.get(i).find(table)).isEqualTo(i);
        }
    }
}
