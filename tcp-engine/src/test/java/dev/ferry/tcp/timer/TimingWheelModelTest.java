package dev.ferry.tcp.timer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Drives a {@link TimingWheel} and a plain reference model with the same seeded random operations
 * and checks, after every step, that they agree. The model states the contract directly: an entry
 * whose deadline, rounded up to a tick, is at or before the latest time passed to expire must fire
 * in the next expire call with room in its budget, no entry fires earlier, and an entry armed during
 * a call never fires in that call.
 *
 * <p>A failure names its seed; {@code -Dferry.seed=<seed>} replays that one seed.
 */
class TimingWheelModelTest {
    private static final long TICK = TimingWheel.TICK_NS;
    private static final int SEEDS = 200;
    private static final int STEPS = 3_000;

    @Test
    void agreesWithTheReferenceModelUnderRandomOperations() {
        Long replay = Long.getLong("ferry.seed");
        if (replay != null) {
            new Run(replay).run();
            return;
        }
        long base = new SplittableRandom().nextLong();
        for (int i = 0; i < SEEDS; i++) {
            new Run(base + i).run();
        }
    }

    /** The reference: per id, armed or not and its deadline; nothing else. */
    private static final class Model {
        final boolean[] armed;
        final long[] deadlineNs;
        final boolean[] armedDuringCall;
        long latestTick;

        Model(int ids, long startNs) {
            armed = new boolean[ids];
            deadlineNs = new long[ids];
            armedDuringCall = new boolean[ids];
            latestTick = startNs >> TimingWheel.TICK_SHIFT;
        }

        static long dueTick(long deadlineNs) {
            return Math.floorDiv(deadlineNs, TICK) + (Math.floorMod(deadlineNs, TICK) == 0 ? 0 : 1);
        }

        boolean eligible(int id) {
            return armed[id] && !armedDuringCall[id] && dueTick(deadlineNs[id]) <= latestTick;
        }

        int size() {
            int n = 0;
            for (boolean a : armed) {
                n += a ? 1 : 0;
            }
            return n;
        }

        /**
         * The earliest time anything can fire, or MAX_VALUE. Deadlines in the last partial tick
         * before Long.MAX_VALUE round up past every representable time: they never fire.
         */
        long earliestFireNs() {
            long earliest = Long.MAX_VALUE;
            for (int id = 0; id < armed.length; id++) {
                if (armed[id]) {
                    long tick = dueTick(deadlineNs[id]);
                    long ns = tick > (Long.MAX_VALUE >> TimingWheel.TICK_SHIFT)
                            ? Long.MAX_VALUE
                            : tick << TimingWheel.TICK_SHIFT;
                    earliest = Math.min(earliest, ns);
                }
            }
            return earliest;
        }
    }

    private static final class Run {
        final long seed;
        final SplittableRandom random;
        final int ids;
        final long startNs;
        final TimingWheel wheel;
        final Model model;
        long nowNs;
        long latestNs;
        int step;
        boolean inCall;

        Run(long seed) {
            this.seed = seed;
            this.random = new SplittableRandom(seed);
            this.ids = 1 + random.nextInt(random.nextBoolean() ? 16 : 400);
            this.startNs = switch (random.nextInt(5)) {
                case 0 -> 0;
                case 1 -> -random.nextLong(1L << 50);
                case 2 -> Long.MIN_VALUE / 2 + random.nextLong(1L << 40);
                case 3 -> Long.MAX_VALUE - (1L << 58) - random.nextLong(1L << 40);
                default -> random.nextLong(1L << 60);
            };
            this.wheel = new TimingWheel(random.nextInt(4), startNs);
            this.model = new Model(ids, startNs);
            this.nowNs = startNs;
            this.latestNs = startNs;
        }

        void run() {
            try {
                for (step = 0; step < STEPS; step++) {
                    int op = random.nextInt(100);
                    if (op < 40) {
                        arm(random.nextInt(ids));
                    } else if (op < 55) {
                        cancel(random.nextInt(ids));
                    } else {
                        advanceAndExpire();
                    }
                    checkAgreement();
                }
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + " (replay with -Dferry.seed=" + seed + "), step " + step, e);
            }
        }

        void arm(int id) {
            long deadline = randomDeadline();
            wheel.arm(id, deadline);
            model.armed[id] = true;
            model.deadlineNs[id] = deadline;
            model.armedDuringCall[id] = inCall;
        }

        void cancel(int id) {
            wheel.cancel(id);
            model.armed[id] = false;
        }

        long randomDeadline() {
            return switch (random.nextInt(12)) {
                case 0 -> nowNs + random.nextLong(2 * TICK);
                case 1, 2 -> plus(nowNs, random.nextLong(64 * TICK));
                case 3 -> plus(nowNs, random.nextLong(4096 * TICK));
                case 4 -> plus(nowNs, random.nextLong(TICK << 26));
                case 5 -> plus(nowNs, random.nextLong(TICK << 40)); // beyond the 2^36-tick horizon
                case 6 -> plus(nowNs, -random.nextLong(100 * TICK)); // already passed
                case 7 -> random.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE;
                case 8 -> Math.ceilDiv(nowNs, TICK) * TICK + random.nextLong(-2, 3) * TICK; // on a boundary
                case 9 -> existingDeadline(); // shared by another entry
                default -> plus(nowNs, random.nextLong(300 * TICK));
            };
        }

        long existingDeadline() {
            int other = random.nextInt(ids);
            return model.armed[other] ? model.deadlineNs[other] : nowNs;
        }

        void advanceAndExpire() {
            nowNs = switch (random.nextInt(20)) {
                case 0 -> plus(nowNs, -random.nextLong(10 * TICK)); // backwards: time stands still
                case 1 -> plus(nowNs, random.nextLong(TICK << 40)); // a huge jump
                case 2 -> plus(nowNs, random.nextLong(TICK << 24));
                case 3, 4 -> plus(nowNs, random.nextLong(4096 * TICK));
                case 5, 6 -> boundaryOfSomeEntry();
                case 7, 8, 9 -> plus(nowNs, random.nextLong(64 * TICK));
                default -> plus(nowNs, random.nextLong(3 * TICK));
            };
            long lowerBound = wheel.nextDeadlineNs();
            assertThat(lowerBound).as("nextDeadlineNs is a lower bound").isLessThanOrEqualTo(model.earliestFireNs());
            model.latestTick = Math.max(model.latestTick, nowNs >> TimingWheel.TICK_SHIFT);
            int budget = random.nextInt(4) == 0 ? random.nextInt(4) : Integer.MAX_VALUE;
            inCall = true;
            int fired = wheel.expire(nowNs, this::onTimer, budget);
            inCall = false;
            assertThat(fired).isLessThanOrEqualTo(budget);
            latestNs = Math.max(latestNs, nowNs); // time going backwards stands still
            if (latestNs < lowerBound) {
                assertThat(fired).as("fired before nextDeadlineNs").isZero();
            }
            if (fired < budget) {
                for (int id = 0; id < ids; id++) {
                    if (model.eligible(id)) {
                        fail("entry %d with deadline %d did not fire at %d", id, model.deadlineNs[id], nowNs);
                    }
                }
            }
            Arrays.fill(model.armedDuringCall, false);
        }

        /** Jumps to just before, at, or just after the first firing time of a random entry. */
        long boundaryOfSomeEntry() {
            int id = random.nextInt(ids);
            if (!model.armed[id] || model.deadlineNs[id] == Long.MAX_VALUE) {
                return nowNs;
            }
            long fire = Model.dueTick(model.deadlineNs[id]) * TICK;
            return Math.max(nowNs, fire + random.nextLong(-1, 2));
        }

        void onTimer(int id, long firedAtNs) {
            assertThat(firedAtNs).isEqualTo(nowNs);
            assertThat(model.armed[id]).as("fired entry %d was armed", id).isTrue();
            assertThat(model.armedDuringCall[id])
                    .as("entry %d armed during this call fired in it", id)
                    .isFalse();
            assertThat(Model.dueTick(model.deadlineNs[id]))
                    .as("entry %d fired early", id)
                    .isLessThanOrEqualTo(model.latestTick);
            assertThat(wheel.armed(id)).as("a firing entry is disarmed").isFalse();
            model.armed[id] = false;
            switch (random.nextInt(8)) {
                case 0, 1 -> arm(id); // re-arm itself, maybe for a time already due
                case 2 -> cancel(random.nextInt(ids));
                case 3 -> arm(random.nextInt(ids));
                default -> {}
            }
        }

        void checkAgreement() {
            // Plain comparisons: this runs for every id after every step.
            if (wheel.size() != model.size()) {
                fail("size %d, model %d", wheel.size(), model.size());
            }
            for (int id = 0; id < ids; id++) {
                if (wheel.armed(id) != model.armed[id]) {
                    fail("armed(%d) is %s", id, wheel.armed(id));
                }
                if (model.armed[id] && wheel.deadlineNs(id) != model.deadlineNs[id]) {
                    fail("deadlineNs(%d) is %d, armed for %d", id, wheel.deadlineNs(id), model.deadlineNs[id]);
                }
            }
        }

        static long plus(long a, long b) {
            long sum = a + b;
            if (((a ^ sum) & (b ^ sum)) < 0) {
                return b > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
            }
            return sum;
        }
    }
}
