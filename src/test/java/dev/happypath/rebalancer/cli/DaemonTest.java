package dev.happypath.rebalancer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.happypath.rebalancer.cluster.KubernetesLease;
import dev.happypath.rebalancer.testing.Await;
import dev.happypath.rebalancer.testing.CapturedStderr;
import dev.happypath.rebalancer.testing.LiveCluster;
import dev.happypath.rebalancer.testing.OpsCluster;
import dev.happypath.rebalancer.testing.RunningCli;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.happypath.rebalancer.testing.OpsCluster.WORKER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The daemon against the in-process API on the real clock: a Quartz schedule of one second and a Lease of
 * two, so that the whole election plays out in a few seconds.
 */
public class DaemonTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String EVERY_SECOND = "* * * * * ?";
    /** Quartz, with a year: never within a test. */
    private static final String NEVER_SOON = "0 0 0 1 1 ? 2099";

    public static String[] daemon(String config, String schedule, int metricsPort, String... more) {
        List<String> args = new ArrayList<>(List.of("daemon", "--schedule", schedule, "--config", config,
                "--lease-duration", "2s", "--metrics-port", Integer.toString(metricsPort), "-o", "json"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    static Lease lease(LiveCluster c) {
        try (KubernetesClient client = dev.happypath.rebalancer.cluster.KubernetesClients.create(c.api().clientConfig())) {
            return client.leases().inNamespace("happypath-rebalancer").withName(KubernetesLease.NAME).get();
        }
    }

    static String holder(LiveCluster c) {
        Lease l = lease(c);
        return l == null || l.getSpec() == null ? null : l.getSpec().getHolderIdentity();
    }

    /**
     * The reports a daemon has printed in full (one JSON document per pass): the one it may be writing at this
     * moment ends early, and is left for the next look.
     */
    static List<JsonNode> reports(RunningCli d) {
        List<JsonNode> out = new ArrayList<>();
        try (var parser = new ObjectMapper().getFactory().createParser(d.out())) {
            var it = new ObjectMapper().readValues(parser, JsonNode.class);
            while (it.hasNextValue()) {
                out.add(it.nextValue());
            }
        } catch (com.fasterxml.jackson.core.io.JsonEOFException beingWritten) {
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static List<String> evicted(RunningCli d) {
        List<String> pods = new ArrayList<>();
        for (JsonNode r : reports(d)) {
            for (JsonNode m : r.get("moves")) {
                if (m.get("outcome").asText().equals("EVICTED")) {
                    pods.add(m.get("pod").asText());
                }
            }
        }
        return pods;
    }

    /** /metrics, or "" while the endpoint is not up yet (or does not answer within a few seconds: the caller's deadline decides). */
    public static String scrape(int port) {
        try {
            HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            return r.body();
        } catch (java.net.ConnectException | java.net.http.HttpTimeoutException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public static long evictions(LiveCluster c, String pod) {
        return c.api().dispatcher().requests().stream().filter(q -> q.path().endsWith("/" + pod + "/eviction") && q.code() == 201).count();
    }

    @Test
    void onlyTheLeaderEvictsAndTheOtherTakesOverWhenItStops() {
        String config = OpsCluster.configFile(OpsCluster.config("1s", 5)).toString();
        int portA = RunningCli.freePort();
        int portB = RunningCli.freePort();
        try (LiveCluster c = OpsCluster.start(false, "first");
             RunningCli a = RunningCli.start(c, daemon(config, EVERY_SECOND, portA))) {
            Await.until(WAIT, () -> "daemon A holds the Lease\n" + a, () -> holder(c) != null);
            String leaderA = holder(c);
            try (RunningCli b = RunningCli.start(c, daemon(config, EVERY_SECOND, portB))) {
                // A evicts; B's ticks are skipped while A holds the Lease
                Await.until(WAIT, () -> "A evicts 'first'\n" + a, () -> evicted(a).contains("first"));
                Await.until(WAIT, () -> "B skips two scheduled passes\n" + b,
                        () -> scrape(portB).contains("happypath_passes_total{result=\"skipped\",trigger=\"schedule\"} 2"));
                assertThat(evicted(b)).isEmpty();
                assertThat(reports(b)).as("B never ran a pass").isEmpty();
                assertThat(holder(c)).isEqualTo(leaderA);
                assertThat(scrape(portA)).contains("happypath_lease_held 1.0");
                assertThat(scrape(portB)).contains("happypath_lease_held 0.0");

                // A stops as on SIGTERM: it releases the Lease, B takes over and handles new work
                assertThat(a.stop(WAIT)).isZero();
                Await.until(WAIT, () -> "B holds the Lease, held by " + holder(c) + "\n" + b,
                        () -> holder(c) != null && !holder(c).equals(leaderA) && !holder(c).isEmpty());
                OpsCluster.addLifeboated(c, "second");
                Await.until(WAIT, () -> "B evicts 'second'\n" + b, () -> evicted(b).contains("second"));

                assertThat(evicted(a)).doesNotContain("second");
                assertThat(evicted(b)).doesNotContain("first");
                assertThat(evictions(c, "first")).isEqualTo(1);
                assertThat(evictions(c, "second")).isEqualTo(1);
                assertThat(b.stop(WAIT)).isZero();
            }
            // both stopped: the last holder released the Lease (fabric8 keeps its name but lets it expire
            // within a second), so a CronJob run may take it at once
            Await.until(WAIT, "the Lease released", () -> {
                try (KubernetesClient client = dev.happypath.rebalancer.cluster.KubernetesClients.create(c.api().clientConfig())) {
                    return KubernetesLease.currentHolder(client, "happypath-rebalancer") == null;
                }
            });
            assertThat(lease(c).getSpec().getLeaseDurationSeconds()).isEqualTo(1);
        }
    }

    @Test
    void aWorkerComingBackStartsAPassOnceStableForHasElapsedWithoutWaitingForTheSchedule() {
        String config = OpsCluster.configFile(OpsCluster.config("1s", 5)).toString();
        int port = RunningCli.freePort();
        try (LiveCluster c = OpsCluster.start(true, "stray");
             RunningCli d = RunningCli.start(c, daemon(config, NEVER_SOON, port, "--on-node-recovery"))) {
            Await.until(WAIT, () -> "the daemon holds the Lease\n" + d, () -> scrape(port).contains("happypath_lease_held 1.0"));
            // the daemon watches the nodes
            Await.until(WAIT, "a node watch", () -> c.api().dispatcher().requests().stream()
                    .anyMatch(q -> q.path().startsWith("/api/v1/nodes?") && q.path().contains("watch=true")));
            assertThat(evictions(c, "stray")).isZero();

            OpsCluster.setReady(c, WORKER, true);
            Await.until(WAIT, () -> "the recovery pass evicts 'stray'\n" + d, () -> evicted(d).contains("stray"));

            String metrics = scrape(port);
            assertThat(metrics).contains("happypath_passes_total{result=\"completed\",trigger=\"node-recovery\"} 1.0");
            assertThat(metrics).doesNotContain("trigger=\"schedule\"");
            assertThat(metrics).contains("happypath_moves_total{code=\"LANDED_HOME\",outcome=\"EVICTED\"} 1.0");
            assertThat(metrics).contains("happypath_gate_open 1.0");
            assertThat(metrics).contains("happypath_cluster_state{state=\"RECOVERING\"} 1.0");
            assertThat(metrics).contains("happypath_cluster_state{state=\"GREEN\"} 0.0");
            assertThat(metrics).contains("happypath_pass_duration_seconds_count 1");
            assertThat(d.stop(WAIT)).isZero();
        }
    }
    /** -n and --rule scope the daemon's passes as they do run's: a stray out of scope is reported, never moved. */
    @Test
    void aDaemonScopedToAnotherNamespaceReportsTheStrayAndMovesNothing() {
        String config = OpsCluster.configFile(OpsCluster.config("1s", 5)).toString();
        int port = RunningCli.freePort();
        try (CapturedStderr logs = CapturedStderr.start();
             LiveCluster c = OpsCluster.start(false, "stray");
             RunningCli d = RunningCli.start(c, daemon(config, EVERY_SECOND, port, "-n", "monitoring", "--rule", "argocd"))) {
            Await.until(WAIT, () -> "two passes reported\n" + d, () -> reports(d).size() >= 2);
            for (JsonNode report : reports(d)) {
                assertThat(report.get("moves")).as(report::toString).hasSize(1);
                JsonNode move = report.get("moves").get(0);
                assertThat(move.get("pod").asText()).isEqualTo("stray");
                assertThat(move.get("outcome").asText()).isEqualTo("SKIPPED");
                assertThat(move.get("code").asText()).isEqualTo("OUT_OF_SCOPE");
                assertThat(move.get("detail").asText()).contains("--namespace monitoring --rule argocd");
            }
            assertThat(logs.text()).contains("moving only --namespace monitoring --rule argocd");
            assertThat(evictions(c, "stray")).isZero();
            assertThat(d.stop(WAIT)).isZero();
        }
    }

    /** A --rule the configuration does not have is refused before the cluster is touched, as for run. */
    @Test
    void aDaemonGivenAnUnknownRuleExitsTwoBeforeTouchingTheCluster() {
        String config = OpsCluster.configFile(OpsCluster.config("1s", 5)).toString();
        try (LiveCluster c = OpsCluster.start(false, "stray");
             RunningCli d = RunningCli.start(c, daemon(config, EVERY_SECOND, RunningCli.freePort(), "--rule", "argcd"))) {
            assertThat(d.exitCode(WAIT)).as(d::toString).isEqualTo(ExitCode.INVALID_INPUT);
            assertThat(d.err()).contains("--rule: no workload rule named 'argcd'");
            assertThat(c.api().dispatcher().requests()).as("nothing asked of the cluster").isEmpty();
        }
    }
}
