package dev.happypath.rebalancer.pass;

import dev.happypath.rebalancer.RuntimeFailure;
import dev.happypath.rebalancer.StopSignal;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.testing.FakeTime;
import dev.happypath.rebalancer.testing.Scenario;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code run --wait-for-gate} on fakes: nodes handed by a fake watch, the gate judged on a fake clock. The
 * gate opening, the deadline and SIGTERM each end the one wait, through its stop signal.
 */
class GateWaitTest {

    private final Scenario scenario = Scenario.parse("two-lifeboated", PassTest.TWO_LIFEBOATED);
    private final List<NodeState> nodes = scenario.snapshot().nodes();
    /** The workers Ready since DEFAULT_SINCE: ten seconds later they are not yet stable for gate.stableFor (5m). */
    private final FakeTime tooSoon = new FakeTime(Instant.parse(Scenario.DEFAULT_SINCE).plusSeconds(10));

    /** A watch that hands the nodes once, then runs {@code then}; remembers whether it was closed. */
    private static final class FakeWatch implements NodeChanges {
        private final List<NodeState> nodes;
        private final Runnable then;
        final AtomicBoolean closed = new AtomicBoolean();

        FakeWatch(List<NodeState> nodes, Runnable then) {
            this.nodes = nodes;
            this.then = then;
        }

        @Override
        public Watching watch(Consumer<List<NodeState>> onChange) {
            onChange.accept(nodes);
            then.run();
            return () -> closed.set(true);
        }
    }

    @Test
    void anOpenGateEndsTheWaitAtOnce() {
        FakeWatch watch = new FakeWatch(nodes, () -> { });
        GateWait.Ended ended = GateWait.await(scenario.happyPath(), new FakeTime(scenario.now()), watch, Duration.ofHours(1), new StopSignal());

        assertThat(ended.how()).isEqualTo(GateWait.How.OPENED);
        assertThat(ended.last().open()).isTrue();
        assertThat(watch.closed).as("the watch is closed after the wait").isTrue();
    }

    @Test
    void theDeadlineEndsTheWaitWithTheGateStillClosedAndItsReasons() {
        StopSignal process = new StopSignal();
        GateWait.Ended ended = GateWait.await(scenario.happyPath(), tooSoon, new FakeWatch(nodes, () -> { }), Duration.ofMillis(100), process);

        assertThat(ended.how()).isEqualTo(GateWait.How.DEADLINE);
        assertThat(ended.last().open()).isFalse();
        assertThat(ended.last().reasons()).isNotEmpty();
        assertThat(process.isStopped()).as("the wait's deadline stops the wait, not the process").isFalse();
    }

    @Test
    void sigtermEndsTheWaitBeforeItsDeadline() {
        StopSignal process = new StopSignal();
        FakeWatch watch = new FakeWatch(nodes, () -> process.stop(StopSignal.Reason.SHUTDOWN));
        // an hour's deadline: only the stop can end this wait within the test's time
        GateWait.Ended ended = GateWait.await(scenario.happyPath(), tooSoon, watch, Duration.ofHours(1), process);

        assertThat(ended.how()).isEqualTo(GateWait.How.STOPPED);
        assertThat(watch.closed).isTrue();
    }

    @Test
    void aWatchThatFailsIsAFailureUnlessTheProcessIsStopping() {
        NodeChanges broken = onChange -> {
            throw new RuntimeFailure("cannot watch nodes: forbidden");
        };
        assertThatThrownBy(() -> GateWait.await(scenario.happyPath(), tooSoon, broken, Duration.ofHours(1), new StopSignal()))
                .isInstanceOf(RuntimeFailure.class).hasMessage("cannot watch nodes: forbidden");

        StopSignal stopping = new StopSignal();
        stopping.stop(StopSignal.Reason.SHUTDOWN);
        assertThat(GateWait.await(scenario.happyPath(), tooSoon, broken, Duration.ofHours(1), stopping).how()).isEqualTo(GateWait.How.STOPPED);
    }
}
