package dev.ferry.control.plane;

import java.time.Duration;
import java.util.function.BooleanSupplier;

public final class Await {
    private Await() {}

    /** Polls until true; fails after 10 s with {@code what}. */
    public static void until(String what, BooleanSupplier condition) {
        long deadlineNs = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
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
}
