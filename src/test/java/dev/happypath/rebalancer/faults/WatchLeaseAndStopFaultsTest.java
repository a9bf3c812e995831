package dev.happypath.rebalancer.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.happypath.rebalancer.cli.DaemonTest;
import dev.happypath.rebalancer.cli.ExitCode;
import dev.happypath.rebalancer.cluster.KubernetesClients;
import dev.happypath.rebalancer.cluster.KubernetesLease;
import dev.happypath.rebalancer.execute.Sleeper;
import dev.happypath.rebalancer.testing.Await;
import dev.happypath.rebalancer.testing.CapturedStderr;
import dev.happypath.rebalancer.testing.FlakyLink;
import dev.happypath.rebalancer.testing.LiveCluster;
import dev.happypath.rebalancer.testing.OpsCluster;
import dev.happypath.rebalancer.testing.RunningCli;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Set;
import java.util.UUID;

import static dev.happypath.rebalancer.faults.Faults.assertNothingUnsafe;
import static dev.happypath.rebalancer.testing.Scenario.AGENT1;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults in what a pass waits on (a watch breaks and comes back, another rebalancer takes the Lease) and
 * the process told to stop in the middle of each wait. On the real clock, in the background, as a CronJob
 * pod or a daemon runs.
 */
class WatchLeaseAndStopFaultsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @AfterAll
    static void figures() {
        System.out.println("fault injection (so far): " + Faults.figures());
    }

    private static long watches(LiveCluster c, String collection) {
        return c.api().dispatcher().requests().stream()
                .filter(q -> q.path().startsWith(collection + "?") && q.path().contains("watch=true")).count();
    }

    /** The controller stand-in: a-server's replacement comes up not Ready (the test makes it Ready), b-repo's Ready. */
    private static void replacementsOnAgent1(LiveCluster c, String slow) {
        c.api().dispatcher().onEviction(old -> {
            boolean ready = !old.getMetadata().getName().equals(slow);
            Pod r = new PodBuilder(old)
                    .editMetadata().withName(old.getMetadata().getName() + "-r").withUid(UUID.randomUUID().toString())
                    .withResourceVersion(null).withDeletionTimestamp(null).endMetadata()
                    .editSpec().withNodeName(AGENT1).endSpec()
                    .editStatus().withConditions().addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                    .endStatus().build();
            c.api().create(r);
        });
    }

    private static Lease lease(LiveCluster c) {
        try (KubernetesClient client = KubernetesClients.create(c.api().clientConfig())) {
            return client.leases().inNamespace("happypath-rebalancer").withName(KubernetesLease.NAME).get();
        }
    }

    private static JsonNode report(RunningCli run) {
        try {
            return new ObjectMapper().readTree(run.out());
        } catch (IOException e) {
            throw new UncheckedIOException("no JSON report:\n" + run, e);
        }
    }

    private static JsonNode move(JsonNode report, String pod) {
        for (JsonNode m : report.get("moves")) {
            if (m.get("pod").asText().equals(pod)) {
                return m;
            }
        }
        throw new AssertionError("no move for " + pod + " in " + report);
    }

    @Test
    void theReplacementWatchBreaksComesBackAndTheWaitEndsWhenTheReplacementIsReady() {
        try (CapturedStderr logs = CapturedStderr.start();
             LiveCluster c = Faults.cluster(false);
             FlakyLink link = FlakyLink.to(c.api().url())) {
            c.via(link);
            replacementsOnAgent1(c, "a-server");
            try (RunningCli run = RunningCli.start(c, "run", "--config", Faults.config("30s", "15s"), "-o", "json")) {
                String pods = "/api/v1/namespaces/argocd/pods";
                Await.until(WAIT, () -> "a watch for the replacement\n" + run, () -> watches(c, pods) == 1);
                link.dropAll();
                Await.until(WAIT, () -> "the watch re-established\n" + run, () -> watches(c, pods) == 2);
                OpsCluster.setPodReady(c, "argocd", "a-server-r");

                assertThat(run.exitCode(WAIT)).as(run::toString).isZero();
                JsonNode report = report(run);
                assertThat(move(report, "a-server").get("outcome").asText()).isEqualTo("EVICTED");
                assertThat(move(report, "a-server").get("detail").asText()).contains("replacement argocd/a-server-r Ready on " + AGENT1);
                assertThat(move(report, "b-repo").get("outcome").asText()).isEqualTo("EVICTED");
                assertThat(link.resets()).isPositive();
                assertNothingUnsafe("the replacement watch breaks and resumes", c, Faults.PLANNED, run.err(), logs.text());
            }
        }
    }

    @Test
    void theDaemonsNodeWatchBreaksComesBackAndStillSeesTheRecovery() {
        String config = Faults.config("30s", "5s");
        int port = RunningCli.freePort();
        try (CapturedStderr logs = CapturedStderr.start();
             LiveCluster c = Faults.cluster(true).recreateEvicted(p -> AGENT1, true);
             FlakyLink link = FlakyLink.to(c.api().url())) {
            c.via(link);
            try (RunningCli daemon = RunningCli.start(c, DaemonTest.daemon(config, "0 0 0 1 1 ? 2099", port, "--on-node-recovery"))) {
                Await.until(WAIT, () -> "a node watch\n" + daemon, () -> watches(c, "/api/v1/nodes") == 1);
                Await.until(WAIT, () -> "the daemon leads\n" + daemon, () -> DaemonTest.scrape(port).contains("happypath_lease_held 1.0"));
                link.dropAll();
                Await.until(WAIT, () -> "the node watch re-established\n" + daemon, () -> watches(c, "/api/v1/nodes") >= 2);
                assertThat(Faults.requests(c, "POST", ".*/eviction")).as("nothing while the worker is down").isZero();

                OpsCluster.setReady(c, OpsCluster.WORKER, true);

                Await.until(WAIT, () -> "the recovery pass evicts\n" + daemon, () -> Faults.evictions(c, "b-repo", 201) == 1);
                assertThat(daemon.stop(WAIT)).isZero();
                assertNothingUnsafe("the daemon's node watch breaks and resumes", c, Faults.PLANNED, daemon.err(), logs.text());
                assertThat(DaemonTest.evictions(c, "a-server")).isEqualTo(1);
            }
        }
    }

    /**
     * Another rebalancer takes the Lease while this one waits for a replacement (a partition healed the
     * wrong way, a clock jumped): the holder that cannot renew stops at once, evicts nothing more, exits 1,
     * and leaves the other's Lease alone.
     */
    @Test
    void anotherRebalancerTakingTheLeaseMidRunStopsThisOne() {
        try (CapturedStderr logs = CapturedStderr.start(); LiveCluster c = Faults.cluster(false)) {
            replacementsOnAgent1(c, "a-server");
            try (RunningCli run = RunningCli.start(c, "run", "--config", Faults.config("30s", "30s"), "--lease-duration", "2s", "-o", "json")) {
                Await.until(WAIT, () -> "a watch for the replacement\n" + run, () -> watches(c, "/api/v1/namespaces/argocd/pods") == 1);
                // written straight into the store: the other rebalancer's update wins whatever this one renews
                Lease taken = lease(c);
                taken.getSpec().setHolderIdentity("other-rebalancer");
                taken.getSpec().setRenewTime(ZonedDateTime.now().plusSeconds(60));
                taken.getSpec().setLeaseDurationSeconds(60);
                c.api().update(taken);

                assertThat(run.exitCode(WAIT)).as(run::toString).isEqualTo(ExitCode.RUNTIME_FAILURE);
                assertThat(run.err()).contains("error: lost the Lease happypath-rebalancer/happypath-rebalancer during the pass: stopped evicting");
                JsonNode report = report(run);
                assertThat(move(report, "a-server").get("outcome").asText()).isEqualTo("FAILED");
                assertThat(move(report, "a-server").get("detail").asText())
                        .contains("stopping (the Lease lost) cut the wait for its replacement short");
                assertThat(move(report, "b-repo").get("outcome").asText()).isEqualTo("DEFERRED");
                assertThat(Faults.requests(c, "POST", ".*/eviction")).isEqualTo(1);
                assertThat(lease(c).getSpec().getHolderIdentity()).as("the other's Lease is left alone").isEqualTo("other-rebalancer");
                assertNothingUnsafe("another rebalancer takes the Lease mid-run", c, Faults.PLANNED, run.err(), logs.text());
            }
        }
    }

    @Test
    void sigtermDuringThePodDisruptionBudgetBackoffStopsBeforeTheEviction() {
        try (CapturedStderr logs = CapturedStderr.start(); LiveCluster c = Faults.cluster()) {
            c.api().dispatcher().addInterceptor((m, p, b) -> p.endsWith("/a-server/eviction")
                    ? Faults.status(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.") : null);
            try (RunningCli run = RunningCli.start(c, "run", "--config", Faults.config("30s", "5s"), "-o", "json")) {
                // the executor waits out the budget's refusal: that wait is what SIGTERM cuts short
                Await.until(WAIT, () -> "a refused eviction\n" + run, () -> logs.text().contains(
                        "eviction of argocd/a-server refused by a PodDisruptionBudget, retrying in 1s"));
                long sigterm = System.nanoTime();

                assertThat(run.stop(WAIT)).as(run::toString).isEqualTo(ExitCode.RUNTIME_FAILURE);

                assertThat(Duration.ofNanos(System.nanoTime() - sigterm)).as("stops within the pod's 30 s grace period").isLessThan(Duration.ofSeconds(30));
                assertThat(run.err()).contains("stopping on SIGTERM: the pass was cut short, nothing more is evicted");
                JsonNode report = report(run);
                assertThat(move(report, "a-server").get("outcome").asText()).isEqualTo("DEFERRED");
                assertThat(move(report, "a-server").get("detail").asText()).isEqualTo("stopping (SIGTERM) before the eviction: not evicted");
                assertThat(move(report, "b-repo").get("outcome").asText()).isEqualTo("DEFERRED");
                assertThat(Faults.evictions(c, ".*", 201)).isZero();
                assertNothingUnsafe("SIGTERM during the PodDisruptionBudget backoff", c, Faults.PLANNED, run.err(), logs.text());
                c.awaitLeaseFree();
            }
        }
    }

    /**
     * An Error in a daemon's pass (here the heap running out while it waits out a budget's refusal) may have
     * damaged the JVM: the daemon says why, stops, releases the Lease for another rebalancer to take at once,
     * and exits 1 for the kubelet to restart the container. Nothing is evicted.
     */
    @Test
    void anErrorInADaemonsPassStopsItReleasesTheLeaseAndExitsOne() {
        try (CapturedStderr logs = CapturedStderr.start(); LiveCluster c = Faults.cluster()) {
            c.api().dispatcher().addInterceptor((m, p, b) -> p.endsWith("/a-server/eviction")
                    ? Faults.status(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.") : null);
            Sleeper outOfMemory = (d, stop) -> {
                throw new OutOfMemoryError("Java heap space");
            };
            int port = RunningCli.freePort();
            try (RunningCli daemon = RunningCli.start(c, outOfMemory,
                    DaemonTest.daemon(Faults.config("30s", "5s"), "* * * * * ?", port))) {
                assertThat(daemon.exitCode(WAIT)).as(daemon::toString).isEqualTo(ExitCode.RUNTIME_FAILURE);

                assertThat(logs.text()).contains("pass triggered by schedule failed, the daemon stops: the JVM ran out of memory (Java heap space");
                assertThat(Faults.evictions(c, ".*", 201)).isZero();
                c.awaitLeaseFree();
                assertNothingUnsafe("an Error in a daemon's pass", c, Faults.PLANNED, daemon.err(), logs.text());
            }
        }
    }

    @Test
    void sigtermDuringTheReplacementWaitStopsWaitingAndEvictsNothingMore() {
        try (CapturedStderr logs = CapturedStderr.start(); LiveCluster c = Faults.cluster(false)) {
            replacementsOnAgent1(c, "a-server");
            try (RunningCli run = RunningCli.start(c, "run", "--config", Faults.config("30s", "30s"), "-o", "json")) {
                Await.until(WAIT, () -> "a watch for the replacement\n" + run, () -> watches(c, "/api/v1/namespaces/argocd/pods") == 1);

                assertThat(run.stop(WAIT)).as(run::toString).isEqualTo(ExitCode.RUNTIME_FAILURE);

                assertThat(run.err()).contains("stopping on SIGTERM: the pass was cut short, nothing more is evicted");
                JsonNode report = report(run);
                assertThat(move(report, "a-server").get("outcome").asText()).isEqualTo("FAILED");
                // what happened first; the decision's lines follow it
                assertThat(move(report, "a-server").get("details").get(0).asText())
                        .isEqualTo("evicted; stopping (SIGTERM) cut the wait for its replacement short: its controller "
                                + "recreates it regardless, the next pass sees where it landed");
                assertThat(move(report, "b-repo").get("outcome").asText()).isEqualTo("DEFERRED");
                assertThat(Faults.requests(c, "POST", ".*/eviction")).isEqualTo(1);
                assertThat(c.api().configMap("happypath-rebalancer", "happypath-rebalancer-ledger").getData().get("ledger.json"))
                        .as("the eviction is remembered").contains("argocd/ReplicaSet/a-server-rs");
                assertNothingUnsafe("SIGTERM during the replacement wait", c, Faults.PLANNED, run.err(), logs.text());
                c.awaitLeaseFree();
            }
        }
    }

    @Test
    void sigtermWhileWaitingForTheGateEndsWithoutAPass() {
        try (CapturedStderr logs = CapturedStderr.start(); LiveCluster c = Faults.cluster(true).recreateEvicted(p -> AGENT1, true)) {
            try (RunningCli run = RunningCli.start(c, "run", "--wait-for-gate", "10m", "--config", Faults.config(), "-o", "json")) {
                Await.until(WAIT, () -> "a node watch\n" + run, () -> watches(c, "/api/v1/nodes") == 1);

                assertThat(run.stop(WAIT)).as(run::toString).isZero();

                assertThat(run.err()).contains("stopping on SIGTERM while waiting for the gate; no pass ran");
                assertThat(run.out()).isEmpty();
                assertThat(c.api().dispatcher().requests()).allMatch(q -> q.method().equals("GET"));
                assertNothingUnsafe("SIGTERM while waiting for the gate", c, Set.of(), run.err(), logs.text());
            }
        }
    }
}
