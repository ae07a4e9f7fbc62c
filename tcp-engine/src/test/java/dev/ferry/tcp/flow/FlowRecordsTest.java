package dev.ferry.tcp.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FlowRecordsTest {
    private static int add(FlowRecords<String> records, String value) {
        return records.add(value, 0, 0, 0, 80, 1234, 0);
    }

    @Test
    void handsOutDenseIdsAndReusesTheMostRecentlyFreed() {
        FlowRecords<String> records = new FlowRecords<>(0);
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < 17; i++) { // past the initial 16: grows
            ids.add(add(records, "v" + i));
        }
        assertThat(ids)
                .containsExactlyElementsOf(
                        java.util.stream.IntStream.range(0, 17).boxed().toList());
        assertThat(records.remove(0)).isEqualTo("v0");
        assertThat(records.remove(16)).isEqualTo("v16");
        assertThat(add(records, "d")).isEqualTo(16);
        assertThat(add(records, "e")).isZero();
        assertThat(add(records, "f")).isEqualTo(17);
        assertThat(records.get(0)).isEqualTo("e");
        assertThat(records.size()).isEqualTo(18);
        assertThat(records.idLimit()).isEqualTo(18);
    }

    @Test
    void keepsEachFlowsKeyAndAddressOnItsOwnRecord() {
        FlowRecords<String> records = new FlowRecords<>(2);
        int a = records.add("a", 3, 0xFD00_0000_0000_0001L, 0x1234_5678_9ABC_DEF0L, 443, 65535, 0x02_00_00_00_00_01L);
        int b = records.add("b", 0, 0, 0x0000_FFFF_0A00_0002L, 0x1_0050, -1, -1);
        assertThat(records.localIndex(a)).isEqualTo(3);
        assertThat(records.remoteHi(a)).isEqualTo(0xFD00_0000_0000_0001L);
        assertThat(records.remoteLo(a)).isEqualTo(0x1234_5678_9ABC_DEF0L);
        assertThat(records.localPort(a)).isEqualTo(443);
        assertThat(records.remotePort(a)).isEqualTo(65535);
        assertThat(records.peerMac(a)).isEqualTo(0x02_00_00_00_00_01L);
        // Ports count by their low 16 bits, a MAC by its low 48.
        assertThat(records.localPort(b)).isEqualTo(0x50);
        assertThat(records.remotePort(b)).isEqualTo(0xFFFF);
        assertThat(records.peerMac(b)).isEqualTo(0xFFFF_FFFF_FFFFL);
        records.peerMac(a, 0x02_00_00_00_00_09L);
        assertThat(records.peerMac(a)).isEqualTo(0x02_00_00_00_00_09L);
        assertThat(records.remoteLo(b)).isEqualTo(0x0000_FFFF_0A00_0002L); // a's update left b alone
        assertThat(records.footprintBytes()).isEqualTo(16L * FlowRecords.BYTES_PER_RECORD);
    }

    @Test
    void freeAndUnknownIdsHoldNothing() {
        FlowRecords<String> records = new FlowRecords<>(0);
        int id = add(records, "x");
        assertThat(records.remove(id)).isEqualTo("x");
        assertThat(records.remove(id)).isNull(); // removing twice does not corrupt the free list
        assertThat(records.get(id)).isNull();
        assertThat(records.contains(id)).isFalse();
        assertThat(records.get(-1)).isNull();
        assertThat(records.get(1_000)).isNull();
        assertThat(add(records, "y")).isEqualTo(id);
        assertThat(add(records, "z")).isNotEqualTo(id);
        assertThatThrownBy(() -> add(records, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> records.add("w", -1, 0, 0, 1, 2, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> records.set(1_000, "w")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void agreesWithAMapUnderRandomAddsAndRemoves() {
        long seed = Long.getLong("ferry.seed", new SplittableRandom().nextLong());
        SplittableRandom random = new SplittableRandom(seed);
        FlowRecords<Integer> records = new FlowRecords<>(1);
        Map<Integer, Integer> reference = new HashMap<>();
        List<Integer> live = new ArrayList<>();
        int peak = 0;
        for (int step = 0; step < 100_000; step++) {
            if (live.isEmpty() || random.nextInt(5) < 3) {
                int id = records.add(step, step & 7, step, ~step, step, step >> 16, step);
                assertThat(reference.put(id, step))
                        .as("seed %d: id %d handed out twice", seed, id)
                        .isNull();
                live.add(id);
            } else {
                int id = live.remove(random.nextInt(live.size()));
                assertThat(records.remove(id)).as("seed %d", seed).isEqualTo(reference.remove(id));
            }
            peak = Math.max(peak, reference.size());
            assertThat(records.size()).isEqualTo(reference.size());
        }
        reference.forEach((id, step) -> {
            assertThat(records.get(id)).isEqualTo(step);
            assertThat(records.remoteHi(id))
                    .as("seed %d: a reused id keeps its new key", seed)
                    .isEqualTo(step.longValue());
            assertThat(records.remoteLo(id)).isEqualTo(~step.longValue());
            assertThat(records.localIndex(id)).isEqualTo(step & 7);
        });
        assertThat(records.idLimit()).as("ids stay below the peak count").isEqualTo(peak);
    }
}
