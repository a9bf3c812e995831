package dev.happypath.rebalancer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.happypath.rebalancer.cluster.KubernetesClients;
import dev.happypath.rebalancer.execute.Sleeper;
import dev.happypath.rebalancer.cluster.KubernetesLease;
import dev.happypath.rebalancer.sim.ApiDispatcher;
import dev.happypath.rebalancer.testing.Await;
import dev.happypath.rebalancer.testing.LiveCluster;
import dev.happypath.rebalancer.testing.OpsCluster;
import dev.happypath.rebalancer.testing.RunningCli;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static dev.happypath.rebalancer.testing.OpsCluster.WORKER;
import static org.assertj.core.api.Assertions.assertThat;

/** The one-shot after a node recovery (run --wait-for-gate), the Lease a live run holds, and bad input. */
class OneShotTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static long count(LiveCluster c, java.util.function.Predicate<ApiDispatcher.LoggedRequest> p) {
        return c.api().dispatcher().requests().stream().filter(p).count();
    }

    private static boolean nodeList(ApiDispatcher.LoggedRequest q) {
        return q.method().equals("GET") && (q.path().equals("/api/v1/nodes") || q.path().startsWith("/api/v1/nodes?"))
                && !q.path().contains("watch=true");
    }

    private static boolean nodeWatch(ApiDispatcher.LoggedRequest q) {
        return q.path().startsWith("/api/v1/nodes?") && q.path().contains("watch=true");
    }

    @Test
    void waitsWatchingTheNodesUntilTheGateOpensThenRunsOnce() throws Exception {
        String config = OpsCluster.configFile(OpsCluster.config("1s", 5)).toString();
        try (LiveCluster c = OpsCluster.start(true, "stray");
             RunningCli run = RunningCli.start(c, "run", "--wait-for-gate", "30s", "--config", config, "-o", "json")) {
            Await.until(WAIT, () -> "a node watch\n" + run, () -> count(c, OneShotTest::nodeWatch) > 0);
            assertThat(run.exited()).isFalse();
            assertThat(count(c, q -> q.path().contains("/eviction"))).isZero();

            OpsCluster.setReady(c, WORKER, true);

            assertThat(run.exitCode(WAIT)).as(run::toString).isZero();
            JsonNode report = new ObjectMapper().readTree(run.out());
            assertThat(report.get("mode").asText()).isEqualTo("live");
            assertThat(report.get("moves").get(0).get("outcome").asText()).isEqualTo("EVICTED");
            assertThat(count(c, q -> q.path().endsWith("/stray/eviction"))).isEqualTo(1);
            // watching, not polling: one LIST for the watch, then the pass's own reads (the first read, the
            // read under the Lease, the gate re-check before the eviction, the read after it), however long the wait
            assertThat(count(c, OneShotTest::nodeWatch)).isEqualTo(1);
            assertThat(count(c, OneShotTest::nodeList)).isEqualTo(5);
        }
    }

    @Test
    void whenTheDeadlinePassesItSaysWhyAndDoesNothing() {
        String config = OpsCluster.configFile(OpsCluster.config("1s", 5)).toString();
        try (LiveCluster c = OpsCluster.start(true, "stray")) {
            LiveCluster.Result r = c.run(Clock.systemUTC(), Sleeper.REAL, "run", "--wait-for-gate", "1s", "--config", config, "-o", "json");

            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).contains("the gate did not open within 1s (--wait-for-gate); no pass ran, nothing was done")
                    .contains(WORKER + ": not Ready");
            assertThat(c.api().dispatcher().requests()).allMatch(q -> q.method().equals("GET"))
                    .noneMatch(q -> q.path().contains("leases"));
        }
    }

    @Test
    void aLiveRunSkipsWhileAnotherRebalancerHoldsTheLease() {
        String config = OpsCluster.configFile(OpsCluster.config("1s", 5)).toString();
        try (LiveCluster c = OpsCluster.start(false, "stray")) {
            hold(c, "daemon-elsewhere", ZonedDateTime.now(), 60);

            LiveCluster.Result r = c.run(Clock.systemUTC(), Sleeper.REAL, "run", "--config", config, "-o", "json");

            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.err()).contains("skipped: the Lease happypath-rebalancer/happypath-rebalancer is held by daemon-elsewhere")
                    .contains("nothing was done");
            assertThat(count(c, q -> q.path().contains("/eviction"))).isZero();
            assertThat(count(c, q -> !q.method().equals("GET"))).as("the Lease is left alone").isZero();
        }
    }

    @Test
    void aLiveRunTakesAnExpiredLeaseActsAndReleasesIt() {
        String config = OpsCluster.configFile(OpsCluster.config("1s", 5)).toString();
        try (LiveCluster c = OpsCluster.start(false, "stray")) {
            hold(c, "crashed-job", ZonedDateTime.now().minus(2, ChronoUnit.MINUTES), 15);

            LiveCluster.Result r = c.run(Clock.systemUTC(), Sleeper.REAL, "run", "--config", config, "-o", "json");

            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.move("stray").get("outcome").asText()).isEqualTo("EVICTED");
            var lease = DaemonTest.lease(c);
            assertThat(lease.getSpec().getHolderIdentity()).isNotEqualTo("crashed-job");
            assertThat(lease.getSpec().getLeaseTransitions()).isEqualTo(1);
            try (KubernetesClient client = KubernetesClients.create(c.api().clientConfig())) {
                Await.until(WAIT, "released", () -> KubernetesLease.currentHolder(client, "happypath-rebalancer") == null);
            }
        }
    }

    @Test
    void aGreenRunWritesNothingNotEvenTheLease() {
        String config = OpsCluster.configFile(OpsCluster.config("1s", 5)).toString();
        try (LiveCluster c = OpsCluster.start(false)) {
            LiveCluster.Result r = c.run(Clock.systemUTC(), Sleeper.REAL, "run", "--config", config, "-o", "json");

            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.json().get("mode").asText()).isEqualTo("live");
            assertThat(r.json().get("clusterState").asText()).isEqualTo("GREEN");
            assertThat(c.api().dispatcher().requests()).allMatch(q -> q.method().equals("GET"))
                    .noneMatch(q -> q.path().contains("leases"));
        }
    }

    private static void hold(LiveCluster c, String holder, ZonedDateTime renewed, int seconds) {
        c.api().create(new LeaseBuilder().withNewMetadata().withName(KubernetesLease.NAME).withNamespace("happypath-rebalancer").endMetadata()
                .withNewSpec().withHolderIdentity(holder).withLeaseDurationSeconds(seconds).withAcquireTime(renewed)
                .withRenewTime(renewed).withLeaseTransitions(0).endSpec().build());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "run --wait-for-gate soon                 | --wait-for-gate | expected a duration such as 30s, 5m or 1h30m, got 'soon'",
            "run --wait-for-gate 0s                   | --wait-for-gate | expected a duration from 1s to 24h",
            "run --log-format xml                     | --log-format    | xml",
            "run --lease-duration 1500ms              | --lease-duration | expected whole seconds from 1s to 10m",
            "daemon                                   | --schedule      | Missing required option",
            "daemon --schedule every-5-minutes        | --schedule      | expected 5 fields",
            "daemon --schedule '*/5 * 1 * MON'        | --schedule      | restricts both day-of-month and day-of-week",
            "daemon --schedule '0 3 * * 1'            | --schedule      | write days of the week as names (MON-FRI)",
            "daemon --schedule '0 0 31 2 ?'           | --schedule      | never fires",
            "daemon --schedule '61 * * * *'           | --schedule      | not a cron expression",
            "daemon --schedule '*/5 * * * *' --metrics-port 70000 | --metrics-port | expected a port from 1 to 65535",
            "daemon --schedule '*/5 * * * *' --log-format loud    | --log-format    | loud",
    })
    void badInputIsOneClearMessageExitTwoAndNothingTouched(String command, String option, String message) {
        try (LiveCluster c = OpsCluster.start(false, "stray")) {
            List<String> args = new java.util.ArrayList<>();
            var m = java.util.regex.Pattern.compile("'([^']*)'|(\\S+)").matcher(command);
            while (m.find()) {
                args.add(m.group(1) != null ? m.group(1) : m.group(2));
            }
            LiveCluster.Result r = c.run(Clock.systemUTC(), Sleeper.REAL, args.toArray(String[]::new));

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.INVALID_INPUT);
            assertThat(r.err()).contains(option).contains(message).doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(r.err().lines().filter(l -> l.startsWith("error:") || l.startsWith("Missing") || l.startsWith("Invalid")).count())
                    .as(r.err()).isLessThanOrEqualTo(1);
            assertThat(c.api().dispatcher().requests()).isEmpty();
        }
    }
}
