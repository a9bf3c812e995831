package dev.happypath.rebalancer.sim.cluster;

import dev.happypath.rebalancer.scheduling.PlanningView;
import dev.happypath.rebalancer.sim.cluster.PodScheduler.Bind;
import dev.happypath.rebalancer.sim.cluster.PodScheduler.Decision;
import dev.happypath.rebalancer.sim.cluster.PodScheduler.Preempt;
import dev.happypath.rebalancer.sim.cluster.PodScheduler.Unschedulable;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.testing.Scenario;
import org.junit.jupiter.api.Test;

import static dev.happypath.rebalancer.testing.Scenario.AGENT0;
import static dev.happypath.rebalancer.testing.Scenario.AGENT1;
import static dev.happypath.rebalancer.testing.Scenario.SERVER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulation's scheduler: the product's landing model (filters, weighted scores; a tie goes to the
 * first node by name), then preemption when nothing fits. The scoring cases are the plain ones a
 * demo relies on; PredictionTest holds the hand-computed scores.
 */
class SimSchedulerTest {

    private final PodScheduler scheduler = new SimScheduler();

    private Decision schedule(String yaml, String pendingPod) {
        ClusterSnapshot snapshot = Scenario.parse("scheduler", yaml).snapshot();
        PodState pod = snapshot.pods().stream().filter(p -> p.name().equals(pendingPod)).findFirst().orElseThrow();
        return scheduler.schedule(pod, new PlanningView(snapshot));
    }

    @Test
    void aPreferredNodeAffinityOutweighsFreeMemory() {
        Decision d = schedule("""
                pods:
                  - { name: big, node: k3d-idp-demo-agent-1, memory: 3Gi }
                  - { name: new, memory: 128Mi, affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [
                      { weight: 10, preference: { matchExpressions: [ { key: role, operator: In, values: [apps] } ] } } ] } } }
                """, "new");
        assertThat(d).isEqualTo(new Bind(AGENT1));
    }

    @Test
    void anUntoleratedPreferNoScheduleTaintIsAvoidedWhenThereIsAChoice() {
        Decision d = schedule("""
                nodes:
                  - { idp: k3d-idp-demo-server-0 }
                  - { idp: k3d-idp-demo-agent-0, taints: ["maintenance=soon:PreferNoSchedule"] }
                  - { idp: k3d-idp-demo-agent-1 }
                pods:
                  - { name: busy, node: k3d-idp-demo-agent-1, memory: 2Gi }
                  - { name: new, memory: 128Mi }
                """, "new");
        assertThat(d).isEqualTo(new Bind(AGENT1));
    }

    @Test
    void otherwiseTheNodeWithTheMostMemoryLeftWinsAndTiesGoByName() {
        assertThat(schedule("""
                pods:
                  - { name: busy, node: k3d-idp-demo-agent-0, memory: 1Gi }
                  - { name: new, memory: 128Mi }
                """, "new")).isEqualTo(new Bind(AGENT1));
        assertThat(schedule("""
                pods:
                  - { name: new, memory: 128Mi }
                """, "new")).isEqualTo(new Bind(AGENT0));
    }

    @Test
    void terminatingPodsStillHoldTheirNodesMemory() {
        Decision d = schedule("""
                nodes:
                  - { idp: k3d-idp-demo-server-0 }
                  - { idp: k3d-idp-demo-agent-0, memory: 1Gi }
                  - { idp: k3d-idp-demo-agent-1, memory: 1Gi }
                pods:
                  - { name: leaving, node: k3d-idp-demo-agent-0, memory: 900Mi, terminating: true }
                  - { name: staying, node: k3d-idp-demo-agent-1, memory: 800Mi }
                  - { name: new, memory: 200Mi }
                """, "new");
        assertThat(d).isEqualTo(new Bind(AGENT1));
    }

    @Test
    void whenNothingFitsTheFewestLowestPriorityPodsArePreempted() {
        Decision d = schedule("""
                nodes:
                  - { idp: k3d-idp-demo-server-0 }
                  - { idp: k3d-idp-demo-agent-0, memory: 1Gi }
                  - { idp: k3d-idp-demo-agent-1, memory: 1Gi }
                pods:
                  - { name: important, node: k3d-idp-demo-agent-0, memory: 1Gi, priority: 9000 }
                  - { name: cheap-small, node: k3d-idp-demo-agent-1, memory: 256Mi, priority: 1000 }
                  - { name: cheap-big, node: k3d-idp-demo-agent-1, memory: 512Mi, priority: 1000 }
                  - { name: middling, node: k3d-idp-demo-agent-1, memory: 256Mi, priority: 5000 }
                  - { name: new, memory: 400Mi, priority: 8000 }
                """, "new");
        assertThat(d).isInstanceOf(Preempt.class);
        Preempt p = (Preempt) d;
        assertThat(p.node()).isEqualTo(AGENT1);
        // the more important pods are given back first: middling (5000) stays, one of the 1000s is enough
        assertThat(p.victims()).extracting(PodState::name).containsExactly("cheap-big");
    }

    @Test
    void preemptionNeverTakesDaemonSetPodsNorPodsOfEqualPriority() {
        Decision d = schedule("""
                nodes:
                  - { idp: k3d-idp-demo-server-0 }
                  - { idp: k3d-idp-demo-agent-0, memory: 1Gi }
                  - { idp: k3d-idp-demo-agent-1, memory: 1Gi }
                pods:
                  - { name: same, node: k3d-idp-demo-agent-0, memory: 1Gi, priority: 8000 }
                  - { name: logs, owner: DaemonSet/logs, node: k3d-idp-demo-agent-1, memory: 1Gi, priority: 10 }
                  - { name: new, memory: 400Mi, priority: 8000 }
                """, "new");
        assertThat(d).isInstanceOf(Unschedulable.class);
        assertThat(((Unschedulable) d).message()).startsWith("0/3 nodes are available: ")
                .contains(SERVER + ": TaintToleration").contains(AGENT0 + ": NodeResourcesFit");
    }

    @Test
    void preemptionCannotCureAVolumePinnedElsewhere() {
        Decision d = schedule("""
                nodes:
                  - { idp: k3d-idp-demo-server-0 }
                  - { idp: k3d-idp-demo-agent-0, memory: 1Gi }
                  - { idp: k3d-idp-demo-agent-1, memory: 1Gi }
                pods:
                  - { name: cheap, node: k3d-idp-demo-agent-1, memory: 1Gi, priority: 1 }
                  - { name: new, memory: 400Mi, priority: 8000, claims: [data] }
                  - { name: filler, node: k3d-idp-demo-agent-0, memory: 1Gi, priority: 9000 }
                pvcs:
                  - { ns: default, name: data, volume: pv-data }
                pvs:
                  - { name: pv-data, node: k3d-idp-demo-agent-0 }
                """, "new");
        assertThat(d).isInstanceOf(Unschedulable.class);
        assertThat(((Unschedulable) d).message()).contains("VolumeBinding");
    }
}
