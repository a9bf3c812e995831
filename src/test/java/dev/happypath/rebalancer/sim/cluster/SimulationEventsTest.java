package dev.happypath.rebalancer.sim.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.happypath.rebalancer.sim.InProcessApi;
import dev.happypath.rebalancer.testing.Scenario;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import static dev.happypath.rebalancer.testing.Scenario.AGENT0;
import static dev.happypath.rebalancer.testing.Scenario.AGENT1;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the soak's random events do to the simulated cluster, stepped tick by tick: each the way a person,
 * a kubelet or a controller does it on a real cluster.
 */
class SimulationEventsTest {

    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final Simulation.Timings TIMINGS = new Simulation.Timings(Duration.ofSeconds(2), Duration.ofMillis(10),
            Duration.ofSeconds(4), Duration.ofSeconds(4));

    private InProcessApi api;
    private Simulation sim;
    private SimClock clock;

    @AfterEach
    void close() {
        sim.close();
        api.close();
    }

    private void start(String yaml) {
        api = new InProcessApi();
        clock = new SimClock(T0);
        sim = new Simulation(api, clock, new SimScheduler(), TIMINGS);
        List<HasMetadata> objects = new ArrayList<>();
        for (JsonNode item : Scenario.parse("sim-events", yaml).kubectlList().get("items")) {
            objects.add(Serialization.unmarshal(item.toString(), HasMetadata.class));
        }
        sim.seed(objects);
    }

    private void tickUntil(String what, BooleanSupplier condition, int maxTicks) {
        for (int i = 0; i < maxTicks && !condition.getAsBoolean(); i++) {
            sim.tick();
        }
        assertThat(condition.getAsBoolean()).as(what + " within " + maxTicks + " ticks").isTrue();
    }

    private static boolean ready(Pod p) {
        return p != null && Simulation.podReady(p);
    }

    private static boolean crashLooping(Pod p) {
        return p.getStatus().getContainerStatuses() != null && p.getStatus().getContainerStatuses().stream()
                .anyMatch(c -> c.getState().getWaiting() != null && "CrashLoopBackOff".equals(c.getState().getWaiting().getReason()));
    }

    private List<Pod> owned(String prefix) {
        return api.pods().stream().filter(p -> p.getMetadata().getName().startsWith(prefix) && p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    @Test
    void aCordonedNodeTakesNoNewPodButKeepsItsOwnUntilUncordoned() {
        start("""
                pods:
                  - { ns: apps, name: web-abcde, owner: ReplicaSet/web-7d9f, node: k3d-idp-demo-agent-0,
                      nodeSelector: { role: infra } }
                """);
        sim.cordon(AGENT0);
        assertThat(api.node(AGENT0).getSpec().getUnschedulable()).isTrue();
        assertThat(api.node(AGENT0).getSpec().getTaints()).anyMatch(t -> t.getKey().equals(Simulation.UNSCHEDULABLE) && t.getEffect().equals("NoSchedule"));
        assertThat(api.pod("apps", "web-abcde").getSpec().getNodeName()).as("a cordon evicts nothing").isEqualTo(AGENT0);

        sim.deletePod("apps", "web-abcde");
        tickUntil("the old pod gone", () -> api.pod("apps", "web-abcde") == null, 10);
        for (int i = 0; i < 5; i++) {
            sim.tick();
        }
        assertThat(owned("web-7d9f-")).singleElement().satisfies(p -> assertThat(p.getSpec().getNodeName())
                .as("its only node is cordoned: Pending").isNull());

        sim.uncordon(AGENT0);
        assertThat(api.node(AGENT0).getSpec().getTaints()).noneMatch(t -> t.getKey().equals(Simulation.UNSCHEDULABLE));
        tickUntil("bound and Ready once uncordoned", () -> owned("web-7d9f-").stream().anyMatch(p -> AGENT0.equals(p.getSpec().getNodeName()) && ready(p)), 10);
    }

    @Test
    void aCrashLoopingPodStaysNotReadyWithTheSameUidUntilHealed() {
        start("""
                pods:
                  - { ns: apps, name: web-abcde, owner: ReplicaSet/web-7d9f, node: k3d-idp-demo-agent-1 }
                """);
        String uid = api.pod("apps", "web-abcde").getMetadata().getUid();
        sim.crashLoop("apps", "web-abcde");
        for (int i = 0; i < 30; i++) {
            sim.tick();
        }
        Pod p = api.pod("apps", "web-abcde");
        assertThat(p.getMetadata().getUid()).isEqualTo(uid);
        assertThat(ready(p)).as("never Ready while crash-looping").isFalse();
        assertThat(crashLooping(p)).as("the kubelet reports CrashLoopBackOff").isTrue();
        assertThat(sim.tick()).as("a crash loop is nothing the cluster is waiting for").isTrue();

        sim.heal("apps", "web-abcde");
        tickUntil("Ready once healed", () -> ready(api.pod("apps", "web-abcde")), 5);
        assertThat(crashLooping(api.pod("apps", "web-abcde"))).isFalse();
    }

    @Test
    void aBadRolloutMakesTheReplacementCrashLoopAndOnlyTheNewPods() {
        start("""
                pods:
                  - { ns: apps, name: web-abcde, owner: ReplicaSet/web-7d9f, node: k3d-idp-demo-agent-1 }
                  - { ns: apps, name: web-fghjk, owner: ReplicaSet/web-7d9f, node: k3d-idp-demo-agent-1 }
                """);
        String owner = api.pod("apps", "web-abcde").getMetadata().getOwnerReferences().get(0).getUid();
        sim.crashLoopNewPods(owner, true);
        sim.deletePod("apps", "web-abcde");
        tickUntil("a replacement crash-looping", () -> owned("web-7d9f-").stream().anyMatch(SimulationEventsTest::crashLooping), 20);
        assertThat(ready(api.pod("apps", "web-fghjk"))).as("the pod that was there keeps running").isTrue();

        sim.crashLoopNewPods(owner, false);
        Pod replacement = owned("web-7d9f-").stream().filter(SimulationEventsTest::crashLooping).findFirst().orElseThrow();
        sim.heal("apps", replacement.getMetadata().getName());
        tickUntil("the replacement Ready once the rollout is fixed", () -> ready(api.pod("apps", replacement.getMetadata().getName())), 5);
    }

    @Test
    void aContainerRestartKeepsThePodAndItsUidAndIsReadyAgainAfterStartUp() {
        start("""
                pods:
                  - { ns: observability, name: loki-0, owner: StatefulSet/loki, node: k3d-idp-demo-agent-1 }
                """);
        String uid = api.pod("observability", "loki-0").getMetadata().getUid();
        sim.restartContainers("observability", "loki-0");
        assertThat(ready(api.pod("observability", "loki-0"))).isFalse();
        tickUntil("Ready again", () -> ready(api.pod("observability", "loki-0")), 5);
        assertThat(api.pod("observability", "loki-0").getMetadata().getUid()).isEqualTo(uid);
    }

    @Test
    void aDeletedStatefulSetPodComesBackUnderItsNameWithANewUid() {
        start("""
                pods:
                  - { ns: observability, name: loki-0, owner: StatefulSet/loki, node: k3d-idp-demo-agent-1 }
                """);
        String uid = api.pod("observability", "loki-0").getMetadata().getUid();
        sim.deletePod("observability", "loki-0");
        assertThat(api.pod("observability", "loki-0").getMetadata().getDeletionTimestamp()).as("graceful: Terminating").isNotNull();
        tickUntil("loki-0 back with a new UID, Ready", () -> {
            Pod p = api.pod("observability", "loki-0");
            return p != null && !p.getMetadata().getUid().equals(uid) && ready(p);
        }, 10);
    }

    @Test
    void aNewWorkloadIsCreatedAndScheduledAndADeletedOneIsNotReplaced() {
        start("""
                pods:
                  - { ns: apps, name: web-abcde, owner: ReplicaSet/web-7d9f, node: k3d-idp-demo-agent-1 }
                """);
        Pod template = api.pod("apps", "web-abcde");
        String uid = sim.addWorkload("team", "batch", template, 3);
        tickUntil("three pods of the new workload Ready", () -> owned("batch-").stream().filter(SimulationEventsTest::ready).count() == 3, 10);
        assertThat(owned("batch-")).allSatisfy(p -> {
            assertThat(p.getMetadata().getNamespace()).isEqualTo("team");
            assertThat(p.getMetadata().getOwnerReferences().get(0).getUid()).isEqualTo(uid);
        });

        sim.removeWorkload(uid);
        tickUntil("its pods gone, none recreated", () -> api.pods().stream().noneMatch(p -> p.getMetadata().getName().startsWith("batch-")), 10);
        assertThat(ready(api.pod("apps", "web-abcde"))).as("other workloads untouched").isTrue();
    }

    @Test
    void aTightenedBudgetAllowsNoDisruptionAtOnce() {
        start("""
                pods:
                  - { ns: apps, name: web-abcde, owner: ReplicaSet/web-7d9f, node: k3d-idp-demo-agent-1, labels: { app: web } }
                  - { ns: apps, name: web-fghjk, owner: ReplicaSet/web-7d9f, node: k3d-idp-demo-agent-1, labels: { app: web } }
                pdbs:
                  - { ns: apps, name: web, selector: { matchLabels: { app: web } }, minAvailable: 1 }
                """);
        api.refreshBudgets();
        assertThat(api.budget("apps", "web").getStatus().getDisruptionsAllowed()).isEqualTo(1);
        sim.changeBudget("apps", "web", 2);
        assertThat(api.budget("apps", "web").getStatus().getDisruptionsAllowed()).isZero();
        sim.changeBudget("apps", "web", 1);
        assertThat(api.budget("apps", "web").getStatus().getDisruptionsAllowed()).isEqualTo(1);
    }

    @Test
    void aDriverSkippingIdleTimeStopsWhenATolerationRunsOut() {
        start("""
                pods:
                  - { ns: apps, name: web-abcde, owner: ReplicaSet/web-7d9f, node: k3d-idp-demo-agent-1,
                      tolerations: [ { key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 300 } ] }
                """);
        assertThat(sim.nextDue()).as("nothing due on a healthy cluster").isEmpty();
        sim.failNode(AGENT1);
        Instant failed = clock.instant();
        assertThat(sim.nextDue()).contains(failed.plusSeconds(300));

        sim.advanceTo(failed.plusSeconds(300));
        sim.tick();
        assertThat(api.pod("apps", "web-abcde").getMetadata().getDeletionTimestamp()).as("the taint manager acted").isNotNull();
        assertThat(sim.nextDue()).as("nothing more due").isEmpty();
    }
}
