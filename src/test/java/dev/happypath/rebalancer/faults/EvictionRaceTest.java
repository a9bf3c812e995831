package dev.happypath.rebalancer.faults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.happypath.rebalancer.cli.ExitCode;
import dev.happypath.rebalancer.sim.ApiDispatcher;
import dev.happypath.rebalancer.testing.Await;
import dev.happypath.rebalancer.testing.LiveCluster;
import dev.happypath.rebalancer.testing.OpsCluster;
import dev.happypath.rebalancer.testing.Scenario;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.happypath.rebalancer.testing.Scenario.AGENT0;
import static dev.happypath.rebalancer.testing.Scenario.AGENT1;
import static dev.happypath.rebalancer.testing.Scenario.SERVER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live race harness of issue 12: the world changes between the plan and an eviction, or after one,
 * and the pass evicts only the pods it decided on (by UID, read from the API server's own request log),
 * waits for the new pod and not a sibling, and says what happened with a stable code and the exit code.
 *
 * <p>The cluster: three strays on the lifeboat, {@code a-web-2} (a ReplicaSet with a second replica already
 * Ready at home on agent-0) moved first, then {@code b-loki-0} (a StatefulSet's pod), then {@code c-cache-1}.
 * A controller stand-in, set per test, makes each evicted pod's replacement.
 */
class EvictionRaceTest {

    private static final String NS = "argocd";

    private static final String CLUSTER = """
            now: 2026-11-21T10:00:00Z
            pods:
              - { ns: argocd, name: a-web-1, owner: ReplicaSet/a-web, labels: { app: web }, node: k3d-idp-demo-agent-0 }
              - { ns: argocd, name: a-web-2, owner: ReplicaSet/a-web, labels: { app: web }, node: k3d-idp-demo-server-0, priority: 2,
                  tolerations: ["node-role.kubernetes.io/control-plane:NoSchedule"] }
              - { ns: argocd, name: b-loki-0, owner: StatefulSet/b-loki, labels: { app: loki }, node: k3d-idp-demo-server-0, priority: 1,
                  memory: 2Gi, tolerations: ["node-role.kubernetes.io/control-plane:NoSchedule"] }
              - { ns: argocd, name: c-cache-1, owner: ReplicaSet/c-cache, labels: { app: cache }, node: k3d-idp-demo-server-0, priority: 0,
                  prefers: { role: [infra, apps] },
                  tolerations: ["node-role.kubernetes.io/control-plane:NoSchedule"] }
            """;

    private static final String CONFIG = OpsCluster.argocdHappyPath("eviction: { pdbTimeout: 30s, readyTimeout: 1s }\n");

    private static String config() {
        return OpsCluster.configFile(CONFIG).toString();
    }

    private static LiveCluster cluster() {
        // the production client timeouts: nothing here waits on a request that does not answer
        return new LiveCluster(Scenario.parse("race", CLUSTER));
    }

    private static String uid(LiveCluster c, String pod) {
        return c.api().pod(NS, pod).getMetadata().getUid();
    }

    /** The UIDs the API server evicted (201), in order, from its own request log. */
    private static List<String> evicted(LiveCluster c) {
        return c.api().dispatcher().requests().stream()
                .filter(q -> q.method().equals("POST") && q.path().endsWith("/eviction") && q.code() == 201)
                .map(ApiDispatcher.LoggedRequest::uid).toList();
    }

    /** A controller's new pod for {@code old}: new UID, a ReplicaSet's under a new name, a StatefulSet's under the same. */
    private static PodBuilder replacement(Pod old, String node) {
        boolean statefulSet = old.getMetadata().getOwnerReferences().get(0).getKind().equals("StatefulSet");
        return new PodBuilder(old)
                .editMetadata().withName(statefulSet ? old.getMetadata().getName() : old.getMetadata().getName() + "-r")
                .withUid(UUID.randomUUID().toString()).withResourceVersion(null).withDeletionTimestamp(null).endMetadata()
                .editSpec().withNodeName(node).endSpec();
    }

    private static Pod ready(PodBuilder b, boolean ready) {
        return b.editStatus().withPhase("Running").withConditions().addNewCondition().withType("Ready")
                .withStatus(ready ? "True" : "False").endCondition().endStatus().build();
    }

    private static LiveCluster.Result run(LiveCluster c) {
        return c.run("run", "--config", config(), "-o", "json");
    }

    private static void assertMove(LiveCluster.Result r, String pod, String outcome, String code, String detail) {
        JsonNode m = r.move(pod);
        assertThat(m.get("outcome").asText()).as(r.toString()).isEqualTo(outcome);
        assertThat(m.get("code").asText()).as(r.toString()).isEqualTo(code);
        assertThat(m.get("detail").asText()).as(r.toString()).contains(detail);
    }

    /**
     * (a) While a-web's replacement is awaited, the StatefulSet controller restarts b-loki-0 at home: same
     * name, new UID, Ready on agent-1. The re-check before its eviction sees another pod: SKIPPED, never evicted.
     */
    @Test
    void aPodRestartedAtHomeMidPassIsNotEvicted() {
        try (LiveCluster c = cluster()) {
            String web = uid(c, "a-web-2");
            String cache = uid(c, "c-cache-1");
            String loki = uid(c, "b-loki-0");
            c.api().dispatcher().onEviction(old -> {
                c.api().create(ready(replacement(old, AGENT1), true));
                if (old.getMetadata().getName().equals("a-web-2")) {
                    Pod restarted = c.api().pod(NS, "b-loki-0");
                    c.api().delete(restarted);
                    c.api().create(ready(replacement(restarted, AGENT1), true));
                }
            });

            LiveCluster.Result r = run(c);

            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertMove(r, "a-web-2", "EVICTED", "LANDED_HOME", "replacement argocd/a-web-2-r Ready on " + AGENT1);
            String restartedUid = uid(c, "b-loki-0");
            assertMove(r, "b-loki-0", "SKIPPED", "RECREATED_SINCE_PLAN",
                    "re-checked before the eviction: recreated since the plan (uid " + loki + " -> " + restartedUid + "), now on " + AGENT1);
            // a refusal at the re-check holds only that move: the run goes on
            assertMove(r, "c-cache-1", "EVICTED", "LANDED_HOME", "replacement argocd/c-cache-1-r Ready on " + AGENT1);
            assertThat(evicted(c)).containsExactly(web, cache);
            assertThat(c.api().pod(NS, "b-loki-0").getSpec().getNodeName()).isEqualTo(AGENT1);
        }
    }

    /** The StatefulSet is scaled down while an earlier move waits: b-loki-0 is gone at the re-check, SKIPPED. */
    @Test
    void aPodGoneBeforeItsRecheckIsSkippedWithoutAnEvictionRequest() {
        try (LiveCluster c = cluster()) {
            String web = uid(c, "a-web-2");
            String cache = uid(c, "c-cache-1");
            c.api().dispatcher().onEviction(old -> {
                c.api().create(ready(replacement(old, AGENT1), true));
                if (old.getMetadata().getName().equals("a-web-2")) {
                    c.api().delete(c.api().pod(NS, "b-loki-0"));
                }
            });

            LiveCluster.Result r = run(c);

            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertMove(r, "b-loki-0", "SKIPPED", "POD_GONE", "re-checked before the eviction: the pod no longer exists: nothing to evict");
            assertThat(evicted(c)).containsExactly(web, cache);
            assertThat(c.api().dispatcher().requests()).noneMatch(q -> q.path().endsWith("/b-loki-0/eviction"));
        }
    }

    /**
     * While an earlier move waits, the operator relabels the server as an infra worker (no longer a lifeboat):
     * b-loki-0 is on its Happy Path at the re-check, SKIPPED ALREADY_HOME, never evicted.
     */
    @Test
    void aPodWhoseNodeBecameItsHomeBeforeItsRecheckIsSkipped() {
        try (LiveCluster c = cluster()) {
            String web = uid(c, "a-web-2");
            c.api().dispatcher().onEviction(old -> {
                c.api().create(ready(replacement(old, AGENT1), true));
                var server = c.api().node(SERVER);
                server.getMetadata().getLabels().remove("node-role.kubernetes.io/control-plane");
                server.getMetadata().getLabels().put("role", "infra");
                c.api().update(server);
            });

            LiveCluster.Result r = run(c);

            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertMove(r, "b-loki-0", "SKIPPED", "ALREADY_HOME", "re-checked before the eviction: now on " + SERVER + ", on its Happy Path");
            assertThat(evicted(c)).containsExactly(web);
        }
    }

    /**
     * A workload this rebalancer moved ten minutes ago (in the ledger) was settled when the pass began; while
     * a-web-2's replacement is awaited, its pod starts failing. The re-check before b-loki-0's eviction finds
     * the gate closed (UNSETTLED): the pass stops there, nothing more is evicted.
     */
    @Test
    void anEarlierMoveThatStopsBeingSettledMidPassStopsThePass() {
        try (LiveCluster c = cluster()) {
            String web = uid(c, "a-web-2");
            c.api().create(new PodBuilder(c.api().pod(NS, "a-web-1")).editMetadata().withName("old-1").withUid(UUID.randomUUID().toString())
                    .withResourceVersion(null).withLabels(java.util.Map.of("app", "old"))
                    .editFirstOwnerReference().withName("old").withUid("old-rs-uid").endOwnerReference().endMetadata()
                    .editSpec().withNodeName(AGENT1).endSpec().build());
            c.api().create(new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata().withName("happypath-rebalancer-ledger")
                    .withNamespace("happypath-rebalancer").endMetadata().addToData("ledger.json", """
                            {"version": 1, "workloads": {"argocd/ReplicaSet/old": {"moves": ["2026-11-21T09:50:00Z"], "last": {
                              "at": "2026-11-21T09:50:00Z", "pod": "argocd/old-0", "from": "k3d-idp-demo-server-0", "target": "k3d-idp-demo-agent-1",
                              "landedOn": "k3d-idp-demo-agent-1", "landedHome": true, "spec": "x", "nodes": "y"}}}}
                            """).build());
            c.api().dispatcher().onEviction(old -> {
                c.api().create(ready(replacement(old, AGENT1), true));
                c.api().update(ready(new PodBuilder(c.api().pod(NS, "old-1")), false));
            });

            LiveCluster.Result r = run(c);

            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.json().get("gate").get("open").asBoolean()).as("settled when the pass began").isTrue();
            assertMove(r, "a-web-2", "EVICTED", "LANDED_HOME", "Ready on " + AGENT1);
            assertMove(r, "b-loki-0", "DEFERRED", "GATE_CLOSED", "gate closed: an earlier move has not settled: argocd/ReplicaSet/old was "
                    + "moved 10m ago and its pod argocd/old-1 is on " + AGENT1 + ", not Ready");
            assertThat(r.move("b-loki-0").get("detail").asText()).contains("(re-checked before the eviction)");
            assertMove(r, "c-cache-1", "DEFERRED", "RUN_STOPPED", "an earlier move has not settled");
            assertThat(evicted(c)).containsExactly(web);
        }
    }

    /**
     * A PodDisruptionBudget refuses a-web-2's first eviction (429) and, during the backoff, agent-0 goes
     * NotReady. The retry is re-checked like the first attempt: the gate is closed, nothing more is asked.
     */
    @Test
    void aRetryAfterABudgetRefusalIsReCheckedToo() {
        try (LiveCluster c = cluster()) {
            c.api().dispatcher().onEviction(old -> c.api().create(ready(replacement(old, AGENT1), true)));
            AtomicBoolean refused = new AtomicBoolean();
            c.api().dispatcher().addInterceptor((method, path, body) -> {
                if (path.endsWith("/a-web-2/eviction") && refused.compareAndSet(false, true)) {
                    var node = c.api().node(AGENT0);
                    node.getStatus().setConditions(List.of(new io.fabric8.kubernetes.api.model.NodeConditionBuilder().withType("Ready")
                            .withStatus("Unknown").withReason("NodeStatusUnknown").withLastTransitionTime("2026-11-21T10:00:00Z").build()));
                    c.api().update(node);
                    return Faults.status(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.");
                }
                return null;
            });

            LiveCluster.Result r = run(c);

            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertMove(r, "a-web-2", "DEFERRED", "GATE_CLOSED", "gate closed: " + AGENT0 + ": not Ready");
            assertThat(r.move("a-web-2").get("detail").asText()).contains("(re-checked before the eviction)");
            assertMove(r, "b-loki-0", "DEFERRED", "RUN_STOPPED", AGENT0 + ": not Ready");
            assertThat(c.api().dispatcher().requests()).filteredOn(q -> q.path().endsWith("/eviction")).hasSize(1);
            assertThat(evicted(c)).isEmpty();
        }
    }

    /**
     * (a) The same restart, but between the re-check's read and the eviction request: the Eviction's UID
     * precondition makes the API server answer 409, and the move is SKIPPED without a retry.
     */
    @Test
    void aPodRecreatedBetweenTheRecheckAndTheEvictionIsRefusedByItsUidPrecondition() {
        try (LiveCluster c = cluster()) {
            String web = uid(c, "a-web-2");
            String loki = uid(c, "b-loki-0");
            String cache = uid(c, "c-cache-1");
            c.api().dispatcher().onEviction(old -> c.api().create(ready(replacement(old, AGENT1), true)));
            AtomicBoolean restarted = new AtomicBoolean();
            c.api().dispatcher().addInterceptor((method, path, body) -> {
                if (path.endsWith("/b-loki-0/eviction") && restarted.compareAndSet(false, true)) {
                    Pod old = c.api().pod(NS, "b-loki-0");
                    c.api().delete(old);
                    c.api().create(ready(replacement(old, SERVER), true));
                }
                return null;
            });

            LiveCluster.Result r = run(c);

            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertMove(r, "b-loki-0", "SKIPPED", "RECREATED_SINCE_PLAN",
                    "the API server refused the eviction's UID precondition (409: Operation cannot be fulfilled on Pod \"b-loki-0\"");
            List<ApiDispatcher.LoggedRequest> loki409 = c.api().dispatcher().requests().stream()
                    .filter(q -> q.path().endsWith("/b-loki-0/eviction")).toList();
            assertThat(loki409).as("one attempt, never retried").hasSize(1);
            assertThat(loki409.get(0).code()).isEqualTo(409);
            assertThat(loki409.get(0).uid()).as("the precondition named the pod decided on").isEqualTo(loki);
            assertThat(evicted(c)).containsExactly(web, cache);
            assertThat(c.api().pod(NS, "b-loki-0").getMetadata().getUid()).as("the recreated pod is still there").isNotEqualTo(loki);
        }
    }

    /**
     * (b) a-web has a sibling Ready at home on agent-0 all along. The wait is for the new pod: it ends only
     * when a-web-2-r, which comes up Ready on agent-1 once the wait has begun, is Ready, and that is where
     * the move landed (not the sibling's node).
     */
    @Test
    void theWaitIsForTheNewPodNotASiblingAlreadyReady() {
        try (LiveCluster c = cluster()) {
            String web = uid(c, "a-web-2");
            CompletableFuture<Void> comesUp = new CompletableFuture<>();
            c.api().dispatcher().onEviction(old -> {
                if (old.getMetadata().getName().equals("a-web-2")) {
                    c.api().create(ready(replacement(old, AGENT1), false));
                    // Ready only once the executor is watching for it: a wait that took the sibling would be over by then
                    comesUp.completeAsync(() -> {
                        Await.until(Duration.ofSeconds(10), "the executor to watch for the replacement", () -> c.api().dispatcher().requests()
                                .stream().anyMatch(q -> q.path().startsWith("/api/v1/namespaces/argocd/pods") && q.path().contains("watch=true")));
                        c.api().update(ready(new PodBuilder(c.api().pod(NS, "a-web-2-r")), true));
                        return null;
                    });
                } else {
                    c.api().create(ready(replacement(old, AGENT1), true));
                }
            });
            LiveCluster.Result r = c.run("run", "--config",
                    OpsCluster.configFile(OpsCluster.argocdHappyPath("eviction: { pdbTimeout: 30s, readyTimeout: 20s }\n")).toString(), "-o", "json");

            comesUp.join();
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertMove(r, "a-web-2", "EVICTED", "LANDED_HOME", "replacement argocd/a-web-2-r Ready on " + AGENT1);
            assertThat(r.move("a-web-2").get("landedOn").asText()).as("the new pod's node, not the sibling's " + AGENT0).isEqualTo(AGENT1);
            assertThat(evicted(c)).startsWith(web).hasSize(3);
            assertThat(c.api().configMap("happypath-rebalancer", "happypath-rebalancer-ledger").getData().get("ledger.json"))
                    .contains("\"landedOn\" : \"" + AGENT1 + "\"").doesNotContain("\"landedOn\" : \"" + AGENT0 + "\"");
        }
    }

    /**
     * (c) The replacement stays Pending while the sibling is Ready: FAILED after readyTimeout saying what
     * the NEW pod does (the scheduler's message), never the sibling's state; the pass stops.
     */
    @Test
    void aReplacementThatStaysPendingFailsTheMoveWithTheSchedulersWords() {
        try (LiveCluster c = cluster()) {
            String web = uid(c, "a-web-2");
            c.api().dispatcher().onEviction(old -> c.api().create(replacement(old, null).editStatus().withPhase("Pending")
                    .withConditions().addNewCondition().withType("PodScheduled").withStatus("False").withReason("Unschedulable")
                    .withMessage("0/3 nodes are available: 3 Insufficient memory.").endCondition().endStatus().build()));

            LiveCluster.Result r = run(c);

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.RUNTIME_FAILURE);
            assertMove(r, "a-web-2", "FAILED", "REPLACEMENT_NOT_READY", "no replacement was Ready within 1s (eviction.readyTimeout): "
                    + "argocd/a-web-2-r is Pending, not scheduled (Unschedulable: 0/3 nodes are available: 3 Insufficient memory.)");
            assertThat(r.move("a-web-2").get("detail").asText()).doesNotContain("a-web-1");
            assertThat(r.move("a-web-2").has("landedOn") && !r.move("a-web-2").get("landedOn").isNull()).isFalse();
            assertMove(r, "b-loki-0", "DEFERRED", "RUN_STOPPED", "run stopped after argocd/a-web-2 failed");
            assertThat(evicted(c)).containsExactly(web);
        }
    }

    /** (d) The replacement crash-loops on agent-1 while the sibling is Ready: FAILED with its restarts. */
    @Test
    void aReplacementThatCrashLoopsFailsTheMoveWithItsRestarts() {
        try (LiveCluster c = cluster()) {
            String web = uid(c, "a-web-2");
            c.api().dispatcher().onEviction(old -> {
                PodBuilder b = replacement(old, AGENT1);
                b.editStatus().withPhase("Running").withConditions().addNewCondition().withType("Ready").withStatus("False").endCondition()
                        .addNewContainerStatus().withName("main").withRestartCount(5).withReady(false)
                        .withNewState().withNewWaiting().withReason("CrashLoopBackOff").endWaiting().endState().endContainerStatus().endStatus();
                c.api().create(b.build());
            });

            LiveCluster.Result r = run(c);

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.RUNTIME_FAILURE);
            assertMove(r, "a-web-2", "FAILED", "REPLACEMENT_NOT_READY",
                    "argocd/a-web-2-r is on " + AGENT1 + ", not Ready: container main CrashLoopBackOff (restarted 5 times)");
            assertThat(r.move("a-web-2").get("detail").asText()).doesNotContain("a-web-1");
            assertThat(evicted(c)).containsExactly(web);
            assertThat(c.api().configMap("happypath-rebalancer", "happypath-rebalancer-ledger").getData().get("ledger.json"))
                    .as("the eviction is remembered").contains("argocd/ReplicaSet/a-web");
        }
    }

    /**
     * (e) After the plan, batch pods start on both workers and take the room b-loki-0 (2Gi) needed. The
     * re-check decides it again on the fresh state: the scheduler would find no node, so it is SKIPPED
     * with the fresh reason and never evicted.
     */
    @Test
    void aNewPodOnTheTargetBetweenPlanAndEvictionTakesTheRoomAndTheRecheckSaysNo() {
        try (LiveCluster c = cluster()) {
            String web = uid(c, "a-web-2");
            c.api().dispatcher().onEviction(old -> {
                c.api().create(ready(replacement(old, AGENT1), true));
                for (String node : List.of(AGENT0, AGENT1)) {
                    c.api().create(new PodBuilder().withNewMetadata().withName("batch-" + node).withNamespace("batch")
                            .withUid(UUID.randomUUID().toString()).addNewOwnerReference().withApiVersion("batch/v1").withKind("Job")
                            .withName("batch").withUid("job-uid").withController(true).endOwnerReference().endMetadata()
                            .withNewSpec().withNodeName(node).addNewContainer().withName("work").withImage("example/work")
                            .withNewResources().addToRequests("memory", new io.fabric8.kubernetes.api.model.Quantity("3Gi")).endResources()
                            .endContainer().endSpec()
                            .withNewStatus().withPhase("Running").addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus()
                            .build());
                }
            });

            LiveCluster.Result r = run(c);

            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertMove(r, "a-web-2", "EVICTED", "LANDED_HOME", "Ready on " + AGENT1);
            // b-loki-0 (priority 1) outranks the new batch pods (priority 0): the scheduler would preempt one to make room
            // (issue 13), so the re-check's no is WOULD_PREEMPT rather than WOULD_NOT_LAND_HOME
            assertMove(r, "b-loki-0", "SKIPPED", "WOULD_PREEMPT",
                    "re-checked before the eviction: the scheduler would find no node for its replacement (it would stay Pending)");
            assertThat(r.move("b-loki-0").get("detail").asText())
                    .contains(AGENT0 + ": NodeResourcesFit: insufficient memory 3.1Gi requested + 2Gi > allocatable 4Gi")
                    .contains("would preempt batch/batch-" + AGENT0 + " (priority 0) on " + AGENT0 + " (a home)");
            assertThat(evicted(c)).containsExactly(web);
        }
    }

    /**
     * (f) The replacement comes up Ready on the lifeboat, off its home: the model was wrong. FAILED
     * LANDED_OFF_HOME with where it landed, remembered in the ledger as landedHome false, and nothing more
     * is evicted this pass.
     */
    @Test
    void aReplacementLandingOffHomeFailsTheMoveAndStopsThePass() {
        try (LiveCluster c = cluster()) {
            String web = uid(c, "a-web-2");
            c.api().dispatcher().onEviction(old -> c.api().create(ready(replacement(old, SERVER), true)));

            LiveCluster.Result r = run(c);

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.RUNTIME_FAILURE);
            assertMove(r, "a-web-2", "FAILED", "LANDED_OFF_HOME", "it landed on " + SERVER + ", off its home (any worker)");
            assertThat(r.move("a-web-2").get("landedOn").asText()).isEqualTo(SERVER);
            assertMove(r, "b-loki-0", "DEFERRED", "RUN_STOPPED",
                    "run stopped: the replacement of argocd/a-web-2 landed on " + SERVER + ", off its home: the model was wrong");
            assertThat(evicted(c)).containsExactly(web);
            assertThat(c.api().configMap("happypath-rebalancer", "happypath-rebalancer-ledger").getData().get("ledger.json"))
                    .contains("\"landedOn\" : \"" + SERVER + "\"", "\"landedHome\" : false");
            assertThat(r.err()).contains("a move FAILED");
        }
    }
    /**
     * (g) Both workers are cordoned just after the eviction, so the scheduler puts the replacement on the
     * lifeboat: FAILED LANDED_OFF_HOME. The ledger holds the workload back until the nodes change, compared
     * with the nodes as they were when it landed (cordoned): once the workers are uncordoned it is planned
     * again, instead of being frozen on the lifeboat by a cordon that came after our read.
     */
    @Test
    void aLandingOffHomeCausedByACordonAfterTheEvictionIsTriedAgainOnceTheCordonIsLifted() {
        try (LiveCluster c = cluster()) {
            AtomicBoolean first = new AtomicBoolean(true);
            c.api().dispatcher().onEviction(old -> {
                if (first.getAndSet(false)) {
                    cordon(c, true);
                    c.api().create(ready(replacement(old, SERVER), true));
                }
            });
            String config = OpsCluster.configFile(CONFIG_WITHOUT_COOLDOWN).toString();

            LiveCluster.Result r = c.run("run", "--config", config, "-o", "json");

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.RUNTIME_FAILURE);
            assertMove(r, "a-web-2", "FAILED", "LANDED_OFF_HOME", "it landed on " + SERVER + ", off its home (any worker)");

            cordon(c, false);
            LiveCluster.Result again = c.run("run", "--dry-run", "--config", config, "-o", "json");

            assertThat(again.exitCode()).as(again.toString()).isZero();
            assertMove(again, "a-web-2-r", "PLANNED", "GOES_HOME", "a home with room");
        }
    }

    /** The control of (g): the same landing with the nodes unchanged holds the workload back for good. */
    @Test
    void aLandingOffHomeWithTheNodesUnchangedIsNotTriedAgain() {
        try (LiveCluster c = cluster()) {
            AtomicBoolean first = new AtomicBoolean(true);
            c.api().dispatcher().onEviction(old -> {
                if (first.getAndSet(false)) {
                    c.api().create(ready(replacement(old, SERVER), true));
                }
            });
            String config = OpsCluster.configFile(CONFIG_WITHOUT_COOLDOWN).toString();

            assertThat(c.run("run", "--config", config, "-o", "json").exitCode()).isEqualTo(ExitCode.RUNTIME_FAILURE);
            LiveCluster.Result again = c.run("run", "--dry-run", "--config", config, "-o", "json");

            assertMove(again, "a-web-2-r", "SKIPPED", "ANTI_FLAP_PERMANENT", "off its home: not moved again until its pod spec or the nodes change");
        }
    }

    /** The race cluster's config with no cooldown: what holds a workload back is the landing alone. */
    private static final String CONFIG_WITHOUT_COOLDOWN = CONFIG + "antiFlap: { cooldown: 0s }\n";

    private static void cordon(LiveCluster c, boolean cordoned) {
        for (String name : List.of(AGENT0, AGENT1)) {
            Node n = c.api().node(name);
            n.getSpec().setUnschedulable(cordoned);
            c.api().update(n);
        }
    }
}
