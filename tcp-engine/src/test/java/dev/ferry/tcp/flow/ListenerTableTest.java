package dev.ferry.tcp.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.tcp.wire.Addresses;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ListenerTableTest {
    private static final long POD_IP = Addresses.ipv4MappedLo(0x0A00_0005); // 10.0.0.5
    private static final long LOOPBACK = Addresses.ipv4MappedLo(0x7F00_0001);
    private static final long V6_HI = 0xFD00_0000_0000_0000L;

    @Test
    void anExactAddressBeatsTheWildcardOnTheSamePort() {
        ListenerTable table = new ListenerTable();
        table.bindWildcard(8080, 1);
        table.bind(0, LOOPBACK, 8080, 2);
        assertThat(table.find(0, LOOPBACK, 8080)).isEqualTo(2);
        assertThat(table.find(0, POD_IP, 8080)).isEqualTo(1);
        assertThat(table.find(V6_HI, 5, 8080)).isEqualTo(1);
        assertThat(table.find(0, POD_IP, 8081)).isEqualTo(ListenerTable.NONE);
    }

    @Test
    void anExactBindingMatchesOnlyItsAddress() {
        ListenerTable table = new ListenerTable();
        table.bind(0, POD_IP, 443, 7);
        assertThat(table.find(0, POD_IP, 443)).isEqualTo(7);
        assertThat(table.find(0, LOOPBACK, 443)).isEqualTo(ListenerTable.NONE);
        assertThat(table.find(V6_HI, POD_IP, 443)).isEqualTo(ListenerTable.NONE);
    }

    @Test
    void unbindingTheExactAddressFallsBackToTheWildcard() {
        ListenerTable table = new ListenerTable();
        table.bindWildcard(80, 1);
        table.bind(0, POD_IP, 80, 2);
        assertThat(table.unbind(0, POD_IP, 80)).isTrue();
        assertThat(table.unbind(0, POD_IP, 80)).isFalse();
        assertThat(table.find(0, POD_IP, 80)).isEqualTo(1);
        assertThat(table.unbindWildcard(80)).isTrue();
        assertThat(table.find(0, POD_IP, 80)).isEqualTo(ListenerTable.NONE);
        assertThat(table.size()).isZero();
    }

    @Test
    void bindingATakenKeyReportsTheHolderAndChangesNothing() {
        ListenerTable table = new ListenerTable();
        assertThat(table.bind(0, POD_IP, 80, 1)).isEqualTo(ListenerTable.NONE);
        assertThat(table.bind(0, POD_IP, 80, 2)).isEqualTo(1);
        assertThat(table.bindWildcard(80, 3)).isEqualTo(ListenerTable.NONE);
        assertThat(table.bindWildcard(80, 4)).isEqualTo(3);
        assertThat(table.find(0, POD_IP, 80)).isEqualTo(1);
        assertThat(table.size()).isEqualTo(2);
    }

    @Test
    void rejectsWhatIsNotAPortOrAnId() {
        ListenerTable table = new ListenerTable();
        assertThatThrownBy(() -> table.bind(0, POD_IP, 65536, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> table.bindWildcard(-1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> table.bind(0, POD_IP, 80, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void agreesWithASimpleModelThroughGrowthAndRemoval() {
        long seed = Long.getLong("ferry.seed", new SplittableRandom().nextLong());
        SplittableRandom random = new SplittableRandom(seed);
        ListenerTable table = new ListenerTable();
        Map<String, Integer> exact = new HashMap<>();
        Map<Integer, Integer> wildcard = new HashMap<>();
        long[] addresses = {POD_IP, LOOPBACK, 7, 9};
        for (int step = 0; step < 20_000; step++) {
            long lo = addresses[random.nextInt(addresses.length)];
            long hi = lo < 100 ? V6_HI : 0;
            int port = random.nextInt(200);
            String key = hi + "/" + lo + "/" + port;
            String where = "seed " + seed + " step " + step;
            switch (random.nextInt(6)) {
                case 0 -> {
                    Integer previous = exact.putIfAbsent(key, step);
                    assertThat(table.bind(hi, lo, port, step))
                            .as(where)
                            .isEqualTo(previous == null ? ListenerTable.NONE : previous);
                }
                case 1 -> {
                    Integer previous = wildcard.putIfAbsent(port, step);
                    assertThat(table.bindWildcard(port, step))
                            .as(where)
                            .isEqualTo(previous == null ? ListenerTable.NONE : previous);
                }
                case 2 -> assertThat(table.unbind(hi, lo, port)).as(where).isEqualTo(exact.remove(key) != null);
                case 3 -> assertThat(table.unbindWildcard(port)).as(where).isEqualTo(wildcard.remove(port) != null);
                default -> {
                    int expected = exact.getOrDefault(key, wildcard.getOrDefault(port, ListenerTable.NONE));
                    assertThat(table.find(hi, lo, port)).as(where).isEqualTo(expected);
                }
            }
            assertThat(table.size()).as(where).isEqualTo(exact.size() + wildcard.size());
        }
    }
}
