package dev.happypath.rebalancer.execute;

import java.time.Duration;

/** Waiting between eviction retries; tests substitute a clock that advances instead. */
@FunctionalInterface
public interface Sleeper {

    void sleep(Duration d) throws InterruptedException;

    Sleeper REAL = d -> Thread.sleep(d.toMillis());
}
