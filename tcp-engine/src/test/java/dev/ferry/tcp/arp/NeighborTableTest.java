package dev.ferry.tcp.arp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NeighborTableTest {
    private static final long SECOND = 1_000_000_000L;
    private static final int IP = 0x0a000002;
    private static final long MAC = 0x02_00_00_00_00_02L;

    private final NeighborTable table = new NeighborTable(4, 60 * SECOND);

    @Test
    void learnedEntriesAnswerUntilTheyExpire() {
        assertThat(table.lookup(IP, 0)).isEqualTo(NeighborTable.UNKNOWN);
        assertThat(table.learn(IP, MAC, 0)).isTrue();
        assertThat(table.lookup(IP, 60 * SECOND - 1)).isEqualTo(MAC);
        assertThat(table.lookup(IP, 60 * SECOND)).isEqualTo(NeighborTable.UNKNOWN);
        table.learn(IP, MAC + 1, 30 * SECOND);
        assertThat(table.lookup(IP, 89 * SECOND)).isEqualTo(MAC + 1);
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void expiryWorksAcrossTheWrapOfTheNanosecondClock() {
        long nearWrap = Long.MAX_VALUE - SECOND;
        table.learn(IP, MAC, nearWrap);
        assertThat(table.lookup(IP, nearWrap + 59 * SECOND)).isEqualTo(MAC);
        assertThat(table.lookup(IP, nearWrap + 61 * SECOND)).isEqualTo(NeighborTable.UNKNOWN);
    }

    @Test
    void updateRefreshesOnlyKnownAddresses() {
        assertThat(table.update(IP, MAC, 0)).isFalse();
        assertThat(table.lookup(IP, 0)).isEqualTo(NeighborTable.UNKNOWN);
        table.learn(IP, MAC, 0);
        assertThat(table.update(IP, MAC + 5, 1)).isTrue();
        assertThat(table.lookup(IP, 2)).isEqualTo(MAC + 5);
    }

    @Test
    void requestsAreRateLimitedPerAddressAndStopOnceResolved() {
        long interval = SECOND;
        assertThat(table.claimRequest(IP, 0, interval)).isTrue();
        assertThat(table.claimRequest(IP, interval - 1, interval)).isFalse();
        assertThat(table.claimRequest(IP + 1, 10, interval)).isTrue();
        assertThat(table.claimRequest(IP, interval, interval)).isTrue();
        assertThat(table.lookup(IP, interval)).isEqualTo(NeighborTable.UNKNOWN);
        table.update(IP, MAC, 2 * interval); // the answer arrives
        assertThat(table.claimRequest(IP, 10 * interval, interval)).isFalse();
        assertThat(table.lookup(IP, 10 * interval)).isEqualTo(MAC);
    }

    @Test
    void aFullTableRefusesNewAddressesAndCountsThem() {
        for (int i = 1; i <= 4; i++) {
            assertThat(table.learn(i, MAC, 0)).isTrue();
        }
        assertThat(table.learn(5, MAC, 0)).isFalse();
        assertThat(table.rejectedFull()).isEqualTo(1);
        assertThat(table.learn(1, MAC + 1, 1))
                .as("known addresses still update")
                .isTrue();
    }

    @Test
    void aFullTableMakesRoomFromExpiredEntries() {
        for (int i = 1; i <= 4; i++) {
            table.learn(i, MAC, 0);
        }
        table.learn(1, MAC + 1, 1);
        long later = 60 * SECOND; // 2, 3 and 4 have expired; 1, refreshed at 1 ns, has not
        assertThat(table.learn(5, MAC, later)).isTrue();
        assertThat(table.size()).isEqualTo(2);
        assertThat(table.lookup(5, later)).isEqualTo(MAC);
        assertThat(table.lookup(1, later)).isEqualTo(MAC + 1);
        assertThat(table.lookup(2, later)).isEqualTo(NeighborTable.UNKNOWN);
    }

    @Test
    void sweepRemovesOnlyExpiredEntries() {
        table.learn(1, MAC, 0);
        table.learn(2, MAC, 10 * SECOND);
        table.claimRequest(3, 0, SECOND);
        assertThat(table.sweep(60 * SECOND))
                .as("1 and the unanswered request for 3")
                .isEqualTo(2);
        assertThat(table.size()).isEqualTo(1);
        assertThat(table.lookup(2, 60 * SECOND)).isEqualTo(MAC);
    }

    @Test
    void zeroAddressIsNeverANeighbor() {
        assertThat(table.learn(0, MAC, 0)).isFalse();
        assertThat(table.claimRequest(0, 0, 1)).isFalse();
        assertThat(table.size()).isZero();
    }

    /** The table against a HashMap model under random learn/remove/sweep/lookup; replay with -Dferry.seed. */
    @Test
    void behavesLikeAMapUnderRandomOperations() {
        long seed = Long.getLong("ferry.seed", System.nanoTime());
        Random random = new Random(seed);
        long lifetime = 1000;
        NeighborTable small = new NeighborTable(64, lifetime);
        Map<Integer, long[]> model = new HashMap<>(); // ip -> {mac, expiresAt}
        long now = 0;
        for (int step = 0; step < 100_000; step++) {
            now += random.nextInt(3);
            int ip = 1 + random.nextInt(96); // more addresses than room: collisions and rejections
            String why = "seed " + seed + ", step " + step;
            switch (random.nextInt(10)) {
                case 0, 1, 2, 3 -> {
                    long mac = random.nextLong() & 0xffff_ffff_ffffL;
                    long[] entry = model.get(ip);
                    boolean live = entry != null && entry[1] > now;
                    if (small.learn(ip, mac, now)) {
                        model.put(ip, new long[] {mac, now + lifetime});
                    } else {
                        // Refused only for a new address in a full table: a live entry always updates.
                        assertThat(live).as(why).isFalse();
                        assertThat(small.size()).as(why).isEqualTo(64);
                        model.remove(ip);
                    }
                }
                case 4 -> {
                    long[] entry = model.remove(ip);
                    boolean removed = small.remove(ip);
                    if (entry != null && entry[1] > now) {
                        assertThat(removed).as(why).isTrue();
                    } else if (entry == null) {
                        assertThat(removed).as(why).isFalse();
                    } // an expired entry may already have given its slot to another address
                }
                case 5 -> {
                    final long at = now;
                    small.sweep(at);
                    model.values().removeIf(e -> e[1] <= at);
                    assertThat(small.size()).as(why).isEqualTo(model.size());
                    model.forEach((key, e) ->
                            assertThat(small.lookup(key, at)).as(why).isEqualTo(e[0]));
                }
                default -> {
                    long[] entry = model.get(ip);
                    long expected = entry == null || entry[1] <= now ? NeighborTable.UNKNOWN : entry[0];
                    assertThat(small.lookup(ip, now)).as(why).isEqualTo(expected);
                }
            }
        }
    }
}
