package dev.happypath.rebalancer.faults;

import dev.happypath.rebalancer.cli.ExitCode;
import dev.happypath.rebalancer.testing.FlakyLink;
import dev.happypath.rebalancer.testing.LiveCluster;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.mockwebserver.http.MockResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.happypath.rebalancer.faults.Faults.assertNothingUnsafe;
import static dev.happypath.rebalancer.testing.Scenario.AGENT0;
import static dev.happypath.rebalancer.testing.Scenario.AGENT1;
import static dev.happypath.rebalancer.testing.Scenario.SERVER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Eviction API answers errors for ever, the API server vanishes after an eviction, the replacement
 * never comes up, a worker fails mid-run: the executor stops acting at the first sign of trouble, never
 * deletes, never bypasses a PodDisruptionBudget, and says what happened.
 */
class EvictionFaultsTest {

    @AfterAll
    static void figures() {
        System.out.println("fault injection (so far): " + Faults.figures());
    }

    /**
     * Every eviction request gets the same answer, every time. 429 is a PodDisruptionBudget's refusal:
     * retried with backoff until eviction.pdbTimeout, then BLOCKED, and the run goes on. 404: the pod is
     * gone, nothing to do. 409: the UID precondition failed, the pod of that name is another pod: SKIPPED,
     * never retried, and the run goes on. Anything else: the eviction did not happen for a reason nobody knows; FAILED,
     * no retry, and the run stops.
     */
    @ParameterizedTest(name = "eviction answers {0} forever")
    @CsvSource(delimiter = '|', value = {
            "500 | InternalError      | FAILED   | 1 | 1 | the Eviction API answered 500: etcdserver: request timed out",
            "503 | ServiceUnavailable | FAILED   | 1 | 1 | the Eviction API answered 503: the server is currently unable to handle the request",
            "409 | Conflict           | SKIPPED  | 0 | 2 | recreated since the plan: the API server refused the eviction's UID precondition (409: Operation cannot be fulfilled on pods",
            "404 | NotFound           | SKIPPED  | 0 | 2 | the pod no longer exists (404): nothing to evict",
            "429 | TooManyRequests    | BLOCKED  | 0 | 12 | refused the eviction 6 time(s) over 30s (eviction.pdbTimeout)",
    })
    void anEvictionErrorForEverEndsEachMoveSafely(int code, String reason, String outcome, int exitCode, int attempts, String detail) {
        try (LiveCluster c = Faults.cluster()) {
            String message = switch (code) {
                case 500 -> "etcdserver: request timed out";
                case 503 -> "the server is currently unable to handle the request";
                case 409 -> "Operation cannot be fulfilled on pods \"x\": the object has been modified";
                case 404 -> "pods \"x\" not found";
                default -> "Cannot evict pod as it would violate the pod's disruption budget.";
            };
            c.api().dispatcher().addInterceptor((m, p, b) -> p.endsWith("/eviction") ? Faults.status(code, reason, message) : null);

            Faults.Run r = Faults.live(c);

            assertNothingUnsafe("eviction answers " + code + " forever", c, r);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(exitCode);
            assertThat(r.outcome("a-server")).as(r.toString()).isEqualTo(outcome);
            assertThat(r.detail("a-server")).contains(detail);
            if (outcome.equals("FAILED")) {
                assertThat(r.outcome("b-repo")).isEqualTo("DEFERRED");
                assertThat(r.detail("b-repo")).contains("run stopped after argocd/a-server failed");
                assertThat(r.err()).contains("error: the pass stopped: a move FAILED");
            } else {
                assertThat(r.outcome("b-repo")).as("the run goes on").isEqualTo(outcome);
            }
            assertThat(r.outcome("c-redis")).as("maxPerRun").isEqualTo("DEFERRED");
            assertThat(r.outcome("d-guarded")).isEqualTo("BLOCKED");
            assertThat(Faults.requests(c, "POST", ".*/eviction")).as("attempts: no hidden retry").isEqualTo(attempts);
            for (String pod : Faults.PLANNED) {
                assertThat(c.api().pod(Faults.NAMESPACE, pod)).as(pod + " is still there").isNotNull();
            }
            assertThat(r.took()).as(r.toString()).isLessThan(Faults.NO_STALL);
        }
    }

    /**
     * The eviction is answered (201), then the API server is gone: the wait for the replacement cannot
     * start. FAILED at once with the reason, nothing more evicted, and the Lease left to expire (it cannot
     * be released) within its 15 s.
     */
    @Test
    void theApiServerVanishingBetweenEvictionAndReplacementWaitStopsTheRun() {
        try (LiveCluster c = Faults.cluster(); FlakyLink link = FlakyLink.to(c.api().url())) {
            c.via(link);
            AtomicBoolean evicted = new AtomicBoolean();
            c.api().dispatcher().addInterceptor((m, p, b) -> {
                if (p.endsWith("/eviction")) {
                    evicted.set(true);
                } else if (evicted.get()) {
                    // the first request after the eviction's answer: the API server is gone from here on
                    link.cut();
                    link.dropAll();
                }
                return null;
            });

            Faults.Run r = Faults.live(c);

            assertNothingUnsafe("the API server vanishes after an eviction", c, r);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.RUNTIME_FAILURE);
            assertThat(r.outcome("a-server")).as(r.toString()).isEqualTo("FAILED");
            assertThat(r.detail("a-server")).contains("evicted, but the wait for its replacement failed: cannot reach the API server at "
                    + link.url() + " to list pods").contains("the next pass sees where it landed");
            assertThat(r.outcome("b-repo")).isEqualTo("DEFERRED");
            assertThat(Faults.evictions(c, "a-server", 201)).isEqualTo(1);
            assertThat(Faults.requests(c, "POST", ".*/eviction")).as("nothing more is evicted").isEqualTo(1);
            assertThat(r.err()).contains("error: the pass stopped: the move of argocd/a-server could not be recorded in the ledger: cannot reach the API server");
            assertThat(r.logs()).contains("could not release the Lease happypath-rebalancer/happypath-rebalancer")
                    .contains("it expires by itself 15s after its last renewal");
            assertThat(r.took()).as(r.toString()).isLessThan(Faults.NO_STALL);
        }
    }

    /**
     * The eviction request itself gets no answer: the connection is reset while the API server carries it
     * out, or the answer never comes. Nobody can say whether the pod was evicted: FAILED, saying so, the
     * run stops, and nothing is retried.
     */
    @ParameterizedTest(name = "the eviction request {0}")
    @ValueSource(strings = {"loses its connection", "times out"})
    void anEvictionWithoutAnswerIsFailedAsUnknownAndNotRetried(String how) {
        try (LiveCluster c = Faults.cluster(); FlakyLink link = FlakyLink.to(c.api().url())) {
            c.via(link).timeouts(Faults.UNANSWERED);
            c.api().dispatcher().addInterceptor((m, p, b) -> {
                if (!p.endsWith("/eviction")) {
                    return null;
                }
                if (how.equals("times out")) {
                    return new MockResponse().setResponseCode(201).setBody("{}").setBodyDelay(Duration.ofMinutes(10));
                }
                // the API server carries the eviction out (this request goes on to the store) but the answer is lost
                link.cut();
                link.dropAll();
                return null;
            });

            Faults.Run r = Faults.live(c);

            assertNothingUnsafe("the eviction request " + how, c, r);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.RUNTIME_FAILURE);
            assertThat(r.outcome("a-server")).as(r.toString()).isEqualTo("FAILED");
            assertThat(r.detail("a-server")).startsWith("no answer to the eviction request (")
                    .contains(how.equals("times out") ? "did not answer in time to create pods/eviction" : "cannot reach the API server")
                    .contains("the API server may or may not have evicted it; the next pass sees where it is");
            assertThat(r.outcome("b-repo")).isEqualTo("DEFERRED");
            assertThat(Faults.requests(c, "POST", ".*/eviction")).as("never retried").isEqualTo(1);
            assertThat(r.took()).as(r.toString()).isLessThan(Faults.NO_STALL);
        }
    }

    /** What the controller stand-in makes of each evicted pod: a replacement that does not get Ready. */
    private static Pod replacement(Pod old, String node, boolean crashLooping) {
        PodBuilder b = new PodBuilder(old)
                .editMetadata().withName(old.getMetadata().getName() + "-r").withUid(UUID.randomUUID().toString())
                .withResourceVersion(null).withDeletionTimestamp(null).endMetadata()
                .editSpec().withNodeName(node).endSpec();
        if (node == null) {
            return b.editStatus().withPhase("Pending").withConditions().addNewCondition().withType("PodScheduled").withStatus("False")
                    .withReason("Unschedulable").withMessage("0/3 nodes are available: 3 Insufficient memory.").endCondition().endStatus().build();
        }
        b.editStatus().withPhase("Running").withConditions().addNewCondition().withType("Ready").withStatus("False").endCondition().endStatus();
        if (crashLooping) {
            b.editStatus().addNewContainerStatus().withName("server").withRestartCount(4).withReady(false)
                    .withNewState().withNewWaiting().withReason("CrashLoopBackOff").endWaiting().endState().endContainerStatus().endStatus();
        }
        return b.build();
    }

    /**
     * The replacement never gets Ready: crash-looping on the lifeboat, Pending with nowhere to go, or never
     * created. The move is FAILED after eviction.readyTimeout with what the replacement is doing, the run
     * stops, and the eviction is in the ledger all the same.
     */
    @ParameterizedTest(name = "replacement {0}")
    @ValueSource(strings = {"crash-loops", "stays Pending", "never appears"})
    void aReplacementThatNeverGetsReadyFailsTheMoveSaysWhyAndIsRemembered(String how) {
        try (LiveCluster c = Faults.cluster(false)) {
            if (!how.equals("never appears")) {
                c.api().dispatcher().onEviction(old -> c.api().create(how.equals("crash-loops")
                        ? replacement(old, SERVER, true) : replacement(old, null, false)));
            }

            Faults.Run r = Faults.live(c, Faults.config("30s", "1s"));

            assertNothingUnsafe("the replacement " + how, c, r);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.RUNTIME_FAILURE);
            assertThat(r.outcome("a-server")).as(r.toString()).isEqualTo("FAILED");
            assertThat(r.detail("a-server")).contains("evicted, but no replacement was Ready within 1s (eviction.readyTimeout): ")
                    .contains(switch (how) {
                        case "crash-loops" -> "argocd/a-server-r is on " + SERVER + ", not Ready: container server CrashLoopBackOff (restarted 4 times)";
                        case "stays Pending" -> "argocd/a-server-r is Pending, not scheduled (Unschedulable: 0/3 nodes are available: 3 Insufficient memory.)";
                        default -> "no replacement pod appeared";
                    });
            assertThat(r.outcome("b-repo")).isEqualTo("DEFERRED");
            assertThat(Faults.requests(c, "POST", ".*/eviction")).isEqualTo(1);
            assertThat(c.api().configMap("happypath-rebalancer", "happypath-rebalancer-ledger").getData().get("ledger.json"))
                    .as("the eviction is remembered").contains("argocd/ReplicaSet/a-server-rs");
            assertThat(r.took()).as(r.toString()).isLessThan(Faults.NO_STALL);
        }
    }

    /**
     * A replacement that crash-loops on the lifeboat is a stray again. The ledger remembers the eviction
     * that made it, so the next pass holds back: its gate is closed (UNSETTLED: an earlier move has not
     * settled) instead of evicting it, or anything else, every five minutes.
     */
    @Test
    void theNextPassDoesNotEvictAStrugglingReplacementAgain() {
        try (LiveCluster c = Faults.cluster(false)) {
            c.api().dispatcher().onEviction(old -> c.api().create(replacement(old, SERVER, true)));
            assertThat(Faults.live(c, Faults.config("30s", "1s")).exitCode()).isEqualTo(ExitCode.RUNTIME_FAILURE);
            c.awaitLeaseFree();
            c.api().dispatcher().clearRequests();

            Faults.Run again = Faults.live(c, Faults.config("30s", "1s"));

            assertNothingUnsafe("the next pass after a replacement crash-looped", c, Faults.PLANNED, again.err(), again.logs());
            assertThat(again.outcome("a-server-r")).as(again.toString()).isEqualTo("DEFERRED");
            assertThat(again.detail("a-server-r")).contains("gate closed: an earlier move has not settled: argocd/ReplicaSet/a-server-rs was moved")
                    .contains("its pod argocd/a-server-r is on " + SERVER + ", not Ready");
            assertThat(again.result().json().get("gate").get("reasons").toString()).contains("an earlier move has not settled");
            assertThat(Faults.requests(c, "POST", ".*/eviction")).as("nothing evicted while it settles").isZero();
        }
    }

    /**
     * After the first eviction a worker gets DiskPressure, or is cordoned: the executor re-reads the nodes
     * and judges the gate before each eviction, so the second move is DEFERRED with the reason (a worker
     * going NotReady: LiveRunTest.aWorkerFailingBetweenTwoEvictionsClosesTheGate).
     */
    @ParameterizedTest(name = "a worker {0} mid-run")
    @ValueSource(strings = {"gets DiskPressure", "is cordoned", "gets MemoryPressure"})
    void aWorkerInTroubleMidRunClosesTheGateBeforeTheNextEviction(String trouble) {
        try (LiveCluster c = Faults.cluster(false)) {
            c.recreateEvicted(old -> {
                Node n = c.api().node(AGENT0);
                if (trouble.equals("is cordoned")) {
                    n.getSpec().setUnschedulable(true);
                } else {
                    String type = trouble.equals("gets DiskPressure") ? "DiskPressure" : "MemoryPressure";
                    List<NodeCondition> conditions = new ArrayList<>();
                    for (NodeCondition cond : n.getStatus().getConditions()) {
                        conditions.add(cond.getType().equals(type) ? new NodeConditionBuilder(cond).withStatus("True")
                                .withLastTransitionTime(Instant.now().toString()).build() : cond);
                    }
                    n.getStatus().setConditions(conditions);
                }
                c.api().update(n);
                return AGENT1;
            }, true);

            Faults.Run r = Faults.live(c);

            assertNothingUnsafe("a worker " + trouble + " mid-run", c, r);
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.outcome("a-server")).as(r.toString()).isEqualTo("EVICTED");
            assertThat(r.outcome("b-repo")).isEqualTo("DEFERRED");
            assertThat(r.detail("b-repo")).contains("gate closed").contains(AGENT0).contains("re-checked before the eviction")
                    .contains(switch (trouble) {
                        case "is cordoned" -> "unschedulable";
                        case "gets DiskPressure" -> "DiskPressure";
                        default -> "MemoryPressure";
                    });
            assertThat(Faults.requests(c, "POST", ".*/eviction")).as("no eviction after the gate closed").isEqualTo(1);
        }
    }
}
