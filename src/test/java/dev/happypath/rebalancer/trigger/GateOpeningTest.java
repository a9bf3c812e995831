package dev.happypath.rebalancer.trigger;

import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.config.HappyPathLoader;
import dev.happypath.rebalancer.gate.GateVerdict;
import dev.happypath.rebalancer.snapshot.Condition;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.Resources;
import dev.happypath.rebalancer.testing.Await;
import dev.happypath.rebalancer.testing.CapturedStderr;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The gate's opening as the daemon's node-recovery trigger sees it: on a node change, or on its timer. */
class GateOpeningTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final HappyPath HAPPY_PATH = HappyPathLoader.loadBuiltIn();

    /** A worker back Ready at {@code readySince}, free of pressure for a day. */
    private static NodeState workerReadySince(Instant readySince) {
        return new NodeState("w", "u", Map.of("role", "apps"), List.of(), false, Resources.NONE, 110,
                Map.of("Ready", new Condition("Ready", "True", readySince, null, null),
                        "MemoryPressure", new Condition("MemoryPressure", "False", readySince.minus(Duration.ofDays(1)), null, null)));
    }

    /** Stable a moment from now, on the real clock: only the timer can see the gate open. */
    private static NodeState stableInAMoment(Clock clock) {
        return workerReadySince(clock.instant().minus(HAPPY_PATH.stableFor()).plusMillis(200));
    }

    @Test
    void theTimerOpensTheGateWhenTheStabilityWindowEnds() {
        Clock clock = Clock.systemUTC();
        List<GateVerdict> opened = new CopyOnWriteArrayList<>();
        try (GateOpening gate = new GateOpening(HAPPY_PATH, clock, false, opened::add)) {
            gate.nodesChanged(List.of(workerReadySince(clock.instant().minusSeconds(1))));
            assertThat(gate.last().open()).as("back a second ago: not stable yet").isFalse();

            gate.nodesChanged(List.of(stableInAMoment(clock)));

            Await.until(WAIT, "the opening reported by the timer", () -> !opened.isEmpty());
            assertThat(opened).hasSize(1);
            assertThat(opened.get(0).open()).isTrue();
        }
    }

    /** What reports the opening failing on the timer's thread is said, not kept in a future nobody reads. */
    @Test
    void anErrorOnTheTimerIsLoggedNotLost() {
        Clock clock = Clock.systemUTC();
        AtomicInteger calls = new AtomicInteger();
        try (CapturedStderr logs = CapturedStderr.start();
             GateOpening gate = new GateOpening(HAPPY_PATH, clock, false, v -> {
                 calls.incrementAndGet();
                 throw new IllegalStateException("the trigger broke");
             })) {
            gate.nodesChanged(List.of(workerReadySince(clock.instant().minusSeconds(1))));
            gate.nodesChanged(List.of(stableInAMoment(clock)));

            Await.until(WAIT, () -> "the error logged; stderr:\n" + logs.text(),
                    () -> logs.text().contains("the gate could not be judged again as its nodes' stability window ended: "
                            + "java.lang.IllegalStateException: the trigger broke"));
            assertThat(calls.get()).isEqualTo(1);
        }
    }
}
