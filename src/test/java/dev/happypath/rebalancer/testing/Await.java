package dev.happypath.rebalancer.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits on a condition with a deadline (never a sleep that hopes for timing). */
public final class Await {

    private Await() {
    }

    public static void until(Duration max, String what, BooleanSupplier condition) {
        until(max, () -> what, condition);
    }

    public static void until(Duration max, Supplier<String> what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + max.toMillis() + " ms: " + what.get());
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for: " + what.get());
            }
        }
    }
}
