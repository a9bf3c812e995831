package dev.happypath.rebalancer.pass;

import dev.happypath.rebalancer.RuntimeFailure;
import dev.happypath.rebalancer.StopSignal;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.testing.Await;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The daemon's node watch, on an in-memory port that refuses to start a few times. */
class KeptNodeWatchTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration PAUSE = Duration.ofMillis(10);

    /** A watch that cannot start {@code failures} times (the API server away), then starts and hands one list. */
    private static final class FlakyStart implements NodeChanges {
        final AtomicInteger attempts = new AtomicInteger();
        final AtomicBoolean closed = new AtomicBoolean();
        volatile int failures;

        FlakyStart(int failures) {
            this.failures = failures;
        }

        @Override
        public Watching watch(Consumer<List<NodeState>> onChange) {
            if (attempts.incrementAndGet() <= failures) {
                throw new RuntimeFailure("cannot reach the API server at https://10.0.0.1:6443/ to watch nodes: connection refused");
            }
            onChange.accept(List.of());
            return () -> closed.set(true);
        }
    }

    @Test
    void aWatchThatCannotStartIsTriedAgainUntilItStarts() {
        FlakyStart changes = new FlakyStart(3);
        List<List<NodeState>> seen = new CopyOnWriteArrayList<>();
        try (KeptNodeWatch kept = KeptNodeWatch.start(changes, seen::add, new StopSignal(), PAUSE)) {
            Await.until(WAIT, "the watch started", kept::watching);
            assertThat(changes.attempts.get()).as("three refusals, then the start").isEqualTo(4);
            assertThat(seen).as("the first list handed on").hasSize(1);
        }
        assertThat(changes.closed.get()).as("closing it closes the watch").isTrue();
    }

    @Test
    void stoppingTheDaemonEndsTheAttempts() {
        FlakyStart changes = new FlakyStart(Integer.MAX_VALUE);
        StopSignal sigterm = new StopSignal();
        try (KeptNodeWatch kept = KeptNodeWatch.start(changes, nodes -> { }, sigterm, PAUSE)) {
            Await.until(WAIT, "tried more than once", () -> changes.attempts.get() > 1);

            sigterm.stop(StopSignal.Reason.SHUTDOWN);

            // the attempts end: none after the one in flight when the signal came
            int atStop = changes.attempts.get();
            Await.until(WAIT, "no attempt for ten pauses", () -> {
                int before = changes.attempts.get();
                new StopSignal().await(PAUSE.multipliedBy(10));
                return changes.attempts.get() == before;
            });
            assertThat(changes.attempts.get()).isLessThanOrEqualTo(atStop + 1);
            assertThat(kept.watching()).isFalse();
        }
    }
}
