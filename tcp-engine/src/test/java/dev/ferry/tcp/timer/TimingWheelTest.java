package dev.ferry.tcp.timer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TimingWheelTest {
    private static final long TICK = TimingWheel.TICK_NS;
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000_000_000L;
    private static final long DAY = TimeUnit.DAYS.toNanos(1);

    /** Records what fired, in order. */
    private static final class Recorder implements TimerHandler {
        final List<Integer> fired = new ArrayList<>();

        @Override
        public void onTimer(int id, long nowNs) {
            fired.add(id);
        }

        List<Integer> take() {
            List<Integer> copy = List.copyOf(fired);
            fired.clear();
            return copy;
        }
    }

    /** The first time at which a deadline may fire: rounded up to a tick boundary. */
    private static long fireTime(long deadlineNs) {
        return Math.ceilDiv(deadlineNs, TICK) * TICK;
    }

    @Test
    void firesAtTheDeadlineRoundedUpToATickAndNotBefore() {
        TimingWheel wheel = new TimingWheel(4, 0);
        Recorder recorder = new Recorder();
        long deadline = 5 * MS + 123;
        wheel.arm(1, deadline);

        assertThat(wheel.expire(deadline - 1, recorder, 100)).isZero();
        assertThat(wheel.expire(fireTime(deadline) - 1, recorder, 100)).isZero();
        assertThat(wheel.armed(1)).isTrue();

        assertThat(wheel.expire(fireTime(deadline), recorder, 100)).isEqualTo(1);
        assertThat(recorder.take()).containsExactly(1);
        assertThat(wheel.armed(1)).isFalse();
        assertThat(fireTime(deadline) - deadline).isLessThan(TICK);
    }

    @Test
    void aDeadlineOnATickBoundaryFiresExactlyThere() {
        TimingWheel wheel = new TimingWheel(4, 0);
        Recorder recorder = new Recorder();
        wheel.arm(0, 7 * TICK);
        assertThat(wheel.expire(7 * TICK - 1, recorder, 10)).isZero();
        assertThat(wheel.expire(7 * TICK, recorder, 10)).isEqualTo(1);
    }

    @Test
    void farDeadlinesKeepTickPrecisionThroughTheCascade() {
        long start = 3 * SECOND;
        long[] deadlines = {
            start + 70 * TICK + 1, // level 1
            start + 5_000 * TICK + 17, // level 2
            start + 2 * DAY + 999, // level 4
            start + 9 * DAY + 5, // beyond the six-day max lifetime
            start + 400 * DAY + 77, // level 5
            start + 3 * 365 * DAY + 3, // beyond 2^36 ticks: the overflow list
        };
        for (long deadline : deadlines) {
            TimingWheel wheel = new TimingWheel(1, start);
            Recorder recorder = new Recorder();
            wheel.arm(0, deadline);
            // Walk towards the deadline in shrinking steps, as a shard polling its wheel would.
            long now = start;
            while (now < fireTime(deadline) - 1) {
                now += Math.max(1, (fireTime(deadline) - 1 - now) / 2);
                assertThat(wheel.expire(now, recorder, 10))
                        .as("deadline %d expired at %d", deadline, now)
                        .isZero();
            }
            assertThat(wheel.expire(fireTime(deadline), recorder, 10))
                    .as("deadline %d", deadline)
                    .isEqualTo(1);
        }
    }

    @Test
    void steppingOneTickAtATimeFiresEveryEntryInItsOwnTick() {
        TimingWheel wheel = new TimingWheel(0, 0);
        int entries = 10_000;
        for (int id = 0; id < entries; id++) {
            wheel.arm(id, (long) id * 37 * MS / 10 + id % 7); // spread over ~37 s, ~35k ticks
        }
        long[] firedAt = new long[entries];
        long now = 0;
        while (wheel.size() > 0) {
            now += TICK;
            long at = now;
            wheel.expire(now, (id, nowNs) -> firedAt[id] = at, Integer.MAX_VALUE);
        }
        for (int id = 0; id < entries; id++) {
            long deadline = (long) id * 37 * MS / 10 + id % 7;
            assertThat(firedAt[id]).as("entry %d", id).isEqualTo(Math.max(TICK, fireTime(deadline)));
        }
    }

    @Test
    void pushingADeadlineLaterIsRecordedAndHonoured() {
        TimingWheel wheel = new TimingWheel(2, 0);
        Recorder recorder = new Recorder();
        wheel.arm(0, 10 * MS);
        wheel.arm(0, 2 * 3600 * SECOND); // keepalive pushed forward
        assertThat(wheel.deadlineNs(0)).isEqualTo(2 * 3600 * SECOND);

        assertThat(wheel.expire(20 * MS, recorder, 10)).isZero();
        assertThat(wheel.expire(2 * 3600 * SECOND - 1, recorder, 10)).isZero();
        assertThat(wheel.expire(fireTime(2 * 3600 * SECOND), recorder, 10)).isEqualTo(1);
    }

    @Test
    void pullingADeadlineEarlierMovesTheEntryNow() {
        TimingWheel wheel = new TimingWheel(2, 0);
        Recorder recorder = new Recorder();
        wheel.arm(0, 3600 * SECOND);
        wheel.arm(0, 10 * MS);
        assertThat(wheel.nextDeadlineNs()).isEqualTo(fireTime(10 * MS));
        assertThat(wheel.expire(fireTime(10 * MS), recorder, 10)).isEqualTo(1);
        assertThat(wheel.armed(0)).isFalse();
    }

    @Test
    void anEntryReArmedInItsCallbackForNowFiresInTheNextCallNotTwiceInThisOne() {
        TimingWheel wheel = new TimingWheel(2, 0);
        int[] calls = new int[1];
        TimerHandler rearmForNow = (id, nowNs) -> {
            calls[0]++;
            wheel.arm(id, nowNs);
        };
        long now = 10 * TICK; // on a tick boundary, so a deadline of now is due now
        wheel.arm(0, 5 * MS);
        assertThat(wheel.expire(now, rearmForNow, 100)).isEqualTo(1);
        assertThat(wheel.armed(0)).isTrue();
        assertThat(wheel.nsUntilNext(now)).isZero();
        assertThat(wheel.expire(now, rearmForNow, 100)).isEqualTo(1);
        assertThat(calls[0]).isEqualTo(2);
    }

    @Test
    void anEntryReArmedInItsCallbackForLaterFiresAtTheLaterTime() {
        TimingWheel wheel = new TimingWheel(2, 0);
        List<Long> firedAt = new ArrayList<>();
        TimerHandler retransmit = (id, nowNs) -> {
            firedAt.add(nowNs);
            if (firedAt.size() < 3) {
                wheel.arm(id, nowNs + 200 * MS);
            }
        };
        wheel.arm(0, 200 * MS);
        for (long now = 0; now <= 2 * SECOND; now += MS) {
            wheel.expire(now, retransmit, 10);
        }
        assertThat(firedAt).hasSize(3);
        assertThat(firedAt.get(1) - firedAt.get(0)).isBetween(200 * MS, 200 * MS + TICK);
        assertThat(firedAt.get(2) - firedAt.get(1)).isBetween(200 * MS, 200 * MS + TICK);
    }

    @Test
    void aCallbackMayCancelAnotherDueEntry() {
        TimingWheel wheel = new TimingWheel(4, 0);
        List<Integer> fired = new ArrayList<>();
        wheel.arm(1, 5 * MS);
        wheel.arm(2, 5 * MS);
        wheel.arm(3, 5 * MS);
        wheel.expire(
                6 * MS,
                (id, nowNs) -> {
                    fired.add(id);
                    if (id == 1) {
                        wheel.cancel(2);
                    }
                },
                100);
        assertThat(fired).containsExactly(1, 3);
        assertThat(wheel.size()).isZero();
    }

    @Test
    void aCallbackMayArmOtherEntriesAndTheyObeyTheSameRules() {
        TimingWheel wheel = new TimingWheel(4, 0);
        List<Integer> fired = new ArrayList<>();
        wheel.arm(1, 5 * MS);
        wheel.arm(2, 5 * MS);
        wheel.expire(
                50 * MS,
                (id, nowNs) -> {
                    fired.add(id);
                    if (id == 1) {
                        wheel.arm(2, 40 * MS); // already due at 50 ms but re-armed in this call: next call
                        wheel.arm(3, 30 * MS); // newly armed and already due: next call
                    }
                },
                100);
        assertThat(fired).containsExactly(1);
        wheel.expire(50 * MS, (id, nowNs) -> fired.add(id), 100);
        assertThat(fired).containsExactly(1, 2, 3);
    }

    @Test
    void aBudgetLimitsCallbacksAndTheRestFireNextInDueOrder() {
        TimingWheel wheel = new TimingWheel(16, 0);
        Recorder recorder = new Recorder();
        for (int id = 0; id < 10; id++) {
            wheel.arm(id, (id + 1) * 10 * MS);
        }
        long now = 200 * MS;
        assertThat(wheel.expire(now, recorder, 3)).isEqualTo(3);
        assertThat(wheel.nsUntilNext(now)).isZero();
        assertThat(wheel.expire(now, recorder, 3)).isEqualTo(3);
        assertThat(wheel.expire(now, recorder, 3)).isEqualTo(3);
        assertThat(wheel.expire(now, recorder, 3)).isEqualTo(1);
        assertThat(recorder.take()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(wheel.nextDeadlineNs()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aHugeTimeJumpFiresEverythingDueAndKeepsTheRest() {
        long start = -5 * SECOND;
        TimingWheel wheel = new TimingWheel(8, start);
        Recorder recorder = new Recorder();
        wheel.arm(0, start + MS);
        wheel.arm(1, start + DAY);
        wheel.arm(2, start + 365 * DAY);
        wheel.arm(3, start + 50 * 365 * DAY);
        wheel.arm(4, Long.MAX_VALUE);
        wheel.arm(5, start + 150 * 365 * DAY);

        assertThat(wheel.expire(start + 100 * 365 * DAY, recorder, 100)).isEqualTo(4);
        assertThat(recorder.take()).containsExactly(0, 1, 2, 3);
        assertThat(wheel.armed(5)).isTrue();

        // Long.MAX_VALUE is "never": its rounded-up tick lies beyond every representable time.
        assertThat(wheel.expire(Long.MAX_VALUE, recorder, 100)).isEqualTo(1);
        assertThat(recorder.take()).containsExactly(5);
        assertThat(wheel.armed(4)).isTrue();
        assertThat(wheel.nextDeadlineNs()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void zeroAndNegativeTimesWorkLikeAnyOther() {
        TimingWheel wheel = new TimingWheel(8, Long.MIN_VALUE / 2);
        Recorder recorder = new Recorder();
        wheel.arm(0, -3 * SECOND);
        wheel.arm(1, -1);
        wheel.arm(2, 0);
        wheel.arm(3, 1);
        wheel.arm(4, Long.MIN_VALUE); // long past: due at once

        assertThat(wheel.expire(Long.MIN_VALUE / 2, recorder, 10)).isEqualTo(1);
        assertThat(recorder.take()).containsExactly(4);
        assertThat(wheel.expire(-3 * SECOND - 1, recorder, 10)).isZero();
        assertThat(wheel.expire(fireTime(-3 * SECOND), recorder, 10)).isEqualTo(1);
        assertThat(wheel.expire(-1, recorder, 10)).isZero();
        assertThat(wheel.expire(0, recorder, 10)).isEqualTo(2);
        assertThat(recorder.take()).containsExactly(0, 1, 2);
        assertThat(wheel.expire(TICK - 1, recorder, 10)).isZero();
        assertThat(wheel.expire(TICK, recorder, 10)).isEqualTo(1);
        assertThat(recorder.take()).containsExactly(3);
    }

    @Test
    void timeGoingBackwardsIsTimeStandingStill() {
        TimingWheel wheel = new TimingWheel(2, 0);
        Recorder recorder = new Recorder();
        wheel.expire(SECOND, recorder, 10);
        wheel.arm(0, SECOND + 5 * MS);
        assertThat(wheel.expire(SECOND / 2, recorder, 10)).isZero();
        assertThat(wheel.expire(fireTime(SECOND + 5 * MS), recorder, 10)).isEqualTo(1);
    }

    @Test
    void aDeadlineInThePastFiresInTheNextCall() {
        TimingWheel wheel = new TimingWheel(2, 10 * SECOND);
        Recorder recorder = new Recorder();
        wheel.arm(0, SECOND);
        assertThat(wheel.nextDeadlineNs()).isEqualTo(SECOND);
        assertThat(wheel.nsUntilNext(10 * SECOND)).isZero();
        assertThat(wheel.expire(10 * SECOND, recorder, 10)).isEqualTo(1);
    }

    @Test
    void nextDeadlineIsExactNearbyAndALowerBoundFarAway() {
        TimingWheel wheel = new TimingWheel(4, 0);
        assertThat(wheel.nextDeadlineNs()).isEqualTo(Long.MAX_VALUE);
        assertThat(wheel.nsUntilNext(0)).isEqualTo(Long.MAX_VALUE);

        wheel.arm(0, 3600 * SECOND);
        assertThat(wheel.nextDeadlineNs()).isBetween(1L, fireTime(3600 * SECOND));
        wheel.arm(1, 20 * MS + 5);
        assertThat(wheel.nextDeadlineNs()).isEqualTo(fireTime(20 * MS + 5));
        assertThat(wheel.nsUntilNext(MS)).isEqualTo(fireTime(20 * MS + 5) - MS);

        wheel.cancel(1);
        wheel.cancel(0);
        assertThat(wheel.nextDeadlineNs()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void cancelDisarmsAndIsIdempotent() {
        TimingWheel wheel = new TimingWheel(2, 0);
        Recorder recorder = new Recorder();
        wheel.arm(0, 5 * MS);
        wheel.cancel(0);
        wheel.cancel(0);
        wheel.cancel(1_000); // beyond the capacity: nothing to cancel
        assertThat(wheel.armed(0)).isFalse();
        assertThat(wheel.deadlineNs(0)).isEqualTo(Long.MAX_VALUE);
        assertThat(wheel.size()).isZero();
        assertThat(wheel.expire(SECOND, recorder, 10)).isZero();
    }

    @Test
    void idsBeyondTheCapacityGrowTheWheel() {
        TimingWheel wheel = new TimingWheel(0, 0);
        wheel.arm(100_000, 5 * MS);
        wheel.arm(3, 6 * MS);
        assertThat(wheel.capacity()).isGreaterThan(100_000);
        assertThat(wheel.size()).isEqualTo(2);
        Recorder recorder = new Recorder();
        wheel.expire(10 * MS, recorder, 10);
        assertThat(recorder.take()).containsExactly(100_000, 3);
    }

    @Test
    void rejectsNegativeIdsAndReentrantExpire() {
        TimingWheel wheel = new TimingWheel(2, 0);
        assertThatThrownBy(() -> wheel.arm(-1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> wheel.arm(Integer.MAX_VALUE, 0)).isInstanceOf(IllegalArgumentException.class);
        wheel.arm(0, 0);
        assertThatThrownBy(() -> wheel.expire(MS, (id, nowNs) -> wheel.expire(nowNs, (i, n) -> {}, 1), 1))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aThrowingHandlerLeavesTheWheelUsable() {
        TimingWheel wheel = new TimingWheel(4, 0);
        wheel.arm(0, MS);
        wheel.arm(1, MS);
        assertThatThrownBy(() -> wheel.expire(
                        10 * MS,
                        (id, nowNs) -> {
                            wheel.arm(2, 0); // deferred to the next call even though this one fails
                            throw new IllegalStateException("boom");
                        },
                        10))
                .hasMessage("boom");
        Recorder recorder = new Recorder();
        assertThat(wheel.expire(10 * MS, recorder, 10)).isEqualTo(2);
        assertThat(recorder.take()).containsExactly(1, 2);
    }

    @Test
    void anEntryArmedDuringACallCutShortByItsBudgetCanStillBePushedLater() {
        // The call stops (budget 1) before reaching the time it was given; an entry armed in the
        // callback for a time in between waits for the next call, and pushing it later from outside
        // must move it: it may not fire at its old time.
        TimingWheel wheel = new TimingWheel(4, 0);
        wheel.arm(0, 10 * TICK);
        wheel.arm(1, 20 * TICK);
        List<Integer> fired = new ArrayList<>();
        TimerHandler handler = (id, nowNs) -> {
            fired.add(id);
            if (id == 0) {
                wheel.arm(2, 25 * TICK);
            }
        };
        assertThat(wheel.expire(30 * TICK, handler, 1)).isEqualTo(1);
        assertThat(fired).containsExactly(0);
        wheel.arm(2, 1000 * TICK);
        assertThat(wheel.expire(31 * TICK, handler, 10)).isEqualTo(1);
        assertThat(fired).containsExactly(0, 1);
        assertThat(wheel.deadlineNs(2)).isEqualTo(1000 * TICK);
        assertThat(wheel.expire(999 * TICK, handler, 10)).isZero();
        assertThat(wheel.expire(1000 * TICK, handler, 10)).isEqualTo(1);
        assertThat(fired).containsExactly(0, 1, 2);
    }

    @Test
    void aDueEntryPushedLaterLeavesTheDueListAndFiresAtItsNewTime() {
        TimingWheel wheel = new TimingWheel(4, 0);
        Recorder recorder = new Recorder();
        // Entry 1 is left due by the budget; entry 2 is due as soon as it is armed.
        wheel.arm(0, 10 * TICK);
        wheel.arm(1, 10 * TICK);
        assertThat(wheel.expire(10 * TICK, recorder, 1)).isEqualTo(1);
        wheel.arm(2, 3 * TICK);
        assertThat(wheel.nsUntilNext(10 * TICK)).isZero();

        wheel.arm(1, 50 * TICK);
        wheel.arm(2, 30 * TICK);
        assertThat(wheel.nsUntilNext(10 * TICK)).isEqualTo(20 * TICK);
        assertThat(wheel.expire(30 * TICK - 1, recorder, 10)).isZero();
        assertThat(wheel.expire(30 * TICK, recorder, 10)).isEqualTo(1);
        assertThat(wheel.expire(50 * TICK - 1, recorder, 10)).isZero();
        assertThat(wheel.expire(50 * TICK, recorder, 10)).isEqualTo(1);
        assertThat(recorder.take()).containsExactly(0, 2, 1);
        assertThat(wheel.size()).isZero();
    }

    @Test
    void cancellingDueEntriesAtEitherEndOrInTheMiddleKeepsTheRestInOrder() {
        TimingWheel wheel = new TimingWheel(8, 0);
        Recorder recorder = new Recorder();
        for (int id = 0; id < 6; id++) {
            wheel.arm(id, (id + 1) * TICK);
        }
        assertThat(wheel.expire(10 * TICK, recorder, 1)).isEqualTo(1);
        // 1..5 are due now; cancel the first, the last and one in between.
        wheel.cancel(1);
        wheel.cancel(5);
        wheel.cancel(3);
        assertThat(wheel.armed(3)).isFalse();
        assertThat(wheel.size()).isEqualTo(2);
        assertThat(wheel.expire(10 * TICK, recorder, 10)).isEqualTo(2);
        assertThat(recorder.take()).containsExactly(0, 2, 4);

        // Cancelling every due entry leaves nothing to wait for.
        wheel.arm(6, TICK);
        wheel.arm(7, 2 * TICK);
        wheel.cancel(7);
        wheel.cancel(6);
        assertThat(wheel.nextDeadlineNs()).isEqualTo(Long.MAX_VALUE);
        assertThat(wheel.expire(20 * TICK, recorder, 10)).isZero();
    }

    @Test
    void growingTheCapacityKeepsEveryArmedEntryWhereItWas() {
        TimingWheel wheel = new TimingWheel(1, 0);
        Recorder recorder = new Recorder();
        long overflowNs = (1L << 37) * TICK; // beyond the wheel's horizon of 2^36 ticks
        wheel.arm(0, 3 * TICK);
        wheel.arm(1, 3 * TICK); // grows while 0 waits in a slot
        assertThat(wheel.expire(3 * TICK, recorder, 1)).isEqualTo(1);
        // Each arm below grows the wheel while 1 waits in the due list and others in their slots.
        wheel.arm(2, 10 * TICK);
        wheel.arm(3, 5_000 * TICK);
        wheel.arm(5, overflowNs);
        wheel.arm(6, 20 * TICK);
        wheel.arm(100, 10 * TICK);
        assertThat(wheel.capacity()).isGreaterThan(100);
        assertThat(wheel.size()).isEqualTo(6);
        for (int id = 7; id < 100; id++) {
            assertThat(wheel.armed(id)).as("id %d", id).isFalse();
        }
        assertThat(wheel.armed(4)).isFalse();

        wheel.cancel(6);
        wheel.arm(3, 6_000 * TICK); // pushed later after the growth: lazy
        assertThat(wheel.expire(20 * TICK, recorder, 10)).isEqualTo(3);
        assertThat(recorder.take()).containsExactly(0, 1, 2, 100);
        assertThat(wheel.expire(6_000 * TICK - 1, recorder, 10)).isZero();
        assertThat(wheel.expire(6_000 * TICK, recorder, 10)).isEqualTo(1);
        assertThat(wheel.expire(overflowNs - 1, recorder, 10)).isZero();
        assertThat(wheel.expire(overflowNs, recorder, 10)).isEqualTo(1);
        assertThat(recorder.take()).containsExactly(3, 5);
        assertThat(wheel.size()).isZero();
    }

    @Test
    void aCallbackPushingAnEntryLaterWithinItsCallDefersItAndBeyondItHonoursTheNewTime() {
        TimingWheel wheel = new TimingWheel(4, 0);
        List<Integer> fired = new ArrayList<>();
        wheel.arm(0, 10 * TICK);
        wheel.arm(1, 40 * TICK);
        wheel.arm(3, 12 * TICK);
        TimerHandler handler = (id, nowNs) -> {
            fired.add(id);
            if (id == 0) {
                wheel.arm(1, 100 * TICK); // waiting in the wheel, pushed beyond this call's time
                wheel.arm(2, 15 * TICK); // already due at this call's time: waits for the next call
                wheel.arm(2, 90 * TICK); // and then pushed beyond it
                wheel.arm(3, 18 * TICK); // pushed later but still within this call's time: next call
            }
        };
        assertThat(wheel.expire(20 * TICK, handler, 10)).isEqualTo(1);
        assertThat(fired).containsExactly(0);
        assertThat(wheel.expire(20 * TICK, handler, 10)).isEqualTo(1);
        assertThat(fired).containsExactly(0, 3);
        assertThat(wheel.expire(90 * TICK - 1, handler, 10)).isZero();
        assertThat(wheel.expire(90 * TICK, handler, 10)).isEqualTo(1);
        assertThat(wheel.expire(100 * TICK - 1, handler, 10)).isZero();
        assertThat(wheel.expire(100 * TICK, handler, 10)).isEqualTo(1);
        assertThat(fired).containsExactly(0, 3, 2, 1);
    }

    @Test
    void holdsTenMillionArmedEntriesAt16BytesEachAndFiresEachOnce() {
        int entries = 10_000_000;
        TimingWheel wheel = new TimingWheel(entries, 0);
        // Deadlines spread over an hour, in a scrambled id order.
        for (int i = 0; i < entries; i++) {
            int id = (int) ((i * 0x9E3779B1L) % entries);
            wheel.arm(id, 1 + (long) i * 360);
        }
        assertThat(wheel.size()).isEqualTo(entries);
        assertThat(TimingWheel.BYTES_PER_ENTRY).isEqualTo(16);
        assertThat(wheel.footprintBytes()).isLessThan(16L * entries + 8_192);

        long[] firedCount = new long[1];
        boolean[] seen = new boolean[entries];
        boolean[] twice = new boolean[1];
        TimerHandler handler = (id, nowNs) -> {
            twice[0] |= seen[id];
            seen[id] = true;
            firedCount[0]++;
        };
        for (long now = 0; wheel.size() > 0; now += 250 * MS) {
            wheel.expire(now, handler, Integer.MAX_VALUE);
        }
        assertThat(firedCount[0]).isEqualTo(entries);
        assertThat(twice[0]).isFalse();
    }
}
