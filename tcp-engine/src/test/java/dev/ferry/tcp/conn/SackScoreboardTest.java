package dev.ferry.tcp.conn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The sender's record of SACKed ranges (RFC 2018) and RFC 6675's IsLost over it. */
class SackScoreboardTest {
    private static final int MSS = 1000;
    private final TcpCounters counters = new TcpCounters();
    private final SackScoreboard board = new SackScoreboard();

    private List<String> ranges() {
        List<String> list = new ArrayList<>();
        for (int i = 0; i < board.count(); i++) {
            list.add(board.left(i) + "-" + board.right(i));
        }
        return list;
    }

    @Test
    void rangesMergeWhenTheyOverlapOrTouchAndOnlyNewBytesCount() {
        assertThat(board.add(2000, 3000, counters)).isEqualTo(1000);
        assertThat(board.add(5000, 6000, counters)).isEqualTo(1000);
        assertThat(board.add(4000, 4500, counters)).isEqualTo(500);
        assertThat(ranges()).containsExactly("2000-3000", "4000-4500", "5000-6000");
        assertThat(board.add(2500, 2800, counters)).as("already SACKed").isZero();
        assertThat(board.add(3000, 4000, counters))
                .as("touches both neighbours")
                .isEqualTo(1000);
        assertThat(ranges()).containsExactly("2000-4500", "5000-6000");
        assertThat(board.add(1000, 7000, counters)).isEqualTo(6000 - 3500);
        assertThat(ranges()).containsExactly("1000-7000");
        assertThat(board.sackedBytes()).isEqualTo(6000);
    }

    @Test
    void aCumulativeAckDropsWhatItCoversAndNoticesReneging() {
        board.add(2000, 3000, counters);
        board.add(4000, 5000, counters);
        assertThat(board.acknowledge(1500)).isFalse();
        assertThat(board.acknowledge(3500)).as("ACK between ranges").isFalse();
        assertThat(ranges()).containsExactly("4000-5000");
        assertThat(board.acknowledge(4000))
                .as("the peer SACKed 4000-5000 yet asks for 4000: it dropped them")
                .isTrue();
        board.clear();
        board.add(4000, 5000, counters);
        assertThat(board.acknowledge(4500)).as("an ACK inside a SACKed range").isTrue();
        assertThat(board.acknowledge(5000)).isFalse();
        assertThat(board.isEmpty()).isTrue();
        assertThat(board.sackedBytes()).isZero();
    }

    @Test
    void isLostNeedsThreeRangesOrMoreThanTwoSegmentsAbove() {
        int una = 0;
        board.add(1000, 2000, counters);
        board.add(3000, 4000, counters);
        assertThat(board.lostBoundary(3, MSS, una))
                .as("two segments above: not yet")
                .isEqualTo(una);
        board.add(5000, 5100, counters);
        assertThat(board.lostBoundary(3, MSS, una))
                .as("three discontiguous ranges above the first hole")
                .isEqualTo(1000);
        board.clear();
        board.add(6000, 9001, counters);
        assertThat(board.lostBoundary(3, MSS, una))
                .as("more than two segments' bytes above")
                .isEqualTo(6000);
        board.add(10_000, 10_500, counters);
        assertThat(board.lostBoundary(3, MSS, una))
                .as("the hole 9001-10000 has only 500 bytes above it")
                .isEqualTo(6000);
    }

    @Test
    void queriesWalkHolesAndRanges() {
        board.add(2000, 3000, counters);
        board.add(4000, 5000, counters);
        assertThat(board.skipSacked(1500)).isEqualTo(1500);
        assertThat(board.skipSacked(2000)).isEqualTo(3000);
        assertThat(board.skipSacked(4999)).isEqualTo(5000);
        assertThat(board.nextSackedAfter(3000, 9000)).isEqualTo(4000);
        assertThat(board.nextSackedAfter(4500, 9000)).isEqualTo(9000);
        assertThat(board.nextSackedAfter(1000, 1500)).isEqualTo(1500);
        assertThat(board.sackedWithin(2500, 4500)).isEqualTo(1000);
        assertThat(board.isSacked(2999)).isTrue();
        assertThat(board.isSacked(3000)).isFalse();
        assertThat(board.highestSacked(0)).isEqualTo(5000);
    }

    @Test
    void sequenceNumbersWrap() {
        int base = -1500; // 0xFFFFFA24: the ranges straddle 2^32
        board.add(base + 2000, base + 3000, counters);
        board.add(base + 500, base + 1000, counters);
        assertThat(ranges()).containsExactly((base + 500) + "-" + (base + 1000), (base + 2000) + "-" + (base + 3000));
        assertThat(board.sackedWithin(base, base + 2500)).isEqualTo(1000);
        assertThat(board.acknowledge(base + 1200)).isFalse();
        assertThat(board.count()).isEqualTo(1);
    }

    @Test
    void aFullScoreboardKeepsTheLowestRanges() {
        for (int i = 0; i < SackScoreboard.CAPACITY; i++) {
            board.add(1000 + 2000 * i, 2000 + 2000 * i, counters);
        }
        int highest = 2000 + 2000 * (SackScoreboard.CAPACITY - 1);
        assertThat(board.add(highest + 1000, highest + 2000, counters))
                .as("a new highest range finds no room")
                .isZero();
        assertThat(board.highestSacked(0)).isEqualTo(highest);
        assertThat(board.add(100, 200, counters))
                .as("a lower one displaces the highest")
                .isEqualTo(100);
        assertThat(board.count()).isEqualTo(SackScoreboard.CAPACITY);
        assertThat(board.left(0)).isEqualTo(100);
        assertThat(board.highestSacked(0)).isEqualTo(highest - 2000);
        assertThat(counters.get(TcpCounter.SACK_SCOREBOARD_FULL)).isEqualTo(2);
        assertThat(board.add(2000, 3000, counters)).as("merging needs no room").isEqualTo(1000);
    }

    /**
     * Against a byte map: any sequence of ranges and cumulative ACKs leaves the same picture.
     * Seeds 0..99; {@code -Dferry.scoreboard.seed=N} replays one.
     */
    @Test
    void agreesWithAByteMapUnderRandomUse() {
        Long single = Long.getLong("ferry.scoreboard.seed");
        long from = single == null ? 0 : single;
        long to = single == null ? 100 : single + 1;
        for (long seed = from; seed < to; seed++) {
            runAgainstByteMap(seed);
        }
    }

    private void runAgainstByteMap(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        board.clear();
        int base = random.nextInt();
        boolean[] sacked = new boolean[6000];
        int una = 0;
        for (int step = 0; step < 40; step++) {
            if (random.nextInt(5) == 0) {
                una = Math.min(sacked.length, una + random.nextInt(1000));
                boolean expectReneged = una < sacked.length && sacked[una];
                assertThat(board.acknowledge(base + una))
                        .as("seed %d step %d", seed, step)
                        .isEqualTo(expectReneged);
                if (expectReneged) {
                    board.clear();
                    Arrays.fill(sacked, false);
                }
                Arrays.fill(sacked, 0, una, false);
            } else {
                int start = una + 1 + random.nextInt(sacked.length);
                int end = Math.min(sacked.length, start + 1 + random.nextInt(800));
                if (start >= end || board.count() == SackScoreboard.CAPACITY) {
                    continue;
                }
                int fresh = 0;
                for (int i = start; i < end; i++) {
                    fresh += sacked[i] ? 0 : 1;
                }
                assertThat(board.add(base + start, base + end, counters))
                        .as("seed %d step %d", seed, step)
                        .isEqualTo(fresh);
                Arrays.fill(sacked, start, end, true);
            }
            int total = 0;
            for (int i = 0; i < sacked.length; i++) {
                total += sacked[i] ? 1 : 0;
                if (board.isSacked(base + i) != sacked[i]) {
                    throw new AssertionError("seed " + seed + " step " + step + ": byte " + i + " " + board);
                }
            }
            assertThat(board.sackedBytes()).as("seed %d step %d", seed, step).isEqualTo(total);
        }
    }
}
