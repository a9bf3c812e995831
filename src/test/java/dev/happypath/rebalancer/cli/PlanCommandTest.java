package dev.happypath.rebalancer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.happypath.rebalancer.execute.Sleeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** The plan command end to end, and the exit codes and messages every command shares. */
class PlanCommandTest {

    static final String NOW = "2026-11-21T10:00:00Z";

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out);
        }
    }

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new Cli(new PrintWriter(out, true), new PrintWriter(err, true),
                Clock.fixed(Instant.parse(NOW), ZoneOffset.UTC), Sleeper.REAL, null).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static String example(String name) {
        return "config/examples/" + name + ".yaml";
    }

    @Test
    void theTableSaysTheStateTheGateTheStraysAndTheMoves() {
        Run r = cli("plan", "--snapshot", example("idp-lifeboat-after-recovery"), "--now", NOW);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Cluster state: RECOVERING", "Gate: OPEN", "LIFEBOATED  argocd/argocd-application-controller-0",
                "1. PLANNED  argocd/argocd-application-controller-0  server-0 -> agent-0  [LIFEBOATED]",
                "Summary: 3 PLANNED, 2 DEFERRED; drift remains");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void theJsonReportKeepsTheContract() throws Exception {
        Run r = cli("plan", "--snapshot", example("idp-colocated"), "--now", NOW, "-o", "json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = r.json();
        assertThat(j.get("schemaVersion").asInt()).isEqualTo(2);
        assertThat(j.get("mode").asText()).isEqualTo("dry-run");
        assertThat(j.get("generatedAt").asText()).isEqualTo(NOW);
        assertThat(j.get("clusterState").asText()).isEqualTo("RECOVERING");
        assertThat(j.get("gate").get("open").asBoolean()).isTrue();
        assertThat(j.get("gate").get("reasons").isArray()).isTrue();
        JsonNode placement = j.get("placements").get(0);
        for (String field : new String[]{"namespace", "pod", "workload", "node", "status", "home"}) {
            assertThat(placement.has(field)).as("placement has " + field).isTrue();
        }
        // homeNodes for the pods off their Happy Path only: a HAPPY pod is on one already
        int strays = 0;
        for (JsonNode p : j.get("placements")) {
            boolean happy = p.get("status").asText().equals("HAPPY");
            assertThat(p.has("homeNodes")).as("%s (%s) lists its home's nodes", p.get("pod"), p.get("status")).isEqualTo(!happy);
            strays += happy ? 0 : 1;
        }
        assertThat(strays).as("the example has pods off their Happy Path").isPositive();
        assertThat(j.get("placements").size()).as("and HAPPY ones").isGreaterThan(strays);
        JsonNode prometheus = null;
        JsonNode controller = null;
        for (JsonNode m : j.get("moves")) {
            for (String field : new String[]{"namespace", "pod", "workload", "from", "reason", "outcome", "code", "detail"}) {
                assertThat(m.has(field)).as("move has " + field).isTrue();
            }
            if (m.get("pod").asText().startsWith("prometheus")) {
                prometheus = m;
            }
            if (m.get("pod").asText().startsWith("argocd-application-controller")) {
                controller = m;
            }
        }
        assertThat(prometheus).isNotNull();
        assertThat(prometheus.get("workload").asText()).isEqualTo("StatefulSet/prometheus-kube-prometheus-stack-prometheus");
        assertThat(prometheus.get("from").asText()).isEqualTo("k3d-idp-demo-agent-1");
        assertThat(prometheus.get("reason").asText()).isEqualTo("COLOCATED");
        // ArgoCD's three moves onto agent-0 use up eviction.maxPerNode there (targets count): Prometheus waits
        assertThat(prometheus.get("outcome").asText()).isEqualTo("DEFERRED");
        assertThat(prometheus.get("code").asText()).isEqualTo("LIMIT_REACHED");
        assertThat(controller).isNotNull();
        assertThat(controller.get("to").asText()).isEqualTo("k3d-idp-demo-agent-0");
        assertThat(controller.get("outcome").asText()).isEqualTo("PLANNED");
    }

    @Test
    void yamlCarriesTheSameReport() throws Exception {
        Run json = cli("plan", "--snapshot", example("idp-pdb-blocked"), "--now", NOW, "-o", "json");
        Run yaml = cli("plan", "--snapshot", example("idp-pdb-blocked"), "--now", NOW, "-o", "yaml");
        JsonNode a = json.json();
        JsonNode b = new YAMLMapper().readTree(yaml.out());
        // runId differs between runs; everything else is the same
        ((com.fasterxml.jackson.databind.node.ObjectNode) a).remove("runId");
        ((com.fasterxml.jackson.databind.node.ObjectNode) b).remove("runId");
        assertThat(b).isEqualTo(a);
    }

    @ParameterizedTest(name = "{0} with --fail-on-drift exits {1}")
    @CsvSource({"idp-green, 0", "idp-lifeboat-after-recovery, 3", "idp-pv-pinned, 3"})
    void failOnDrift(String example, int code) {
        Run r = cli("plan", "--snapshot", example(example), "--now", NOW, "--fail-on-drift");
        assertThat(r.code()).as(r.err()).isEqualTo(code);
        if (code == 3) {
            assertThat(r.err()).contains("drift remains");
        }
    }

    @Test
    void theReportCanGoToAFile() throws Exception {
        Path file = dir.resolve("report.json");
        Run r = cli("plan", "--snapshot", example("idp-green"), "--now", NOW, "-o", "json", "--report-file", file.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(new ObjectMapper().readTree(file.toFile()).get("clusterState").asText()).isEqualTo("GREEN");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no command | | a command is required",
            "unknown option | plan --snapshot x.yaml --frobnicate | Unknown option: '--frobnicate'",
            "missing snapshot option | plan | Missing required option: '--snapshot=FILE'",
            "bad output format | plan --snapshot config/examples/idp-green.yaml -o xml | Invalid value for option '--output'",
            "bad --now | plan --snapshot config/examples/idp-green.yaml --now yesterday | --now: expected an RFC 3339 time such as 2026-11-21T10:00:00Z, got 'yesterday'",
            "missing snapshot | plan --snapshot nope.yaml | nope.yaml: no such file",
            "missing config | plan --snapshot config/examples/idp-green.yaml --config nope.yaml | nope.yaml: no such file",
            "report dir missing | plan --snapshot config/examples/idp-green.yaml --report-file /no/such/dir/r.json | --report-file: directory /no/such/dir does not exist",
            "broken config | plan --snapshot config/examples/idp-green.yaml --config src/test/resources/broken/unknown-key.yaml | src/test/resources/broken/unknown-key.yaml: eviction.maxPerRunn: unknown key",
            "config not fitting the cluster | plan --snapshot config/examples/idp-green.yaml --config src/test/resources/broken/no-such-workers.yaml | nodes.workers.selector: matches no worker among the cluster's nodes (k3d-idp-demo-server-0",
            "home matching no node | plan --snapshot config/examples/idp-green.yaml --config src/test/resources/broken/home-nowhere.yaml | workloads[0].home: 'worker role=gpu' matches none of the cluster's nodes",
            "no lifeboat in the cluster | plan --snapshot config/examples/idp-green.yaml --config src/test/resources/broken/no-lifeboat.yaml | nodes.lifeboats: matches none of the cluster's nodes",
    })
    void invalidInputExitsTwoWithOneClearMessageAndNoStackTrace(String name, String args, String message) {
        Run r = cli(args == null ? new String[0] : args.split(" "));
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(r.err()).contains(message);
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void helpAndVersionExitZero() {
        assertThat(cli("--help").code()).isZero();
        assertThat(cli("--version").out()).contains("happypath-rebalancer");
        assertThat(cli("plan", "--help").out()).contains("--snapshot", "--now", "--config", "--output", "--report-file", "--fail-on-drift");
    }

    @Test
    void explainShowsEveryNodesFilterVerdictsAndPluginScores() throws Exception {
        Run table = cli("plan", "--snapshot", example("idp-colocated"), "--now", NOW, "--explain");
        assertThat(table.code()).as(table.err()).isZero();
        assertThat(table.out()).contains("NODE", "Taint", "NodeAff", "Resources", "Spread", "PodAff", "Balanced", "Image", "TOTAL")
                .contains("server-0: filtered out\n", "TaintToleration: untolerated taint node-role.kubernetes.io/control-plane:NoSchedule");
        Run wide = cli("plan", "--snapshot", example("idp-colocated"), "--now", NOW, "--explain", "-o", "wide");
        assertThat(wide.out()).contains("NODE", "FILTERS", "TOTAL")
                .contains("k3d-idp-demo-server-0  TaintToleration: untolerated taint node-role.kubernetes.io/control-plane:NoSchedule");

        JsonNode json = cli("plan", "--snapshot", example("idp-colocated"), "--now", NOW, "--explain", "-o", "json").json();
        JsonNode first = json.get("moves").get(0);
        assertThat(first.get("pod").asText()).isEqualTo("argocd-application-controller-0");
        JsonNode prediction = first.get("prediction");
        assertThat(prediction.get("node").asText()).isEqualTo("k3d-idp-demo-agent-0");
        assertThat(prediction.get("scores").get("k3d-idp-demo-agent-0").asLong())
                .isGreaterThan(prediction.get("scores").get("k3d-idp-demo-server-0").asLong());
        JsonNode refused = prediction.get("rejected").get("k3d-idp-demo-agent-1").get(0);
        assertThat(refused.get("filter").asText()).isEqualTo("NodeResourcesFit");
        assertThat(refused.get("reason").asText()).startsWith("insufficient memory");
        JsonNode plugins = prediction.get("plugins").get("k3d-idp-demo-agent-0");
        long sum = 0;
        for (String plugin : new String[]{"TaintToleration", "NodeAffinity", "NodeResourcesFit", "PodTopologySpread", "InterPodAffinity",
                "NodeResourcesBalancedAllocation"}) {
            assertThat(plugins.has(plugin)).as(plugin).isTrue();
            sum += plugins.get(plugin).asLong();
        }
        assertThat(sum).isEqualTo(prediction.get("scores").get("k3d-idp-demo-agent-0").asLong());
        assertThat(plugins.get("NodeAffinity").asLong()).as("ArgoCD prefers the workers: 100 x 2").isEqualTo(200);

        JsonNode plain = cli("plan", "--snapshot", example("idp-colocated"), "--now", NOW, "-o", "json").json();
        assertThat(plain.get("moves").get(0).get("prediction").has("plugins")).as("per-plugin scores only with --explain").isFalse();
    }

    @Test
    void aLargeClustersSampledPredictionCarriesNoScoresAndSaysWhy() throws Exception {
        // 121 nodes: the scheduler samples (scenarios/large-cluster-sampling.yaml explains the case)
        var scenario = dev.happypath.rebalancer.testing.Scenario.load(Path.of("src/test/resources/scenarios/large-cluster-sampling.yaml"));
        Path dump = dir.resolve("large.json");
        Files.writeString(dump, new ObjectMapper().writeValueAsString(scenario.kubectlList()));
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, new YAMLMapper().readTree(Path.of("src/test/resources/scenarios/large-cluster-sampling.yaml").toFile())
                .get("config").asText());

        JsonNode json = cli("plan", "--snapshot", dump.toString(), "--config", config.toString(), "--now", NOW, "--explain", "-o", "json").json();
        JsonNode api = null;
        for (JsonNode m : json.get("moves")) {
            api = m.get("pod").asText().equals("api-0") ? m : api;
        }
        assertThat(api).isNotNull();
        assertThat(api.get("outcome").asText()).isEqualTo("SKIPPED");
        JsonNode prediction = api.get("prediction");
        assertThat(prediction.get("uncertain").asText()).contains("scores only a sample of 100 feasible nodes");
        assertThat(prediction.has("scores")).as("no scores where the scheduler samples").isFalse();
        assertThat(prediction.has("plugins")).as("nor per-plugin scores, even with --explain").isFalse();

        Run table = cli("plan", "--snapshot", dump.toString(), "--config", config.toString(), "--now", NOW, "--explain");
        assertThat(table.code()).as(table.err()).isZero();
        // web-0 goes ahead, so its feasible nodes are scored to count it on one; api-0's are not
        String api0 = table.out().substring(table.out().indexOf("SKIPPED  team-b/api-0"));
        assertThat(api0).contains("scheduler: uncertain (the cluster is large enough (121 nodes)")
                .doesNotContain("TOTAL").doesNotContain("; scores ");
        assertThat(table.out().substring(0, table.out().indexOf("SKIPPED  team-b/api-0"))).contains("; scores a-00 661", "TOTAL");
    }

    @Test
    void adviceThePredictionShowsNotToWorkIsPrintedCommentedOut() throws Exception {
        // api-0's scheduler choice is uncertain (121 nodes: sampled), so no preference can be verified
        var scenario = dev.happypath.rebalancer.testing.Scenario.load(Path.of("src/test/resources/scenarios/large-cluster-sampling.yaml"));
        Path dump = dir.resolve("large.json");
        Files.writeString(dump, new ObjectMapper().writeValueAsString(scenario.kubectlList()));
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, new YAMLMapper().readTree(Path.of("src/test/resources/scenarios/large-cluster-sampling.yaml").toFile())
                .get("config").asText());

        JsonNode json = cli("advise", "--snapshot", dump.toString(), "--config", config.toString(), "-o", "json").json();
        JsonNode api = null;
        for (JsonNode a : json.get("advice")) {
            api = a.get("workload").asText().contains("api-0") ? a : api;
        }
        assertThat(api).isNotNull();
        assertThat(api.get("verified").asBoolean()).isFalse();
        String snippet = api.get("snippet").asText();
        assertThat(snippet).isNotBlank();

        for (String[] command : new String[][] {{"advise", "--snapshot", dump.toString(), "--config", config.toString()},
                {"plan", "--snapshot", dump.toString(), "--config", config.toString(), "--now", NOW}}) {
            String out = cli(command).out();
            assertThat(out).as(command[0]).contains("NOT verified", "# tried, and the prediction says it does not work:");
            for (String line : snippet.split("\n")) {
                if (!line.isBlank()) {
                    assertThat(out).as(command[0]).contains("# " + line).doesNotContain("\n  " + line + "\n").doesNotContain("\n    " + line + "\n");
                }
            }
        }
    }

    @Test
    void adviseSaysHowToMakeTheHappyPathSelfHealing() throws Exception {
        Path snapshot = dir.resolve("advice.json");
        Files.writeString(snapshot, dev.happypath.rebalancer.testing.Scenario.load(Path.of("src/test/resources/scenarios/advice.yaml"))
                .kubectlList().toString());
        Run table = cli("advise", "--snapshot", snapshot.toString());
        assertThat(table.code()).as(table.err()).isZero();
        assertThat(table.out()).contains("team-a/ReplicaSet/api-1-rs  [PREFER_NO_SCHEDULE_TAINT, verified]",
                "kubectl taint nodes k3d-idp-demo-server-0 node-role.kubernetes.io/control-plane:PreferNoSchedule",
                "observability/ReplicaSet/grafana-1-rs  [PREFERRED_NODE_AFFINITY, verified]");
        JsonNode json = cli("advise", "--snapshot", snapshot.toString(), "-o", "json").json();
        assertThat(json.get("advice")).hasSize(2);

        // the pass's report carries the advice for what it could not move
        JsonNode report = cli("plan", "--snapshot", snapshot.toString(), "--now", NOW, "-o", "json").json();
        assertThat(report.get("advice")).extracting(a -> a.get("workload").asText())
                .containsExactlyInAnyOrder("team-a/ReplicaSet/api-1-rs", "observability/ReplicaSet/grafana-1-rs");
        assertThat(cli("plan", "--snapshot", snapshot.toString(), "--now", NOW).out()).contains("Advice: make the Happy Path self-healing");
    }

    @Test
    void aLedgerFileReplaysTheMemoryOfPastMoves() throws Exception {
        Path ledger = dir.resolve("ledger.yaml");
        Files.writeString(ledger, """
                apiVersion: v1
                kind: ConfigMap
                metadata: { name: happypath-rebalancer-ledger, namespace: happypath-rebalancer }
                data:
                  ledger.json: |
                    {"version": 1, "workloads": {"argocd/StatefulSet/argocd-application-controller": {"moves": ["2026-11-21T09:30:00Z"],
                      "last": {"at": "2026-11-21T09:30:00Z", "pod": "argocd/argocd-application-controller-0", "from": "k3d-idp-demo-server-0",
                      "target": "k3d-idp-demo-agent-0", "landedOn": "k3d-idp-demo-agent-0", "landedHome": true, "spec": "s", "nodes": "n"}}}}
                """);
        JsonNode json = cli("plan", "--snapshot", example("idp-lifeboat-after-recovery"), "--now", NOW, "--ledger", ledger.toString(), "-o", "json").json();
        JsonNode controller = null;
        for (JsonNode m : json.get("moves")) {
            if (m.get("pod").asText().equals("argocd-application-controller-0")) {
                controller = m;
            }
        }
        assertThat(controller.get("outcome").asText()).isEqualTo("DEFERRED");
        assertThat(controller.get("detail").asText()).contains("cooldown: moved 30m ago");

        Run broken = cli("plan", "--snapshot", example("idp-green"), "--ledger", dir.resolve("none.yaml").toString());
        assertThat(broken.code()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(broken.err()).contains("--ledger: no such file");
    }
}
