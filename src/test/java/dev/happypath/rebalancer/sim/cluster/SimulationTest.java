package dev.happypath.rebalancer.sim.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.happypath.rebalancer.cluster.KubernetesClients;
import dev.happypath.rebalancer.sim.InProcessApi;
import dev.happypath.rebalancer.testing.Scenario;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

import static dev.happypath.rebalancer.testing.Scenario.AGENT0;
import static dev.happypath.rebalancer.testing.Scenario.AGENT1;
import static dev.happypath.rebalancer.testing.Scenario.SERVER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulated controllers, stepped tick by tick (no background thread, no wall-clock waits): each
 * assertion names the Kubernetes behaviour it checks.
 */
class SimulationTest {

    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final Simulation.Timings TIMINGS = new Simulation.Timings(Duration.ofSeconds(2), Duration.ofMillis(10),
            Duration.ofSeconds(4), Duration.ofSeconds(4));

    /** Every pod tolerates the unreachable taint for 300 s, as DefaultTolerationSeconds makes it. */
    private static final String TOLERATE_300 = "{ key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 300 }";

    private final List<AutoCloseable> open = new ArrayList<>();
    private InProcessApi api;
    private Simulation sim;
    private SimClock clock;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private void start(String yaml) {
        api = new InProcessApi();
        clock = new SimClock(T0);
        sim = new Simulation(api, clock, new SimScheduler(), TIMINGS);
        open.add(0, api);
        open.add(0, sim);
        List<HasMetadata> objects = new ArrayList<>();
        for (JsonNode item : Scenario.parse("sim", yaml).kubectlList().get("items")) {
            objects.add(Serialization.unmarshal(item.toString(), HasMetadata.class));
        }
        sim.seed(objects);
    }

    /** Ticks until the condition holds; fails after {@code maxTicks}. */
    private void tickUntil(String what, BooleanSupplier condition, int maxTicks) {
        for (int i = 0; i < maxTicks; i++) {
            if (condition.getAsBoolean()) {
                return;
            }
            sim.tick();
        }
        assertThat(condition.getAsBoolean()).as(what + " within " + maxTicks + " ticks").isTrue();
    }

    private void ticks(int n) {
        for (int i = 0; i < n; i++) {
            sim.tick();
        }
    }

    private List<Pod> podsNamed(String prefix) {
        return api.pods().stream().filter(p -> p.getMetadata().getName().startsWith(prefix)).toList();
    }

    private static boolean terminating(Pod p) {
        return p != null && p.getMetadata().getDeletionTimestamp() != null;
    }

    private static boolean ready(Pod p) {
        return p != null && Simulation.podReady(p);
    }

    private void evict(String namespace, String name) {
        try (KubernetesClient client = KubernetesClients.create(api.clientConfig())) {
            assertThat(client.pods().inNamespace(namespace).withName(name)
                    .evict(new EvictionBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata().build())).isTrue();
        }
    }

    @Test
    void aReplicaSetReplacesAnEvictedPodAtOnceUnderANewNameWhileTheOldOneStillTerminates() {
        start("""
                pods:
                  - { ns: apps, name: web-abcde, owner: ReplicaSet/web-7d9f, node: k3d-idp-demo-agent-0 }
                """);
        evict("apps", "web-abcde");
        assertThat(terminating(api.pod("apps", "web-abcde"))).as("graceful: Terminating first").isTrue();

        sim.tick();
        List<Pod> replacements = podsNamed("web-7d9f-");
        assertThat(replacements).hasSize(1);
        assertThat(replacements.get(0).getSpec().getNodeName()).as("bound in the same tick").isNotNull();
        assertThat(api.pod("apps", "web-abcde")).as("the old pod still terminating").isNotNull();

        String name = replacements.get(0).getMetadata().getName();
        tickUntil("the old pod gone and the new one Ready", () -> api.pod("apps", "web-abcde") == null && ready(api.pod("apps", name)), 5);
    }

    @Test
    void aStatefulSetRecreatesItsPodUnderTheSameNameOnlyOnceTheOldOneIsGone() {
        start("""
                pods:
                  - { ns: observability, name: loki-0, owner: StatefulSet/loki, node: k3d-idp-demo-agent-1 }
                """);
        String oldUid = api.pod("observability", "loki-0").getMetadata().getUid();
        evict("observability", "loki-0");

        sim.tick();
        assertThat(api.pod("observability", "loki-0").getMetadata().getUid()).as("still the old one, Terminating").isEqualTo(oldUid);
        tickUntil("loki-0 back, a new pod, Ready", () -> {
            Pod p = api.pod("observability", "loki-0");
            return p != null && !p.getMetadata().getUid().equals(oldUid) && ready(p);
        }, 6);
    }

    @Test
    void aFailedNodeIsTaintedAndItsPodsAreEvictedWhenTheirTolerationRunsOut() {
        start("""
                pods:
                  - { ns: apps, name: web-abcde, owner: ReplicaSet/web-7d9f, node: k3d-idp-demo-agent-0, tolerations: [%1$s] }
                  - { ns: apps, name: db-0, owner: StatefulSet/db, node: k3d-idp-demo-agent-0, tolerations: [%1$s] }
                  - { ns: apps, name: logs-x1, owner: DaemonSet/logs, node: k3d-idp-demo-agent-0, tolerations: [ { operator: Exists } ] }
                """.formatted(TOLERATE_300));
        sim.failNode(AGENT0);

        Node node = api.node(AGENT0);
        assertThat(node.getStatus().getConditions()).filteredOn(c -> c.getType().equals("Ready"))
                .extracting(NodeCondition::getStatus).containsExactly("Unknown");
        assertThat(node.getSpec().getTaints()).extracting(Taint::getKey, Taint::getEffect, Taint::getTimeAdded)
                .contains(org.assertj.core.groups.Tuple.tuple(Simulation.UNREACHABLE, "NoSchedule", T0.toString()),
                        org.assertj.core.groups.Tuple.tuple(Simulation.UNREACHABLE, "NoExecute", T0.toString()));
        assertThat(api.pods()).allMatch(p -> !ready(p));

        ticks(140); // 280 s: the toleration is not over
        assertThat(api.pods()).noneMatch(SimulationTest::terminating);

        sim.advance(Duration.ofSeconds(20));
        ticks(3);
        assertThat(terminating(api.pod("apps", "web-abcde"))).as("evicted, and stuck: no kubelet to confirm").isTrue();
        assertThat(terminating(api.pod("apps", "db-0"))).isTrue();
        assertThat(terminating(api.pod("apps", "logs-x1"))).as("the DaemonSet pod tolerates everything").isFalse();
        assertThat(podsNamed("web-7d9f-")).as("the ReplicaSet's replacement").singleElement()
                .satisfies(p -> assertThat(p.getSpec().getNodeName()).isEqualTo(AGENT1));
        assertThat(podsNamed("db-")).as("the StatefulSet waits: one pod per identity").hasSize(1);
    }

    @Test
    void outOfServiceLetsThePodGarbageCollectorFreeTheStatefulSet() {
        start("""
                pods:
                  - { ns: apps, name: db-0, owner: StatefulSet/db, node: k3d-idp-demo-agent-0, tolerations: [%s] }
                """.formatted(TOLERATE_300));
        sim.failNode(AGENT0);
        sim.advance(Duration.ofSeconds(300));
        ticks(2);
        String oldUid = api.pod("apps", "db-0").getMetadata().getUid();
        assertThat(terminating(api.pod("apps", "db-0"))).isTrue();

        sim.declareOutOfService(AGENT0);
        tickUntil("db-0 recreated on agent-1 and Ready", () -> {
            Pod p = api.pod("apps", "db-0");
            return p != null && !p.getMetadata().getUid().equals(oldUid) && AGENT1.equals(p.getSpec().getNodeName()) && ready(p);
        }, 6);
        assertThat(sim.events().since(0)).extracting(SimEvents.Event::kind).contains(SimEvents.Kind.FORCE_DELETED);
    }

    @Test
    void aRecoveredNodeIsReadyWithAFreshTransitionLosesItsTaintsAndItsPodsComeBack() {
        start("""
                pods:
                  - { ns: apps, name: logs-x1, owner: DaemonSet/logs, node: k3d-idp-demo-agent-0, tolerations: [ { operator: Exists } ] }
                """);
        sim.failNode(AGENT0);
        sim.declareOutOfService(AGENT0);
        sim.advance(Duration.ofMinutes(20));
        Instant back = clock.instant();
        sim.recoverNode(AGENT0);

        Node node = api.node(AGENT0);
        assertThat(node.getStatus().getConditions()).filteredOn(c -> c.getType().equals("Ready"))
                .extracting(NodeCondition::getStatus, NodeCondition::getLastTransitionTime)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("True", back.toString()));
        assertThat(node.getSpec().getTaints()).isEmpty();
        assertThat(ready(api.pod("apps", "logs-x1"))).as("not before its start-up delay").isFalse();
        tickUntil("its pod Ready again", () -> ready(api.pod("apps", "logs-x1")), 3);
    }

    @Test
    void aPreemptorGetsTheRoomItsVictimsLeaveEvenIfSmallerPodsWouldFitMeanwhile() {
        start("""
                nodes:
                  - { idp: k3d-idp-demo-server-0 }
                  - { idp: k3d-idp-demo-agent-0, memory: 1Gi }
                  - { idp: k3d-idp-demo-agent-1, memory: 1Gi }
                pods:
                  - { ns: apps, name: keep-0, owner: StatefulSet/keep, node: k3d-idp-demo-agent-0, memory: 1Gi, priority: 9000 }
                  - { ns: apps, name: cheap-0, owner: StatefulSet/cheap, node: k3d-idp-demo-agent-1, memory: 480Mi, priority: 0 }
                  - { ns: apps, name: filler-0, owner: StatefulSet/filler, node: k3d-idp-demo-agent-1, memory: 400Mi, priority: 5000 }
                  - { ns: apps, name: urgent-0, owner: StatefulSet/urgent, memory: 500Mi, priority: 8000 }
                  - { ns: apps, name: small-0, owner: StatefulSet/small, memory: 130Mi, priority: 0 }
                """);
        sim.tick();
        assertThat(terminating(api.pod("apps", "cheap-0"))).as("the victim").isTrue();
        assertThat(api.pod("apps", "urgent-0").getStatus().getNominatedNodeName()).isEqualTo(AGENT1);
        // 144Mi are free on agent-1 while the victim terminates: small-0 would fit, but the room is the
        // preemptor's (the kube-scheduler counts nominated pods when it places lower-priority ones)
        assertThat(api.pod("apps", "small-0").getSpec().getNodeName()).isNull();

        tickUntil("urgent-0 bound on agent-1", () -> AGENT1.equals(api.pod("apps", "urgent-0").getSpec().getNodeName()), 6);
        assertThat(api.pod("apps", "small-0").getSpec().getNodeName()).isNull();
        assertThat(sim.events().since(0)).filteredOn(e -> e.kind() == SimEvents.Kind.PREEMPTED).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("apps/cheap-0").contains("8000 > 0"));
    }

    @Test
    void aDeletedDaemonSetPodComesBackOnItsOwnNode() {
        start("""
                pods:
                  - { ns: kube-system, name: cilium-a, owner: DaemonSet/cilium, node: k3d-idp-demo-agent-1, tolerations: [ { operator: Exists } ] }
                """);
        api.finishDeletion(api.pod("kube-system", "cilium-a"));
        tickUntil("a new cilium pod Ready on agent-1", () -> podsNamed("cilium-").stream()
                .anyMatch(p -> AGENT1.equals(p.getSpec().getNodeName()) && ready(p)), 4);
    }

    @Test
    void budgetsAreKeptCurrentAsPodsComeAndGo() {
        start("""
                pods:
                  - { ns: apps, name: web-a, owner: ReplicaSet/web-1, labels: { app: web }, node: k3d-idp-demo-agent-0 }
                  - { ns: apps, name: web-b, owner: ReplicaSet/web-1, labels: { app: web }, node: k3d-idp-demo-agent-1 }
                pdbs:
                  - { ns: apps, name: web, selector: { matchLabels: { app: web } }, minAvailable: 1, allowed: 0 }
                """);
        sim.tick();
        assertThat(api.budget("apps", "web").getStatus().getDisruptionsAllowed()).isEqualTo(1);
        evict("apps", "web-a");
        sim.tick();
        assertThat(api.budget("apps", "web").getStatus().getDisruptionsAllowed()).as("one Ready of the two left").isZero();
        tickUntil("the replacement Ready, one disruption allowed again",
                () -> Objects.equals(api.budget("apps", "web").getStatus().getDisruptionsAllowed(), 1), 6);
    }

    @Test
    void runningOnItsOwnThreadItSettles() {
        start("""
                pods:
                  - { ns: apps, name: web-abcde, owner: ReplicaSet/web-7d9f, node: k3d-idp-demo-agent-0 }
                  - { ns: apps, name: new-0, owner: StatefulSet/new }
                """);
        sim.start();
        sim.awaitSettled(Duration.ofSeconds(20));
        Pod fresh = api.pod("apps", "new-0");
        assertThat(fresh.getSpec().getNodeName()).isIn(AGENT0, AGENT1);
        assertThat(ready(fresh)).isTrue();
        assertThat(fresh.getSpec().getNodeName()).isNotEqualTo(SERVER);
    }
}
