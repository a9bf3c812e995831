package dev.happypath.rebalancer.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Waiting on a condition, with a deadline: the only kind of waiting tests do. */
public final class Await {

    private Await() {
    }

    /** Polls {@code condition} every 20 ms until it holds; fails when {@code limit} has passed first. */
    public static void until(String what, BooleanSupplier condition, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what + " within " + limit.toSeconds() + " s").isLessThan(deadline);
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }
}
