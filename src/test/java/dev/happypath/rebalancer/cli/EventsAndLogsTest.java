package dev.happypath.rebalancer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.happypath.rebalancer.cluster.KubernetesClients;
import dev.happypath.rebalancer.testing.FakeTime;
import dev.happypath.rebalancer.testing.LiveCluster;
import dev.happypath.rebalancer.testing.OpsCluster;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.MockResponse;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.happypath.rebalancer.testing.Scenario.SERVER;
import static org.assertj.core.api.Assertions.assertThat;

/** What a live pass tells the cluster (Events), the log pipeline (JSON lines) and the report (its figures). */
class EventsAndLogsTest {

    private static List<Event> events(LiveCluster c) {
        try (KubernetesClient client = KubernetesClients.create(c.api().clientConfig())) {
            return client.v1().events().inAnyNamespace().list().getItems();
        }
    }

    /** The real instant on a clock that advances only when the executor sleeps (PDB backoff runs at once). */
    private static LiveCluster.Result run(LiveCluster c, String... args) {
        FakeTime time = new FakeTime(Instant.now());
        return c.run(time, time, args);
    }

    @Test
    void anEvictedPodAndItsControllerGetARebalancedEvent() {
        String config = OpsCluster.configFile(OpsCluster.config("1s", 5)).toString();
        try (LiveCluster c = OpsCluster.start(false, "stray")) {
            LiveCluster.Result r = run(c, "run", "--config", config, "-o", "json");
            assertThat(r.exitCode()).as(r.toString()).isZero();

            List<Event> events = events(c);
            assertThat(events).hasSize(2).allSatisfy(e -> {
                assertThat(e.getType()).isEqualTo("Normal");
                assertThat(e.getReason()).isEqualTo("Rebalanced");
                assertThat(e.getMetadata().getNamespace()).isEqualTo("argocd");
                assertThat(e.getMessage()).startsWith("Rebalanced argocd/stray: " + SERVER + " \u2192 k3d-idp-demo-agent-0 (rule argocd, LIFEBOATED)")
                        .contains("replacement argocd/stray-r Ready")
                        .contains("[pass " + r.json().get("runId").asText() + ": clusterState RECOVERING, gate open, 1 off path");
                assertThat(e.getSource().getComponent()).isEqualTo("happypath-rebalancer");
                assertThat(e.getReportingComponent()).isEqualTo("happypath-rebalancer");
                assertThat(e.getCount()).isEqualTo(1);
            });
            assertThat(events).extracting(e -> e.getInvolvedObject().getKind() + "/" + e.getInvolvedObject().getName())
                    .containsExactlyInAnyOrder("Pod/stray", "ReplicaSet/stray-rs");
            Event onOwner = events.stream().filter(e -> e.getInvolvedObject().getKind().equals("ReplicaSet")).findFirst().orElseThrow();
            assertThat(onOwner.getInvolvedObject().getApiVersion()).isEqualTo("apps/v1");
            assertThat(onOwner.getInvolvedObject().getUid()).isNotBlank();
        }
    }

    @Test
    void aBlockedMoveGetsAWarningAndADryRunRecordsNothing() {
        String config = OpsCluster.configFile(OpsCluster.config("1s", 5)).toString();
        try (LiveCluster c = OpsCluster.start(false, "stray")) {
            LiveCluster.Result dry = run(c, "run", "--dry-run", "--config", config, "-o", "json");
            assertThat(dry.exitCode()).isZero();
            assertThat(c.api().dispatcher().requests()).noneMatch(q -> q.path().contains("/events"));

            c.api().dispatcher().addInterceptor((method, path, body) -> path.endsWith("/eviction")
                    ? new MockResponse().setResponseCode(429).setBody("{\"kind\":\"Status\",\"code\":429,\"message\":\"Cannot evict pod as it would violate the pod's disruption budget.\"}")
                    : null);
            LiveCluster.Result r = run(c, "run", "--config", config, "-o", "json");
            assertThat(r.move("stray").get("outcome").asText()).as(r.toString()).isEqualTo("BLOCKED");

            assertThat(events(c)).hasSize(2).allSatisfy(e -> {
                assertThat(e.getType()).isEqualTo("Warning");
                assertThat(e.getReason()).isEqualTo("RebalanceBlocked");
                assertThat(e.getMessage()).contains("PodDisruptionBudget").contains("eviction.pdbTimeout");
            });
        }
    }

    @Test
    void theReportCarriesThePassFigures() {
        String config = OpsCluster.configFile(OpsCluster.config("1s", 5)).toString();
        try (LiveCluster c = OpsCluster.start(false, "stray", "other")) {
            c.api().dispatcher().addInterceptor((method, path, body) -> path.endsWith("/other/eviction")
                    ? new MockResponse().setResponseCode(429).setBody("{\"kind\":\"Status\",\"code\":429,\"message\":\"budget\"}")
                    : null);
            LiveCluster.Result r = run(c, "run", "--config", config, "-o", "json");

            JsonNode m = r.json().get("metrics");
            assertThat(m.get("clusterState").asText()).isEqualTo("RECOVERING");
            assertThat(m.get("gateOpen").asBoolean()).isTrue();
            assertThat(m.get("offPath").asInt()).isEqualTo(2);
            // the fake clock advanced only by the PDB backoff: 1+2 s, then the last wait to the 5s deadline
            assertThat(m.get("passDurationSeconds").asDouble()).isEqualTo(5.0);
            assertThat(m.get("moves").toString()).isEqualTo(
                    "[{\"outcome\":\"EVICTED\",\"code\":\"LANDED_HOME\",\"count\":1},{\"outcome\":\"BLOCKED\",\"code\":\"BUDGET_EXHAUSTED\",\"count\":1}]");
            // the existing fields stay
            assertThat(r.json().get("schemaVersion").asInt()).isEqualTo(2);
            assertThat(r.json().get("summary").get("outcomes").get("EVICTED").asInt()).isEqualTo(1);
        }
    }

    @Test
    void jsonLogLinesCarryTheRunIdPodNodeAndOutcome() throws Exception {
        String config = OpsCluster.configFile(OpsCluster.config("1s", 5)).toString();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        LiveCluster.Result r;
        try (LiveCluster c = OpsCluster.start(false, "stray")) {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                r = run(c, "run", "--config", config, "-o", "json", "--log-format", "json");
            } finally {
                System.setErr(original);
                LogOptions.use(LogOptions.LogFormat.human);
            }
        }
        assertThat(r.exitCode()).as(r.toString()).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                lines.add(new ObjectMapper().readTree(line));
            }
        }
        assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l.has("message") && l.has("level")).isTrue());
        String runId = r.json().get("runId").asText();
        assertThat(lines).anySatisfy(l -> {
            assertThat(l.path("runId").asText()).isEqualTo(runId);
            assertThat(l.path("pod").asText()).isEqualTo("argocd/stray");
            assertThat(l.path("node").asText()).isEqualTo(SERVER);
            assertThat(l.path("target").asText()).isEqualTo("k3d-idp-demo-agent-0");
            assertThat(l.path("outcome").asText()).isEqualTo("EVICTED");
            assertThat(l.path("reason").asText()).isEqualTo("LIFEBOATED");
        });
        // dependencies stay quiet: nothing below WARN from outside the rebalancer
        assertThat(lines).filteredOn(l -> !l.path("logger_name").asText().startsWith("dev.happypath"))
                .allSatisfy(l -> assertThat(l.path("level").asText()).isIn("WARN", "ERROR"));
    }

    @Test
    void inAPodThePassSummaryGoesOnThatPodOnlyAfterAPassThatActed() {
        String yaml = """
                now: 2026-11-21T10:00:00Z
                config: |
                %s
                pods:
                  - { ns: argocd, name: stray, node: k3d-idp-demo-server-0, tolerations: ["node-role.kubernetes.io/control-plane:NoSchedule"] }
                """.formatted(OpsCluster.config("1s", 5).indent(2).stripTrailing());
        var scenario = dev.happypath.rebalancer.testing.Scenario.parse("summary", yaml);
        var happyPath = scenario.happyPath();
        var snapshot = scenario.snapshot();
        var decision = dev.happypath.rebalancer.plan.Decision.decide(snapshot, happyPath, scenario.ledger(), scenario.now());
        var self = new dev.happypath.rebalancer.cluster.KubernetesEvents.Self("happypath-rebalancer", "rebalancer-29384-x", "uid-1");
        try (LiveCluster c = new LiveCluster(scenario);
             KubernetesClient client = KubernetesClients.create(c.api().clientConfig())) {
            var events = new dev.happypath.rebalancer.cluster.KubernetesEvents(client, self);
            // nothing executed (a dry plan): no Event at all, not even the summary
            var planned = decision.plan().moves();
            var report = dev.happypath.rebalancer.report.ReportBuilder.build(false, scenario.now(), "run1", happyPath, snapshot,
                    decision.comparison(), decision.gate(), planned, false);
            assertThat(events.publish(report, planned, "me", scenario.now())).isZero();

            var failed = planned.stream().map(m -> m.resolved(dev.happypath.rebalancer.plan.Outcome.FAILED, dev.happypath.rebalancer.plan.MoveCode.API_ERROR, List.of("boom"))).toList();
            report = dev.happypath.rebalancer.report.ReportBuilder.build(false, scenario.now(), "run2", happyPath, snapshot,
                    decision.comparison(), decision.gate(), failed, false);
            assertThat(events.publish(report, failed, "me", scenario.now())).isEqualTo(3);
            Event summary = events(c).stream().filter(e -> e.getInvolvedObject().getName().equals("rebalancer-29384-x"))
                    .findFirst().orElseThrow();
            assertThat(summary.getMetadata().getNamespace()).isEqualTo("happypath-rebalancer");
            assertThat(summary.getInvolvedObject().getUid()).isEqualTo("uid-1");
            assertThat(summary.getType()).isEqualTo("Warning");
            assertThat(summary.getReason()).isEqualTo("PassFailed");
            assertThat(summary.getMessage()).startsWith("pass run2: 1 FAILED, drift remains");
            assertThat(summary.getReportingInstance()).isEqualTo("me");
        }
    }
}
