package dev.happypath.rebalancer.plan;

import dev.happypath.rebalancer.cluster.SnapshotFile;
import dev.happypath.rebalancer.compare.Placement;
import dev.happypath.rebalancer.config.ClusterFit;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.config.HappyPathLoader;
import dev.happypath.rebalancer.ledger.Ledger;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.PodState;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Each example in config/examples does what its header promises. */
class ExamplesTest {

    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

    private static Decision decide(String name) {
        HappyPath hp = HappyPathLoader.loadBuiltIn();
        ClusterSnapshot s = SnapshotFile.read(Path.of("config/examples/" + name + ".yaml"), NOW);
        ClusterFit.check(hp, s);
        return Decision.decide(s, hp, dev.happypath.rebalancer.ledger.Ledger.EMPTY, NOW);
    }

    private static Map<String, Integer> outcomes(Decision d) {
        Map<String, Integer> counts = new TreeMap<>();
        d.plan().moves().forEach(m -> counts.merge(m.outcome().name(), 1, Integer::sum));
        return counts;
    }

    private static Move move(Decision d, String podPrefix) {
        return d.plan().moves().stream().filter(m -> m.pod().name().startsWith(podPrefix)).findFirst().orElseThrow();
    }

    @Test
    void green() {
        Decision d = decide("idp-green");
        assertThat(d.comparison().state().name()).isEqualTo("GREEN");
        assertThat(d.gate().open()).isTrue();
        assertThat(d.plan().moves()).isEmpty();
        assertThat(d.comparison().placements()).hasSize(22).allMatch(p -> p.status().name().equals("HAPPY"));
    }

    @Test
    void lifeboatAfterRecovery() {
        Decision d = decide("idp-lifeboat-after-recovery");
        assertThat(d.comparison().state().name()).isEqualTo("RECOVERING");
        assertThat(d.comparison().strays()).hasSize(5).allMatch(p -> p.pod().namespace().equals("argocd") && p.status().name().equals("LIFEBOATED"));
        assertThat(outcomes(d)).isEqualTo(Map.of("PLANNED", 3, "DEFERRED", 2));
        // ArgoCD's values prefer role in (infra, apps) with weight 100: every planned replacement is predicted
        // onto a worker, and the server, although feasible (the pods tolerate its taint), scores lower.
        for (Move m : d.plan().planned()) {
            assertThat(m.prediction().candidates()).allMatch(n -> n.startsWith("k3d-idp-demo-agent-"));
            long server = m.prediction().totals().get("k3d-idp-demo-server-0");
            assertThat(m.prediction().totals().values()).as(m.pod().name()).anyMatch(t -> t > server);
        }
    }

    @Test
    void colocated() {
        Decision d = decide("idp-colocated");
        Move prometheus = move(d, "prometheus-");
        assertThat(prometheus.placement().status().name()).isEqualTo("COLOCATED");
        // ArgoCD's three pods land on agent-0 first: with eviction.maxPerNode 3 counting targets too, agent-0
        // takes no more this pass, and Prometheus (whose home is agent-0) waits for the next one
        assertThat(prometheus.outcome().name()).isEqualTo("DEFERRED");
        assertThat(prometheus.code()).isEqualTo(MoveCode.LIMIT_REACHED);
        assertThat(prometheus.details().get(0)).contains("k3d-idp-demo-agent-0 as target");
        assertThat(d.comparison().placements()).filteredOn(p -> p.pod().name().equals("loki-0")).extracting(Placement::status)
                .extracting(Enum::name).containsExactly("HAPPY");
        assertThat(outcomes(d)).isEqualTo(Map.of("PLANNED", 3, "DEFERRED", 5));
        assertThat(d.plan().moves().get(0).reason().name()).isEqualTo("LIFEBOATED");
    }

    /** The next pass, once ArgoCD is home: Prometheus goes, and its move says the TSDB in its emptyDir is lost. */
    @Test
    void colocatedPrometheusMovesWithItsDataLossSaid() {
        Decision first = decide("idp-colocated");
        ClusterSnapshot before = SnapshotFile.read(Path.of("config/examples/idp-colocated.yaml"), NOW);
        List<PodState> after = new java.util.ArrayList<>();
        for (PodState p : before.pods()) {
            Move m = first.plan().moves().stream().filter(x -> x.pod().uid().equals(p.uid())).findFirst().orElse(null);
            after.add(m != null && m.outcome() == Outcome.PLANNED ? at(p, m.target()) : p);
        }
        ClusterSnapshot next = new ClusterSnapshot(before.readAt(), before.nodes(), after, before.budgets(), before.claims(), before.volumes());
        Decision d = Decision.decide(next, HappyPathLoader.loadBuiltIn(), Ledger.EMPTY, NOW);
        Move prometheus = move(d, "prometheus-");
        assertThat(prometheus.outcome().name()).isEqualTo("PLANNED");
        assertThat(prometheus.code()).isEqualTo(MoveCode.GOES_HOME);
        assertThat(prometheus.target()).isEqualTo("k3d-idp-demo-agent-0");
        assertThat(String.join(" | ", prometheus.details())).contains("emptyDir 'prometheus-db' (disk) is discarded:"
                + " its contents are lost with the eviction (localData: discard on workload rule prometheus)");
    }

    private static PodState at(PodState p, String node) {
        return new PodState(p.namespace(), p.name(), p.uid(), p.labels(), node, p.phase(), p.ready(), p.creationTimestamp(),
                p.deletionTimestamp(), p.priority(), p.priorityClassName(), p.controller(), p.mirror(), p.requests(), p.nonZeroRequests(),
                p.nodeSelector(), p.affinity(), p.tolerations(), p.topologySpreadConstraints(), p.claimNames(), p.hostPathVolumes(),
                p.schedulerName(), p.emptyDirs(), p.disruptionAnnotations(), p.unsimulatedResources(), p.hostPorts(),
                p.nominatedNodeName(), p.waitingReason(), p.restarts());
    }

    @Test
    void pdbBlocked() {
        Decision d = decide("idp-pdb-blocked");
        assertThat(move(d, "prometheus-").outcome().name()).isEqualTo("BLOCKED");
        assertThat(move(d, "prometheus-").code()).isEqualTo(MoveCode.BUDGET_EXHAUSTED);
        assertThat(outcomes(d)).isEqualTo(Map.of("PLANNED", 3, "BLOCKED", 1, "DEFERRED", 4));
    }

    @Test
    void pvPinned() {
        Decision d = decide("idp-pv-pinned");
        Move loki = move(d, "loki-");
        assertThat(loki.placement().status().name()).isEqualTo("PINNED");
        assertThat(loki.outcome().name()).isEqualTo("SKIPPED");
        assertThat(loki.codes()).as("pinned, and nothing else").containsExactly(MoveCode.PINNED);
        assertThat(loki.details().get(0)).contains("is pinned by node affinity to node k3d-idp-demo-agent-0");
    }

    @Test
    void workerNotStable() {
        Decision d = decide("idp-worker-not-stable");
        assertThat(d.gate().open()).isFalse();
        assertThat(d.gate().opensAt()).isEqualTo(Instant.parse("2026-11-21T10:03:00Z"));
        assertThat(outcomes(d)).isEqualTo(Map.of("DEFERRED", 5));
    }

    @Test
    void workerDown() {
        Decision d = decide("idp-worker-down");
        assertThat(d.comparison().state().name()).isEqualTo("YELLOW");
        assertThat(d.gate().reasons()).allMatch(r -> r.node().equals("k3d-idp-demo-agent-0"));
        assertThat(outcomes(d)).isEqualTo(Map.of("DEFERRED", 8));
    }
}
