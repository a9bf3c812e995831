package dev.happypath.rebalancer.faults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.happypath.rebalancer.cluster.KubernetesClients;
import dev.happypath.rebalancer.sim.ApiDispatcher;
import dev.happypath.rebalancer.testing.CapturedStderr;
import dev.happypath.rebalancer.testing.FakeTime;
import dev.happypath.rebalancer.testing.LiveCluster;
import dev.happypath.rebalancer.testing.OpsCluster;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.mockwebserver.http.MockResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster every fault is injected into, and the two things each fault test asserts: nothing unsafe
 * happened, and the run ended with a clear outcome and exit code.
 *
 * <p>Three ArgoCD pods lifeboated on the server and a fourth guarded by a PodDisruptionBudget that allows
 * no disruption; {@code eviction.maxPerRun} is 2. The plan, before any fault: a-server and b-repo
 * PLANNED, c-redis DEFERRED (maxPerRun), d-guarded BLOCKED.
 */
final class Faults {

    static final String NAMESPACE = "argocd";
    static final List<String> STRAYS = List.of("a-server", "b-repo", "c-redis");
    static final String GUARDED = "d-guarded";
    static final Set<String> PLANNED = Set.of("a-server", "b-repo");
    static final int MAX_PER_RUN = 2;
    static final int MAX_PER_NODE = 3;
    /**
     * A backstop, not a speed figure: a run that ends within it did not wait without bound (an answer
     * delayed ten minutes that no request timeout cut short). Hidden retries are not judged by time: the
     * API server's request log counts every attempt (fabric8's own retries included), and each test asserts
     * that count; a backoff taken on the real clock instead of the fake one would not reach the detail's
     * "over 30s". So the bound can be generous enough for any loaded machine (a 2-core machine under
     * stress-ng took 42 s for a run that takes 2 s when idle); how fast a run really is, the benchmark
     * measures (docs/performance.md).
     */
    static final Duration NO_STALL = Duration.ofSeconds(120);

    /**
     * Client timeouts for a test whose ONLY slow request is the one that never answers (the first LIST of
     * a pass): 3 s (production: 30 s). Any other test keeps the production timeouts, so that no answered
     * request races the machine.
     */
    static final KubernetesClients.Timeouts SHORT = new KubernetesClients.Timeouts(Duration.ofSeconds(3), Duration.ofSeconds(3));

    /**
     * Client timeouts for a test where one request never answers after many that do (an eviction after the
     * reads, the Lease and the re-check): 10 s, well above what an answered in-process request takes on a
     * loaded 2-core machine (LISTs of over 3 s were seen under stress-ng), so only the unanswered one times out.
     */
    static final KubernetesClients.Timeouts UNANSWERED = new KubernetesClients.Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(10));

    /** Every fault tried in this JVM, for the figures in docs/reliability.md. */
    private static final List<String> TRIED = new CopyOnWriteArrayList<>();
    private static final AtomicInteger STACK_TRACES = new AtomicInteger();
    private static final AtomicInteger UNSAFE = new AtomicInteger();

    private Faults() {
    }

    static String config() {
        return config("30s", "2s");
    }

    static String config(String pdbTimeout, String readyTimeout) {
        return OpsCluster.configFile(OpsCluster.argocdHappyPath("""
                gate: { stableFor: 1s }
                eviction: { maxPerRun: %d, maxPerNode: %d, pdbTimeout: %s, readyTimeout: %s }
                """.formatted(MAX_PER_RUN, MAX_PER_NODE, pdbTimeout, readyTimeout))).toString();
    }

    /** The cluster, healthy workers, no controller stand-in yet, the production client timeouts. */
    static LiveCluster cluster(boolean workerDown) {
        LiveCluster c = OpsCluster.withoutController(workerDown, STRAYS.toArray(String[]::new));
        OpsCluster.addLifeboated(c, GUARDED);
        c.api().create(new PodDisruptionBudgetBuilder()
                .withNewMetadata().withName(GUARDED).withNamespace(NAMESPACE).endMetadata()
                .withNewSpec().withNewSelector().addToMatchLabels("app", GUARDED).endSelector().withNewMinAvailable(1).endSpec()
                .withNewStatus().withDisruptionsAllowed(0).withCurrentHealthy(1).withDesiredHealthy(1).withExpectedPods(1).endStatus()
                .build());
        return c;
    }

    /** The usual cluster with a controller stand-in that brings each replacement up Ready on agent-1. */
    static LiveCluster cluster() {
        return cluster(false).recreateEvicted(p -> "k3d-idp-demo-agent-1", true);
    }

    /** An API error answer as the API server writes it. */
    static MockResponse status(int code, String reason, String message) {
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
                .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"reason\":\"" + reason
                        + "\",\"code\":" + code + ",\"message\":\"" + message.replace("\"", "\\\"") + "\"}");
    }

    /** What a run printed, returned, logged and took. */
    record Run(int exitCode, String out, String err, String logs, Duration took, LiveCluster.Result result) {

        JsonNode move(String pod) {
            return result.move(pod);
        }

        String outcome(String pod) {
            return move(pod).get("outcome").asText();
        }

        String detail(String pod) {
            return move(pod).get("detail").asText();
        }

        @Override
        public String toString() {
            return result + "\nlogs:\n" + logs + "\ntook " + took.toMillis() + " ms";
        }
    }

    /**
     * Runs the CLI once against {@code c} on a clock that starts at the real now and advances only when the
     * executor sleeps (PodDisruptionBudget backoff takes no real time); the log lines are captured.
     */
    static Run run(LiveCluster c, String... args) {
        FakeTime time = new FakeTime(Instant.now());
        try (CapturedStderr logs = CapturedStderr.start()) {
            long start = System.nanoTime();
            LiveCluster.Result r = c.run(time, time, args);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            return new Run(r.exitCode(), r.out(), r.err(), logs.text(), took, r);
        }
    }

    /** A live pass as the CronJob runs it. */
    static Run live(LiveCluster c) {
        return live(c, config());
    }

    static Run live(LiveCluster c, String config) {
        return run(c, "run", "--config", config, "-o", "json");
    }

    /**
     * Nothing unsafe happened, read from the API server's own request log: no DELETE of anything, no write
     * to a pod, every eviction through the policy/v1 Eviction API and of a pod the plan allowed, at most
     * maxPerRun accepted and maxPerNode per node, the PodDisruptionBudget-guarded pod never evicted and
     * still there. And the run ended plainly: no stack trace, no internal error.
     *
     * @param allowed the pods the plan allows to evict (a dry run before the fault says which)
     */
    static void assertNothingUnsafe(String fault, LiveCluster c, Set<String> allowed, String err, String logs) {
        TRIED.add(fault);
        List<String> unsafe = new ArrayList<>();
        List<ApiDispatcher.LoggedRequest> log = c.api().dispatcher().requests();
        Map<String, Integer> acceptedPerNode = new HashMap<>();
        int accepted = 0;
        for (ApiDispatcher.LoggedRequest q : log) {
            String path = q.path().replaceAll("\\?.*", "");
            if (q.method().equals("DELETE")) {
                unsafe.add("a DELETE: " + q);
            }
            if (path.matches("/api/v1/namespaces/[^/]+/pods/[^/]+") && !q.method().equals("GET")) {
                unsafe.add("a write to a pod: " + q);
            }
            if (path.endsWith("/eviction")) {
                String pod = path.replaceAll(".*/pods/([^/]+)/eviction", "$1");
                if (!q.method().equals("POST") || !path.startsWith("/api/v1/namespaces/")) {
                    unsafe.add("an eviction not through the policy/v1 subresource: " + q);
                }
                if (!allowed.contains(pod)) {
                    unsafe.add("an eviction the plan did not allow: " + q);
                }
                if (q.code() == 201) {
                    accepted++;
                    acceptedPerNode.merge("k3d-idp-demo-server-0", 1, Integer::sum);
                }
                if (pod.equals(GUARDED) && q.code() < 300) {
                    unsafe.add("the PodDisruptionBudget was bypassed: " + q);
                }
            }
            if (path.contains("/policy/v1beta1/")) {
                unsafe.add("a policy/v1beta1 request: " + q);
            }
        }
        if (accepted > MAX_PER_RUN) {
            unsafe.add(accepted + " evictions accepted, over eviction.maxPerRun " + MAX_PER_RUN);
        }
        acceptedPerNode.forEach((node, n) -> {
            if (n > MAX_PER_NODE) {
                unsafe.add(n + " evictions from " + node + ", over eviction.maxPerNode " + MAX_PER_NODE);
            }
        });
        if (c.api().pod(NAMESPACE, GUARDED) == null) {
            unsafe.add("the pod guarded by a PodDisruptionBudget that allows nothing is gone");
        }
        UNSAFE.addAndGet(unsafe.size());
        assertThat(unsafe).as(fault + ": unsafe actions").isEmpty();

        List<String> traces = new ArrayList<>(CapturedStderr.stackTraceLines(err));
        traces.addAll(CapturedStderr.stackTraceLines(logs));
        STACK_TRACES.addAndGet(traces.isEmpty() ? 0 : 1);
        assertThat(traces).as(fault + ": stack trace lines on stderr\n" + logs).isEmpty();
        assertThat(err).as(fault).doesNotContain("internal error");
    }

    static void assertNothingUnsafe(String fault, LiveCluster c, Run r) {
        assertNothingUnsafe(fault, c, PLANNED, r.err(), r.logs());
    }

    /** The pods a dry run plans to evict now, by outcome. */
    static Map<String, String> plan(LiveCluster c) {
        Run dry = run(c, "run", "--dry-run", "--config", config(), "-o", "json");
        Map<String, String> outcomes = new java.util.TreeMap<>();
        for (JsonNode m : dry.result().json().get("moves")) {
            outcomes.put(m.get("pod").asText(), m.get("outcome").asText());
        }
        return outcomes;
    }

    static long requests(LiveCluster c, String method, String pathRegex) {
        return c.api().dispatcher().requests().stream()
                .filter(q -> q.method().equals(method) && q.path().replaceAll("\\?.*", "").matches(pathRegex)).count();
    }

    static long evictions(LiveCluster c, String pod, int code) {
        return c.api().dispatcher().requests().stream()
                .filter(q -> q.path().endsWith("/" + pod + "/eviction") && (code == 0 || q.code() == code)).count();
    }

    static String figures() {
        return TRIED.size() + " faults tried, " + UNSAFE.get() + " unsafe actions, " + STACK_TRACES.get() + " runs with a stack trace";
    }

}
