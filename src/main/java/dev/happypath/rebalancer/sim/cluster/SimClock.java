package dev.happypath.rebalancer.sim.cluster;

import dev.happypath.rebalancer.StopSignal;
import dev.happypath.rebalancer.execute.Sleeper;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The simulation's time. It moves only when told: by each tick of the simulation (a few simulated
 * seconds per few milliseconds of wall time) and by deliberate fast-forwards over idle stretches (a
 * 300 s toleration, a 5 m stability window). Everything the simulation writes (condition transitions,
 * taint times, deletion timestamps) and everything the rebalancer judges (the gate, the budget retry
 * deadline) reads this clock, so a story of half an hour plays in seconds with real durations.
 */
public final class SimClock extends Clock {

    private Instant now;

    public SimClock(Instant start) {
        this.now = start;
    }

    @Override
    public synchronized Instant instant() {
        return now;
    }

    public synchronized void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("time does not go back: " + d);
        }
        now = now.plus(d);
        notifyAll();
    }

    /** Moves the clock to {@code t} unless it is already past it. */
    public synchronized void advanceTo(Instant t) {
        if (t.isAfter(now)) {
            now = t;
            notifyAll();
        }
    }

    /**
     * Waits until this clock reaches {@code t}; someone else (the simulation's ticks) moves it.
     *
     * @param wallLimit how long to wait in real time before giving up
     */
    public synchronized void awaitInstant(Instant t, Duration wallLimit) throws InterruptedException {
        long deadline = System.nanoTime() + wallLimit.toNanos();
        while (now.isBefore(t)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException("simulated time stood still: waited " + wallLimit.toMillis() + " ms for " + t + ", it is " + now);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /**
     * A sleeper for the rebalancer: waiting d means waiting until simulated time has moved on by d, or
     * until the pass is told to stop.
     */
    public Sleeper sleeper(Duration wallLimit) {
        return (d, stop) -> {
            Instant until = instant().plus(d);
            try (StopSignal.Registration wake = stop.onStop(this::wake)) {
                synchronized (this) {
                    long deadline = System.nanoTime() + wallLimit.toNanos();
                    while (now.isBefore(until) && !stop.isStopped()) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            throw new IllegalStateException("simulated time stood still: waited " + wallLimit.toMillis() + " ms for "
                                    + until + ", it is " + now);
                        }
                        try {
                            wait(Math.max(1, left / 1_000_000));
                        } catch (InterruptedException e) {
                            stop.stop(StopSignal.Reason.INTERRUPTED);
                            Thread.currentThread().interrupt();
                        }
                    }
                }
            }
        };
    }

    private synchronized void wake() {
        notifyAll();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
