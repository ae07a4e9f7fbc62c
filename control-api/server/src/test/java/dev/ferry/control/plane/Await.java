package dev.ferry.control.plane;

import java.time.Duration;
import java.util.function.BooleanSupplier;

public final class Await {
    private Await() {}

    /**
     * Polls until true; fails after 10 s with {@code what}. A condition that throws an
     * AssertionError (e.g. "nothing published yet") counts as not yet true.
     */
    public static void until(String what, BooleanSupplier condition) {
        long deadlineNs = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!holds(condition)) {
            if (System.nanoTime() > deadlineNs) {
                throw new AssertionError("within 10 s: " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static boolean holds(BooleanSupplier condition) {
        try {
            return condition.getAsBoolean();
        } catch (AssertionError notYet) {
            return false;
        }
    }
}
