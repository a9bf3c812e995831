package dev.happypath.rebalancer.init;

import dev.happypath.rebalancer.InvalidInputException;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.config.HappyPathLoader;
import dev.happypath.rebalancer.config.NodeRole;
import dev.happypath.rebalancer.config.WorkloadRule;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.testing.Scenario;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What init proposes for small clusters written as fixtures: one behaviour each. */
class HappyPathProposerTest {

    private static final String TOLERATE_CP = "\"node-role.kubernetes.io/control-plane:NoSchedule\"";

    private static HappyPathProposer.Proposal propose(String fixture) {
        return HappyPathProposer.propose(Scenario.parse("t", fixture).snapshot(), "t.yaml", List.of());
    }

    private static HappyPath load(HappyPathProposer.Proposal p) {
        return HappyPathLoader.parse("proposal", p.yaml().getBytes(StandardCharsets.UTF_8));
    }

    private static WorkloadRule rule(HappyPath hp, String name) {
        return hp.rule(name).orElseThrow(() -> new AssertionError("no rule " + name + " in " + hp.workloads()));
    }

    @Test
    void aRuleIsNamedAfterItsDeploymentOrStatefulSetAndNamesExactlyItsPods() {
        HappyPath hp = load(propose("""
                nodes: idp
                pods:
                  - { ns: shop, name: web-5d8f9-a1, owner: ReplicaSet/web-5d8f9, labels: { app: web, pod-template-hash: 5d8f9 }, node: k3d-idp-demo-agent-0 }
                  - { ns: shop, name: web-5d8f9-a2, owner: ReplicaSet/web-5d8f9, labels: { app: web, pod-template-hash: 5d8f9 }, node: k3d-idp-demo-agent-0 }
                  - { ns: shop, name: db-0, owner: StatefulSet/db, labels: { app: db, statefulset.kubernetes.io/pod-name: db-0 }, node: k3d-idp-demo-agent-1 }
                """));
        assertThat(hp.workloads()).extracting(WorkloadRule::name).containsExactly("db", "web");
        assertThat(rule(hp, "web").selector().matchLabels()).as("the revision label is left out").isEqualTo(java.util.Map.of("app", "web"));
        assertThat(rule(hp, "db").selector().matchLabels()).as("the per-pod label is left out").isEqualTo(java.util.Map.of("app", "db"));
    }

    @Test
    void whenAWorkloadsNameIsSharedTheFewestLabelsThatTellItApartAreChosen() {
        HappyPath hp = load(propose("""
                nodes: idp
                pods:
                  - { ns: kyverno, name: admission-1, owner: ReplicaSet/admission-1a, labels: { app.kubernetes.io/name: kyverno, app.kubernetes.io/component: admission }, node: k3d-idp-demo-agent-0 }
                  - { ns: kyverno, name: cleanup-1, owner: ReplicaSet/cleanup-1a, labels: { app.kubernetes.io/name: kyverno, app.kubernetes.io/component: cleanup }, node: k3d-idp-demo-agent-1 }
                """));
        assertThat(rule(hp, "admission-1a").selector().matchLabels()).isEqualTo(java.util.Map.of("app.kubernetes.io/component", "admission"));
    }

    @Test
    void aWorkloadWhosePodsNoLabelTellsApartIsNotProposedButSaidSo() {
        HappyPathProposer.Proposal p = propose("""
                nodes: idp
                pods:
                  - { ns: web, name: a-1, owner: ReplicaSet/a-rs, labels: { app: web }, node: k3d-idp-demo-agent-0 }
                  - { ns: web, name: b-1, owner: ReplicaSet/b-rs, labels: { app: web }, node: k3d-idp-demo-agent-1 }
                  - { ns: other, name: c-1, owner: ReplicaSet/c-rs, labels: { app: c }, node: k3d-idp-demo-agent-1 }
                """);
        assertThat(load(p).workloads()).extracting(WorkloadRule::name).containsExactly("c-rs");
        assertThat(p.warnings()).hasSize(2).allMatch(w -> w.contains("not proposed") && w.contains("give its pods a label of their own"));
        assertThat(p.yaml()).contains("  # - name: a-rs\n");
    }

    @Test
    void homesComeFromTheWorkersLabelOrTheirOwnAffinityOrTheControlPlaneTheyRequire() {
        HappyPathProposer.Proposal p = propose("""
                nodes: idp
                pods:
                  - { ns: a, name: today-1, owner: ReplicaSet/today, labels: { app: today }, node: k3d-idp-demo-agent-1 }
                  - { ns: a, name: prefers-1, owner: ReplicaSet/prefers, labels: { app: prefers }, node: k3d-idp-demo-agent-1, prefers: { role: [infra, apps] } }
                  - { ns: a, name: selects-1, owner: ReplicaSet/selects, labels: { app: selects }, node: k3d-idp-demo-agent-0, nodeSelector: { role: infra } }
                  - { ns: a, name: both-1, owner: ReplicaSet/both, labels: { app: both }, node: k3d-idp-demo-agent-0 }
                  - { ns: a, name: both-2, owner: ReplicaSet/both, labels: { app: both }, node: k3d-idp-demo-agent-1 }
                  - { ns: a, name: cp-1, owner: ReplicaSet/cp, labels: { app: cp }, node: k3d-idp-demo-server-0, tolerations: [%s],
                      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [ { matchExpressions: [ { key: node-role.kubernetes.io/control-plane, operator: Exists } ] } ] } } } }
                  - { ns: a, name: stray-1, owner: ReplicaSet/stray, labels: { app: stray }, node: k3d-idp-demo-server-0, tolerations: [%s] }
                """.formatted(TOLERATE_CP, TOLERATE_CP));
        HappyPath hp = load(p);
        assertThat(rule(hp, "today").home().toString()).isEqualTo("worker role=apps");
        assertThat(rule(hp, "prefers").home().toString()).as("its preference names every worker").isEqualTo("any worker");
        assertThat(rule(hp, "selects").home().toString()).isEqualTo("worker role=infra");
        assertThat(rule(hp, "both").home().toString()).as("on every worker today").isEqualTo("any worker");
        assertThat(rule(hp, "cp").home().toString()).isEqualTo("control plane");
        assertThat(rule(hp, "stray").home().toString()).as("nothing requires it on the control plane").isEqualTo("any worker");
        assertThat(p.warnings()).anyMatch(w -> w.startsWith("a/stray: runs on the control plane today"));
        assertThat(p.yaml()).contains("# home role=apps: where its pods run today", "# decide: runs on the control plane today");
    }

    @Test
    void workersWithNoLabelToTellThemApartAreAnyWorkerAndTheWorkersAreWhatIsNotTheControlPlane() {
        HappyPath hp = load(propose("""
                nodes:
                  - { name: cp, labels: { node-role.kubernetes.io/control-plane: "" } }
                  - { name: w1 }
                  - { name: w2 }
                pods:
                  - { ns: a, name: x-1, owner: ReplicaSet/x, labels: { app: x }, node: w1 }
                """));
        assertThat(rule(hp, "x").home().toString()).isEqualTo("any worker");
        ClusterSnapshot nodes = Scenario.parse("n", """
                nodes:
                  - { name: cp, labels: { node-role.kubernetes.io/control-plane: "" } }
                  - { name: w1 }
                """).snapshot();
        assertThat(nodes.nodes()).extracting(hp::roleOf).containsExactly(NodeRole.LIFEBOAT, NodeRole.WORKER);
    }

    @Test
    void aServerKnownOnlyByItsTaintIsALifeboatByThatTaint() {
        HappyPathProposer.Proposal p = propose("""
                nodes:
                  - { name: server, taints: ["CriticalAddonsOnly=true:NoExecute"] }
                  - { name: w1, labels: { node-role.kubernetes.io/worker: "true" } }
                pods:
                  - { ns: a, name: x-1, owner: ReplicaSet/x, labels: { app: x }, node: w1 }
                """);
        assertThat(p.yaml()).contains("- { key: CriticalAddonsOnly, value: \"true\", effect: NoExecute }")
                .contains("selector: { matchLabels: { node-role.kubernetes.io/worker: \"true\" } }");
        HappyPath hp = load(p);
        ClusterSnapshot s = Scenario.parse("n", """
                nodes:
                  - { name: server, taints: ["CriticalAddonsOnly=true:NoExecute"] }
                  - { name: w1, labels: { node-role.kubernetes.io/worker: "true" } }
                """).snapshot();
        assertThat(s.nodes()).extracting(hp::roleOf).containsExactly(NodeRole.LIFEBOAT, NodeRole.WORKER);
    }

    @Test
    void aClusterWithoutAControlPlaneIsBadInputNamingTheNodes() {
        assertThatThrownBy(() -> propose("""
                nodes: [ { name: w1 }, { name: w2 } ]
                pods:
                  - { ns: a, name: x-1, owner: ReplicaSet/x, labels: { app: x }, node: w1 }
                """)).isInstanceOf(InvalidInputException.class).hasMessageStartingWith("t.yaml: no node looks like a control plane")
                .hasMessageContaining("w1 {kubernetes.io/hostname=w1}");
    }

    @Test
    void separationsComeFromDeclaredAntiAffinityAndStatefulPairsApartAreOnlyProposed() {
        HappyPathProposer.Proposal p = propose("""
                nodes: idp
                pods:
                  - { ns: o, name: metrics-0, owner: StatefulSet/metrics, labels: { app: metrics }, node: k3d-idp-demo-agent-0 }
                  - { ns: o, name: logs-0, owner: StatefulSet/logs, labels: { app: logs }, node: k3d-idp-demo-agent-1 }
                  - { ns: o, name: api-1, owner: ReplicaSet/api, labels: { app: api }, node: k3d-idp-demo-agent-0,
                      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [ { topologyKey: kubernetes.io/hostname, labelSelector: { matchLabels: { app: cache } } } ] } } }
                  - { ns: o, name: cache-1, owner: ReplicaSet/cache, labels: { app: cache }, node: k3d-idp-demo-agent-1 }
                """);
        HappyPath hp = load(p);
        assertThat(hp.separations()).hasSize(1).allMatch(s -> s.involves("api") && s.involves("cache"));
        assertThat(p.yaml()).contains("# api declares required pod anti-affinity against cache's pods")
                .contains("  # - workloads: [logs, metrics]");
        assertThat(p.separations()).isEqualTo(1);
        assertThat(p.proposedSeparations()).isEqualTo(1);
    }

    @Test
    void labelValuesYamlWouldReadAsOtherTypesStayStrings() {
        HappyPath hp = load(propose("""
                nodes:
                  - { name: cp, labels: { node-role.kubernetes.io/control-plane: "true" } }
                  - { name: w1, labels: { tier: "on" } }
                  - { name: w2, labels: { tier: "8080" } }
                pods:
                  - { ns: a, name: x-1, owner: ReplicaSet/x, labels: { app: "yes", version: "1.10" }, node: w1 }
                """));
        assertThat(rule(hp, "x").selector().matchLabels()).isEqualTo(java.util.Map.of("app", "yes"));
    }

    @Test
    void theWrittenDefaultsAreTheLoadersDefaults() {
        HappyPath proposed = load(propose("""
                nodes: idp
                pods:
                  - { ns: a, name: x-1, owner: ReplicaSet/x, labels: { app: x }, node: k3d-idp-demo-agent-0 }
                """));
        HappyPath minimal = HappyPathLoader.parse("minimal", """
                apiVersion: happypath.dev/v1alpha1
                kind: RebalancerConfig
                nodes:
                  workers: { selector: { matchLabels: { role: infra } } }
                  lifeboats: { selector: { matchLabels: { x: y } } }
                workloads:
                  - { name: x, namespace: a, home: any-worker }
                """.getBytes(StandardCharsets.UTF_8));
        assertThat(proposed.stableFor()).isEqualTo(minimal.stableFor());
        assertThat(proposed.eviction()).isEqualTo(minimal.eviction());
        assertThat(proposed.antiFlap()).isEqualTo(minimal.antiFlap());
        assertThat(proposed.ignoreNamespaces()).isEqualTo(minimal.ignoreNamespaces());
    }

    @Test
    void daemonSetsJobsBarePodsAndIgnoredNamespacesGetNoRule() {
        HappyPathProposer.Proposal p = propose("""
                nodes: idp
                pods:
                  - { ns: a, name: x-1, owner: ReplicaSet/x, labels: { app: x }, node: k3d-idp-demo-agent-0 }
                  - { ns: a, name: agent-1, owner: DaemonSet/agent, labels: { app: agent }, node: k3d-idp-demo-agent-0 }
                  - { ns: a, name: job-1, owner: Job/job, labels: { app: job }, node: k3d-idp-demo-agent-0 }
                  - { ns: a, name: bare, owner: none, labels: { app: bare }, node: k3d-idp-demo-agent-0 }
                  - { ns: kube-system, name: dns-1, owner: ReplicaSet/dns, labels: { app: dns }, node: k3d-idp-demo-agent-0 }
                """);
        assertThat(load(p).workloads()).extracting(WorkloadRule::name).containsExactly("x");
        assertThat(p.yaml()).contains("1 DaemonSets (their pods belong to their node)", "1 Jobs (not trusted", "1 pods no controller owns",
                "1 workloads of kube-system (ignoreNamespaces)");
    }

    @Test
    void degradedNodesAreNamedWithWhatIsWrong() {
        ClusterSnapshot s = Scenario.parse("d", """
                nodes:
                  - { idp: k3d-idp-demo-server-0 }
                  - { idp: k3d-idp-demo-agent-0, ready: Unknown, taints: ["node.kubernetes.io/unreachable:NoExecute"] }
                  - { idp: k3d-idp-demo-agent-1, unschedulable: true, taints: ["node.kubernetes.io/unschedulable:NoSchedule"] }
                """).snapshot();
        assertThat(ClusterHealth.degradedNodes(s)).containsExactly(
                "k3d-idp-demo-agent-0 (Ready=Unknown, tainted node.kubernetes.io/unreachable:NoExecute)",
                "k3d-idp-demo-agent-1 (cordoned)");
        assertThat(ClusterHealth.degradedNodes(Scenario.parse("g", "nodes: idp").snapshot())).isEmpty();
    }
}
