package dev.happypath.rebalancer.testing;

import dev.happypath.rebalancer.StopSignal;
import dev.happypath.rebalancer.execute.Sleeper;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * A clock that only moves when something sleeps on it: backoff loops run instantly and exactly. A sleep on a
 * stopped signal returns at once without moving the clock, as a real wait would.
 */
public final class FakeTime extends Clock implements Sleeper {

    private Instant now;
    private final List<Duration> sleeps = new ArrayList<>();

    public FakeTime(Instant start) {
        this.now = start;
    }

    @Override
    public synchronized void sleep(Duration d, StopSignal stop) {
        if (stop.isStopped()) {
            return;
        }
        sleeps.add(d);
        now = now.plus(d);
    }

    /** Moves the clock on by {@code d}, as a test's "ten minutes later". */
    public void sleep(Duration d) {
        sleep(d, new StopSignal());
    }

    public synchronized List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }

    @Override
    public synchronized Instant instant() {
        return now;
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
