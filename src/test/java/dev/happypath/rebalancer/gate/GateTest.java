package dev.happypath.rebalancer.gate;

import dev.happypath.rebalancer.config.HappyPathLoader;
import dev.happypath.rebalancer.snapshot.Condition;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.Resources;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class GateTest {

    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

    @Test
    void withoutWorkersTheGateIsClosedAndSaysSo() {
        NodeState server = new NodeState("server", "u", Map.of("node-role.kubernetes.io/control-plane", "true"), List.of(), false,
                Resources.NONE, 110, Map.of("Ready", new Condition("Ready", "True", NOW.minusSeconds(86400), null, null)));
        GateVerdict v = Gate.judge(List.of(server), HappyPathLoader.loadBuiltIn(), NOW);
        assertThat(v.open()).isFalse();
        assertThat(v.reasons()).extracting(GateReason::code).containsExactly(GateReason.Code.NO_WORKERS);
        assertThat(v.opensAt()).isNull();
    }

    @Test
    void aWorkerThatReportsNoTransitionTimeIsNotTrusted() {
        NodeState worker = new NodeState("w", "u", Map.of("role", "apps"), List.of(), false, Resources.NONE, 110,
                Map.of("Ready", new Condition("Ready", "True", null, null, null)));
        GateVerdict v = Gate.judge(List.of(worker), HappyPathLoader.loadBuiltIn(), NOW);
        assertThat(v.open()).isFalse();
        assertThat(v.reasons()).extracting(GateReason::code).containsExactly(GateReason.Code.NOT_STABLE);
        assertThat(v.reasons().get(0).message()).contains("no lastTransitionTime");
    }

    @Test
    void aTransitionInTheFutureIsClockSkewNotHealthyForZeroSeconds() {
        NodeState worker = new NodeState("w", "u", Map.of("role", "apps"), List.of(), false, Resources.NONE, 110,
                Map.of("Ready", new Condition("Ready", "True", NOW.plusSeconds(90), null, null),
                        "MemoryPressure", new Condition("MemoryPressure", "False", NOW.minusSeconds(86400), null, null)));
        GateVerdict v = Gate.judge(List.of(worker), HappyPathLoader.loadBuiltIn(), NOW);
        assertThat(v.open()).isFalse();
        assertThat(v.reasons()).extracting(GateReason::code).containsExactly(GateReason.Code.CLOCK_SKEW);
        assertThat(v.reasons().get(0).toString()).isEqualTo("w: clock skew: its Ready condition changed at 2026-11-21T10:01:30Z,"
                + " 1m30s ahead of now (2026-11-21T10:00:00Z): cannot tell how long it has been healthy;"
                + " check the clocks (NTP) of the node and of the rebalancer");
        assertThat(v.opensAt()).isEqualTo(NOW.plusSeconds(90 + 300));
        // the same node, its transition now: not skew, only not stable yet
        NodeState now = new NodeState("w", "u", Map.of("role", "apps"), List.of(), false, Resources.NONE, 110,
                Map.of("Ready", new Condition("Ready", "True", NOW, null, null)));
        assertThat(Gate.judge(List.of(now), HappyPathLoader.loadBuiltIn(), NOW).reasons()).extracting(GateReason::code)
                .containsExactly(GateReason.Code.NOT_STABLE);
    }
}
