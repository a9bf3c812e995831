package dev.happypath.rebalancer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.happypath.rebalancer.sim.ApiDispatcher;
import dev.happypath.rebalancer.testing.LiveCluster;
import dev.happypath.rebalancer.testing.OpsCluster;
import dev.happypath.rebalancer.testing.Scenario;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.mockwebserver.http.MockResponse;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.happypath.rebalancer.testing.Scenario.AGENT0;
import static dev.happypath.rebalancer.testing.Scenario.AGENT1;
import static dev.happypath.rebalancer.testing.Scenario.SERVER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The run command, live, against an in-process API that answers the Eviction API as a real server does,
 * with a controller stand-in that recreates evicted pods.
 */
class LiveRunTest {

    /** Two ArgoCD pods lifeboated on the server; the workers are healthy and stable. */
    private static final String TWO_LIFEBOATED = OpsCluster.argocdScenarioConfig("eviction: { pdbTimeout: 30s, readyTimeout: 2s }\n") + """
            pods:
              - { ns: argocd, name: a-server, labels: { app: server }, node: k3d-idp-demo-server-0, priority: 2,
                  tolerations: ["node-role.kubernetes.io/control-plane:NoSchedule"] }
              - { ns: argocd, name: b-repo, labels: { app: repo }, node: k3d-idp-demo-server-0, priority: 1,
                  tolerations: ["node-role.kubernetes.io/control-plane:NoSchedule"] }
            """;

    private static LiveCluster cluster() {
        Scenario scenario = Scenario.parse("two-lifeboated", TWO_LIFEBOATED);
        return new LiveCluster(scenario);
    }

    private static String config(LiveCluster c) throws Exception {
        return configOf(TWO_LIFEBOATED);
    }

    /** An ArgoCD repo-server lifeboated with an emptyDir cache; the rule says the cache may be discarded. */
    private static final String CACHE_DISCARDED = """
            config: |
              apiVersion: happypath.dev/v1alpha1
              kind: RebalancerConfig
              nodes:
                workers: { selector: { matchExpressions: [ { key: role, operator: In, values: [infra, apps] } ] } }
                lifeboats: { selector: { matchExpressions: [ { key: node-role.kubernetes.io/control-plane, operator: Exists } ] } }
              workloads:
                - { name: argocd, namespace: argocd, home: any-worker, localData: discard }
              eviction: { pdbTimeout: 30s, readyTimeout: 2s }
            pods:
              - { ns: argocd, name: repo-server, labels: { app: repo }, node: k3d-idp-demo-server-0, emptyDir: [cache],
                  tolerations: ["node-role.kubernetes.io/control-plane:NoSchedule"] }
            """;

    /** Once evicted, a move still says what the eviction cost: the live report carries the decision's lines. */
    @Test
    void anEvictedMoveStillSaysWhatItsEvictionDiscarded() throws Exception {
        try (LiveCluster c = new LiveCluster(Scenario.parse("cache-discarded", CACHE_DISCARDED)).recreateEvicted(p -> AGENT1, true)) {
            LiveCluster.Result r = c.run("run", "--config", configOf(CACHE_DISCARDED), "-o", "json");

            assertThat(r.exitCode()).as(r.toString()).isZero();
            JsonNode move = r.move("repo-server");
            assertThat(move.get("outcome").asText()).isEqualTo("EVICTED");
            assertThat(move.get("code").asText()).isEqualTo("LANDED_HOME");
            assertThat(move.get("details").get(0).asText()).startsWith("replacement argocd/repo-server-r Ready on " + AGENT1);
            assertThat(move.get("detail").asText())
                    .contains("emptyDir 'cache' (disk) is discarded: its contents are lost with the eviction (localData: discard on workload rule argocd)");
        }
    }

    /** The scenario's config, as a file the CLI reads. */
    private static String configOf(String scenario) throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("rebalancer-", ".yaml");
        file.toFile().deleteOnExit();
        String yaml = scenario.substring(scenario.indexOf("|") + 2, scenario.indexOf("pods:"))
                .lines().map(l -> l.length() >= 2 ? l.substring(2) : l).reduce("", (a, b) -> a + b + "\n");
        java.nio.file.Files.writeString(file, yaml);
        return file.toString();
    }

    private static int evictions(LiveCluster c) {
        return (int) c.api().dispatcher().requests().stream().filter(r -> r.path().endsWith("/eviction")).count();
    }

    @Test
    void evictsThroughTheEvictionApiAndWaitsForEachReplacement() throws Exception {
        try (LiveCluster c = cluster().recreateEvicted(p -> AGENT1, true)) {
            LiveCluster.Result r = c.run("run", "--config", config(c), "-o", "json");

            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.json().get("mode").asText()).isEqualTo("live");
            assertThat(r.move("a-server").get("outcome").asText()).isEqualTo("EVICTED");
            assertThat(r.move("a-server").get("detail").asText()).contains("replacement argocd/a-server-r Ready on " + AGENT1);
            assertThat(r.move("b-repo").get("outcome").asText()).isEqualTo("EVICTED");
            assertThat(c.api().pod("argocd", "a-server")).as("evicted pod is gone").isNull();
            assertThat(c.api().pod("argocd", "a-server-r").getSpec().getNodeName()).isEqualTo(AGENT1);
            // one eviction each, policy/v1, and no DELETE of a pod ever
            List<ApiDispatcher.LoggedRequest> log = c.api().dispatcher().requests();
            assertThat(log).filteredOn(q -> q.path().endsWith("/eviction")).hasSize(2)
                    .allMatch(q -> q.method().equals("POST") && q.code() == 201);
            assertThat(log).noneMatch(q -> q.method().equals("DELETE"));
        }
    }

    @Test
    void dryRunReadsOnceAndWritesNothing() throws Exception {
        try (LiveCluster c = cluster()) {
            LiveCluster.Result r = c.run("run", "--dry-run", "--config", config(c), "-o", "json");

            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.json().get("mode").asText()).isEqualTo("dry-run");
            assertThat(r.move("a-server").get("outcome").asText()).isEqualTo("PLANNED");
            List<ApiDispatcher.LoggedRequest> log = c.api().dispatcher().requests();
            assertThat(log).allMatch(q -> q.method().equals("GET"));
            // one LIST per kind and one GET of the ledger: the floor for a pass
            assertThat(log.stream().map(q -> q.path().replaceAll("\\?.*", "")).toList()).containsExactlyInAnyOrder(
                    "/api/v1/nodes", "/api/v1/pods", "/apis/policy/v1/poddisruptionbudgets",
                    "/api/v1/persistentvolumeclaims", "/api/v1/persistentvolumes",
                    "/api/v1/namespaces/happypath-rebalancer/configmaps/happypath-rebalancer-ledger");
        }
    }

    @Test
    void retriesABudgetRefusalWithBackoffThenEvicts() throws Exception {
        try (LiveCluster c = cluster().recreateEvicted(p -> AGENT0, true)) {
            String aServer = c.api().pod("argocd", "a-server").getMetadata().getUid();
            AtomicInteger refusals = new AtomicInteger();
            c.api().dispatcher().addInterceptor((method, path, body) ->
                    path.endsWith("/a-server/eviction") && refusals.getAndIncrement() < 2
                            ? new MockResponse().setResponseCode(429).setBody(
                            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"TooManyRequests\",\"code\":429,"
                                    + "\"message\":\"Cannot evict pod as it would violate the pod's disruption budget.\"}")
                            : null);

            LiveCluster.Result r = c.run("run", "--config", config(c), "-o", "json");

            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.move("a-server").get("outcome").asText()).isEqualTo("EVICTED");
            assertThat(c.time().sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
            assertThat(evictions(c)).isEqualTo(4);
            // every retry names the pod decided on by its UID (the precondition)
            assertThat(c.api().dispatcher().requests()).filteredOn(q -> q.path().endsWith("/a-server/eviction")).hasSize(3)
                    .extracting(ApiDispatcher.LoggedRequest::uid).containsOnly(aServer);
        }
    }

    @Test
    void aBudgetThatNeverAllowsItEndsBlockedAndTheRunGoesOn() throws Exception {
        try (LiveCluster c = cluster().recreateEvicted(p -> AGENT0, true)) {
            c.api().dispatcher().addInterceptor((method, path, body) -> path.endsWith("/a-server/eviction")
                    ? new MockResponse().setResponseCode(429).setBody("{\"kind\":\"Status\",\"code\":429,\"message\":\"Cannot evict pod as it would violate the pod's disruption budget.\"}")
                    : null);

            LiveCluster.Result r = c.run("run", "--config", config(c), "-o", "json");

            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.move("a-server").get("outcome").asText()).isEqualTo("BLOCKED");
            assertThat(r.move("a-server").get("detail").asText()).contains("eviction.pdbTimeout").contains("30s");
            assertThat(c.api().pod("argocd", "a-server")).as("never deleted").isNotNull();
            assertThat(r.move("b-repo").get("outcome").asText()).isEqualTo("EVICTED");
            // backoff doubles up to 15s; the last wait ends exactly at the 30s deadline, with one final attempt there
            assertThat(c.time().sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                    Duration.ofSeconds(8), Duration.ofSeconds(15));
            assertThat(c.api().dispatcher().requests()).filteredOn(q -> q.path().endsWith("/a-server/eviction")).hasSize(6);
        }
    }

    @Test
    void aPodGoneBeforeItsEvictionIsSkipped() throws Exception {
        try (LiveCluster c = cluster().recreateEvicted(p -> AGENT0, true)) {
            c.api().dispatcher().addInterceptor((method, path, body) -> path.endsWith("/a-server/eviction")
                    ? new MockResponse().setResponseCode(404).setBody("{\"kind\":\"Status\",\"code\":404,\"reason\":\"NotFound\",\"message\":\"pods \\\"a-server\\\" not found\"}")
                    : null);

            LiveCluster.Result r = c.run("run", "--config", config(c), "-o", "json");

            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.move("a-server").get("outcome").asText()).isEqualTo("SKIPPED");
            assertThat(r.move("a-server").get("detail").asText()).contains("no longer exists (404)");
            assertThat(r.move("b-repo").get("outcome").asText()).isEqualTo("EVICTED");
        }
    }

    @Test
    void anEvictionErrorFailsTheMoveStopsTheRunAndExitsOne() throws Exception {
        try (LiveCluster c = cluster().recreateEvicted(p -> AGENT0, true)) {
            c.api().dispatcher().addInterceptor((method, path, body) -> path.endsWith("/eviction")
                    ? new MockResponse().setResponseCode(500).setBody("{\"kind\":\"Status\",\"code\":500,\"message\":\"etcdserver: request timed out\"}")
                    : null);

            LiveCluster.Result r = c.run("run", "--config", config(c), "-o", "json");

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.RUNTIME_FAILURE);
            assertThat(r.move("a-server").get("outcome").asText()).isEqualTo("FAILED");
            assertThat(r.move("a-server").get("detail").asText()).contains("answered 500").contains("etcdserver: request timed out");
            assertThat(r.move("b-repo").get("outcome").asText()).isEqualTo("DEFERRED");
            assertThat(r.move("b-repo").get("detail").asText()).contains("run stopped after argocd/a-server failed");
            assertThat(evictions(c)).as("no retry of a 500, no second eviction").isEqualTo(1);
            assertThat(c.api().pod("argocd", "a-server")).isNotNull();
            assertThat(r.err()).contains("a move FAILED");
        }
    }

    @Test
    void aWorkerFailingBetweenTwoEvictionsClosesTheGate() throws Exception {
        try (LiveCluster c = cluster()) {
            c.recreateEvicted(p -> {
                // the first eviction is followed by agent-0 going NotReady
                Node node = c.api().node(AGENT0);
                node.getStatus().setConditions(List.of(new NodeConditionBuilder().withType("Ready").withStatus("Unknown")
                        .withReason("NodeStatusUnknown").withLastTransitionTime("2026-11-21T10:00:00Z").build()));
                c.api().update(node);
                return AGENT1;
            }, true);

            LiveCluster.Result r = c.run("run", "--config", config(c), "-o", "json");

            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.move("a-server").get("outcome").asText()).isEqualTo("EVICTED");
            assertThat(r.move("b-repo").get("outcome").asText()).isEqualTo("DEFERRED");
            assertThat(r.move("b-repo").get("detail").asText())
                    .contains("gate closed").contains(AGENT0 + ": not Ready").contains("re-checked before the eviction");
            assertThat(evictions(c)).isEqualTo(1);
        }
    }

    @Test
    void aReplacementThatNeverGetsReadyFailsTheRun() throws Exception {
        try (LiveCluster c = cluster().recreateEvicted(p -> AGENT1, false)) {
            LiveCluster.Result r = c.run("run", "--config", config(c), "-o", "json");

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.RUNTIME_FAILURE);
            assertThat(r.move("a-server").get("outcome").asText()).isEqualTo("FAILED");
            assertThat(r.move("a-server").get("detail").asText()).contains("no replacement was Ready within 2s (eviction.readyTimeout)");
            assertThat(r.move("b-repo").get("outcome").asText()).isEqualTo("DEFERRED");
            assertThat(evictions(c)).isEqualTo(1);
        }
    }

    @Test
    void theApiServerHonoursPodDisruptionBudgetsWithoutHelp() throws Exception {
        // No interceptor: the in-process API refuses by itself when the budget's status allows nothing.
        try (LiveCluster c = cluster().recreateEvicted(p -> AGENT0, true)) {
            c.api().create(new io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder()
                    .withNewMetadata().withName("server").withNamespace("argocd").endMetadata()
                    .withNewSpec().withNewSelector().addToMatchLabels("app", "server").endSelector()
                    .withNewMinAvailable(1).endSpec()
                    .withNewStatus().withDisruptionsAllowed(1).withCurrentHealthy(1).withDesiredHealthy(1).withExpectedPods(1).endStatus()
                    .build());
            // The snapshot says 1 allowed (the plan goes ahead), but by eviction time it has dropped to 0.
            AtomicInteger seen = new AtomicInteger();
            c.api().dispatcher().addInterceptor((method, path, body) -> {
                if (path.endsWith("/eviction") && seen.getAndIncrement() == 0) {
                    var pdb = c.api().budget("argocd", "server");
                    pdb.getStatus().setDisruptionsAllowed(0);
                    c.api().update(pdb);
                }
                return null;
            });

            LiveCluster.Result r = c.run("run", "--config", config(c), "-o", "json");

            assertThat(r.move("a-server").get("outcome").asText()).as(r.toString()).isEqualTo("BLOCKED");
            assertThat(r.move("a-server").get("detail").asText()).contains("refused the eviction 1 time(s) over 30s");
            // after the 429 every retry's re-check reads the budget at 0: it waits on without asking again
            assertThat(c.api().dispatcher().requests()).filteredOn(q -> q.path().endsWith("/a-server/eviction"))
                    .hasSize(1).allMatch(q -> q.code() == 429);
        }
    }

    private static void strand(LiveCluster c, String pod, String node) {
        var p = c.api().pod("argocd", pod);
        p.getSpec().setNodeName(node);
        c.api().update(p);
    }

    @Test
    void theLedgerHoldsASecondMoveBackDuringTheCooldown() throws Exception {
        try (LiveCluster c = cluster().recreateEvicted(p -> AGENT1, true)) {
            String config = config(c);
            LiveCluster.Result first = c.run("run", "--config", config, "-o", "json");
            assertThat(first.move("a-server").get("outcome").asText()).as(first.toString()).isEqualTo("EVICTED");
            var ledger = c.api().configMap("happypath-rebalancer", "happypath-rebalancer-ledger");
            assertThat(ledger).as("the ledger ConfigMap was written").isNotNull();
            assertThat(ledger.getData().get("ledger.json")).contains("argocd/ReplicaSet/a-server-rs", "\"landedHome\" : true");

            // another outage puts the replacement back on the lifeboat, ten minutes later
            c.awaitLeaseFree();
            strand(c, "a-server-r", SERVER);
            c.time().sleep(Duration.ofMinutes(10));
            LiveCluster.Result second = c.run("run", "--config", config, "-o", "json");
            assertThat(second.move("a-server-r").get("outcome").asText()).as(second.toString()).isEqualTo("DEFERRED");
            assertThat(second.move("a-server-r").get("detail").asText()).contains("cooldown: moved 10m ago, antiFlap.cooldown is 1h");

            // once the cooldown is over it moves again
            c.time().sleep(Duration.ofHours(2));
            c.awaitLeaseFree();
            LiveCluster.Result third = c.run("run", "--config", config, "-o", "json");
            assertThat(third.move("a-server-r").get("outcome").asText()).as(third.toString()).isEqualTo("EVICTED");
        }
    }

    @Test
    void aReplacementLandingOffHomeIsReportedRememberedAndNotMovedAgainUntilTheNodesChange() throws Exception {
        java.util.concurrent.atomic.AtomicReference<String> landing = new java.util.concurrent.atomic.AtomicReference<>(SERVER);
        try (LiveCluster c = cluster().recreateEvicted(p -> landing.get(), true)) {
            String config = config(c);
            LiveCluster.Result first = c.run("run", "--config", config, "-o", "json");
            JsonNode moved = first.move("a-server");
            assertThat(moved.get("outcome").asText()).as(first.toString()).isEqualTo("FAILED");
            assertThat(moved.get("code").asText()).isEqualTo("LANDED_OFF_HOME");
            assertThat(moved.get("landedOn").asText()).isEqualTo(SERVER);
            assertThat(moved.get("detail").asText()).contains("it landed on " + SERVER + ", off its home (any worker)")
                    .contains("the model was wrong").contains("will not be moved again until its pod spec or the nodes change");
            // the model was wrong: nothing more is evicted this pass
            assertThat(first.move("b-repo").get("outcome").asText()).isEqualTo("DEFERRED");
            assertThat(first.move("b-repo").get("code").asText()).isEqualTo("RUN_STOPPED");
            assertThat(first.move("b-repo").get("detail").asText()).contains("landed on " + SERVER + ", off its home: the model was wrong");
            assertThat(first.exitCode()).isEqualTo(ExitCode.RUNTIME_FAILURE);
            assertThat(c.api().configMap("happypath-rebalancer", "happypath-rebalancer-ledger").getData().get("ledger.json"))
                    .contains("\"landedOn\" : \"" + SERVER + "\"", "\"landedHome\" : false");

            landing.set(AGENT0); // from now on the scheduler agrees with the model
            c.time().sleep(Duration.ofHours(2));
            c.awaitLeaseFree();
            LiveCluster.Result second = c.run("run", "--config", config, "-o", "json");
            assertThat(second.move("a-server-r").get("outcome").asText()).as(second.toString()).isEqualTo("SKIPPED");
            assertThat(second.move("a-server-r").get("detail").asText()).contains("landed on " + SERVER + ", off its home");
            assertThat(evictions(c)).as("no second eviction of a-server; b-repo's one eviction").isEqualTo(2);

            // the nodes change (a new label on a worker): it may be tried again
            Node agent = c.api().node(AGENT0);
            agent.getMetadata().getLabels().put("disk", "ssd");
            c.api().update(agent);
            c.awaitLeaseFree();
            LiveCluster.Result third = c.run("run", "--config", config, "-o", "json");
            assertThat(third.move("a-server-r").get("outcome").asText()).as(third.toString()).isEqualTo("EVICTED");
        }
    }

    @Test
    void aDryRunReadsTheLedgerButNeverWritesIt() throws Exception {
        try (LiveCluster c = cluster().recreateEvicted(p -> AGENT1, true)) {
            String config = config(c);
            c.run("run", "--config", config);
            strand(c, "a-server-r", SERVER);
            c.time().sleep(Duration.ofMinutes(5));
            c.api().dispatcher().clearRequests();
            LiveCluster.Result dry = c.run("run", "--dry-run", "--config", config, "-o", "json");
            assertThat(dry.move("a-server-r").get("outcome").asText()).as(dry.toString()).isEqualTo("DEFERRED");
            assertThat(dry.move("a-server-r").get("detail").asText()).contains("cooldown");
            assertThat(c.api().dispatcher().requests()).allMatch(q -> q.method().equals("GET"));
        }
    }
}
