package dev.happypath.rebalancer.execute;

import dev.happypath.rebalancer.StopSignal;

import java.time.Duration;

/**
 * Waiting between eviction retries: the pass's clock as something to wait on. Returns early once
 * {@code stop} is signalled; tests substitute a clock that advances instead.
 */
@FunctionalInterface
public interface Sleeper {

    void sleep(Duration d, StopSignal stop);

    /** Waits in real time, or until stopped. */
    Sleeper REAL = (d, stop) -> stop.await(d);
}
