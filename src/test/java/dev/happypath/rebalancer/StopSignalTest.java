package dev.happypath.rebalancer;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The one way anything here is told to stop. */
class StopSignalTest {

    @Test
    void theFirstReasonWinsAndListenersRunOnce() {
        StopSignal s = new StopSignal();
        AtomicInteger heard = new AtomicInteger();
        s.onStop(heard::incrementAndGet);
        assertThat(s.isStopped()).isFalse();

        s.stop(StopSignal.Reason.LEASE_LOST);
        s.stop(StopSignal.Reason.SHUTDOWN);

        assertThat(s.reason()).isEqualTo(StopSignal.Reason.LEASE_LOST);
        assertThat(heard).hasValue(1);
    }

    @Test
    void aListenerAddedAfterTheStopRunsAtOnceAndAClosedOneNever() {
        StopSignal s = new StopSignal();
        AtomicInteger forgotten = new AtomicInteger();
        s.onStop(forgotten::incrementAndGet).close();
        s.stop(StopSignal.Reason.SHUTDOWN);
        AtomicInteger late = new AtomicInteger();
        s.onStop(late::incrementAndGet);

        assertThat(forgotten).hasValue(0);
        assertThat(late).hasValue(1);
    }

    @Test
    void aChildStopsWithItsParentButNotTheOtherWayRound() {
        StopSignal process = new StopSignal();
        StopSignal first = process.child();
        first.stop(StopSignal.Reason.LEASE_LOST);
        assertThat(process.isStopped()).isFalse();

        StopSignal second = process.child();
        StopSignal detached = process.child();
        detached.close();
        process.stop(StopSignal.Reason.SHUTDOWN);

        assertThat(first.reason()).as("its own reason stays").isEqualTo(StopSignal.Reason.LEASE_LOST);
        assertThat(second.reason()).isEqualTo(StopSignal.Reason.SHUTDOWN);
        assertThat(detached.isStopped()).as("a closed child no longer follows").isFalse();
    }

    @Test
    void awaitReturnsEarlyOnceStoppedAndTellsWhichEndedIt() {
        StopSignal s = new StopSignal();
        assertThat(s.await(Duration.ofMillis(10))).as("nothing stopped it: the time passed").isFalse();

        s.stopAfter(Duration.ofMillis(20), StopSignal.Reason.DEADLINE);
        // an hour's wait, ended by the deadline
        assertThat(s.await(Duration.ofHours(1))).isTrue();
        assertThat(s.reason()).isEqualTo(StopSignal.Reason.DEADLINE);
    }

    @Test
    void anInterruptFromOutsideIsTakenAsAStopAndTheFlagKept() {
        StopSignal s = new StopSignal();
        Thread.currentThread().interrupt();
        try {
            assertThat(s.await(Duration.ofHours(1))).isTrue();
            assertThat(s.reason()).isEqualTo(StopSignal.Reason.INTERRUPTED);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
