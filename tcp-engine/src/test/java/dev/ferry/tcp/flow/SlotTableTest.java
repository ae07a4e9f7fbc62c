package dev.ferry.tcp.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SlotTableTest {
    @Test
    void handsOutDenseIdsAndReusesTheMostRecentlyFreed() {
        SlotTable<String> table = new SlotTable<>(2);
        assertThat(table.add("a")).isZero();
        assertThat(table.add("b")).isEqualTo(1);
        assertThat(table.add("c")).isEqualTo(2); // grew
        assertThat(table.remove(0)).isEqualTo("a");
        assertThat(table.remove(2)).isEqualTo("c");
        assertThat(table.add("d")).isEqualTo(2);
        assertThat(table.add("e")).isZero();
        assertThat(table.add("f")).isEqualTo(3);
        assertThat(table.get(0)).isEqualTo("e");
        assertThat(table.size()).isEqualTo(4);
        assertThat(table.idLimit()).isEqualTo(4);
    }

    @Test
    void freeAndUnknownIdsHoldNothing() {
        SlotTable<String> table = new SlotTable<>(0);
        int id = table.add("x");
        assertThat(table.remove(id)).isEqualTo("x");
        assertThat(table.remove(id)).isNull(); // removing twice does not corrupt the free list
        assertThat(table.get(id)).isNull();
        assertThat(table.contains(id)).isFalse();
        assertThat(table.get(-1)).isNull();
        assertThat(table.get(1_000)).isNull();
        assertThat(table.add("y")).isEqualTo(id);
        assertThat(table.add("z")).isNotEqualTo(id);
        assertThatThrownBy(() -> table.add(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void agreesWithAMapUnderRandomAddsAndRemoves() {
        long seed = Long.getLong("ferry.seed", new SplittableRandom().nextLong());
        SplittableRandom random = new SplittableRandom(seed);
        SlotTable<Integer> table = new SlotTable<>(1);
        Map<Integer, Integer> reference = new HashMap<>();
        List<Integer> live = new ArrayList<>();
        int peak = 0;
        for (int step = 0; step < 100_000; step++) {
            if (live.isEmpty() || random.nextInt(5) < 3) {
                int id = table.add(step);
                assertThat(reference.put(id, step))
                        .as("seed %d: id %d handed out twice", seed, id)
                        .isNull();
                live.add(id);
            } else {
                int id = live.remove(random.nextInt(live.size()));
                assertThat(table.remove(id)).as("seed %d", seed).isEqualTo(reference.remove(id));
            }
            peak = Math.max(peak, reference.size());
            assertThat(table.size()).isEqualTo(reference.size());
        }
        reference.forEach((id, value) -> assertThat(table.get(id)).isEqualTo(value));
        assertThat(table.idLimit()).as("ids stay below the peak count").isEqualTo(peak);
    }
}
