package dev.happypath.rebalancer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.happypath.rebalancer.execute.Sleeper;
import dev.happypath.rebalancer.testing.LiveCluster;
import dev.happypath.rebalancer.testing.Scenario;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static dev.happypath.rebalancer.cli.PlanCommandTest.NOW;
import static dev.happypath.rebalancer.cli.PlanCommandTest.cli;
import static dev.happypath.rebalancer.cli.PlanCommandTest.example;
import static dev.happypath.rebalancer.testing.Scenario.AGENT1;
import static dev.happypath.rebalancer.testing.Scenario.SERVER;
import static org.assertj.core.api.Assertions.assertThat;

/** What kubectl users expect: stdin, scoping to some workloads, check, version, completion, "did you mean". */
class ConveniencesTest {

    private static PlanCommandTest.Run withStdin(byte[] stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new Cli(new PrintWriter(out, true), new PrintWriter(err, true), Clock.fixed(Instant.parse(NOW), ZoneOffset.UTC),
                Sleeper.REAL, null).withStdin(new ByteArrayInputStream(stdin)).execute(args);
        return new PlanCommandTest.Run(code, out.toString(), err.toString());
    }

    /** The CLI with its clock a month after the example dumps were taken. */
    private static PlanCommandTest.Run aMonthLater(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new Cli(new PrintWriter(out, true), new PrintWriter(err, true), Clock.fixed(Instant.parse("2026-12-21T10:00:00Z"), ZoneOffset.UTC),
                Sleeper.REAL, null).execute(args);
        return new PlanCommandTest.Run(code, out.toString(), err.toString());
    }

    @ParameterizedTest(name = "{0}: {1}, gate open {2}")
    @CsvSource({"idp-green, GREEN, true", "idp-worker-down, YELLOW, false", "idp-worker-not-stable, RECOVERING, false",
            "idp-lifeboat-after-recovery, RECOVERING, true"})
    void aDumpIsJudgedAsOfWhenItWasTakenAndSaysWhatItsNameSays(String example, String state, boolean open) throws Exception {
        JsonNode json = aMonthLater("plan", "--snapshot", example(example), "-o", "json").json();
        assertThat(json.get("generatedAt").asText()).as("the newest heartbeat in the dump").isEqualTo(NOW);
        assertThat(json.get("clusterState").asText()).isEqualTo(state);
        assertThat(json.get("gate").get("open").asBoolean()).isEqualTo(open);
        String table = aMonthLater("plan", "--snapshot", example(example)).out();
        assertThat(table).contains("as of " + NOW + " (the newest node heartbeat in the dump); --now overrides");
    }

    @Test
    void nowStillOverridesWhenTheDumpWasTaken() throws Exception {
        JsonNode json = aMonthLater("plan", "--snapshot", example("idp-worker-not-stable"), "--now", "2026-11-21T10:04:00Z", "-o", "json").json();
        assertThat(json.get("generatedAt").asText()).isEqualTo("2026-11-21T10:04:00Z");
        assertThat(json.get("gate").get("open").asBoolean()).as("stable for 6m at 10:04").isTrue();
        assertThat(aMonthLater("plan", "--snapshot", example("idp-worker-not-stable"), "--now", "2026-11-21T10:04:00Z").out())
                .doesNotContain("as of");
    }

    @Test
    void aDumpPipedInIsTheSameAsTheFile() throws Exception {
        byte[] dump = Files.readAllBytes(Path.of(example("idp-colocated")));
        JsonNode piped = withStdin(dump, "plan", "--snapshot", "-", "--now", NOW, "-o", "json").json();
        JsonNode file = cli("plan", "--snapshot", example("idp-colocated"), "--now", NOW, "-o", "json").json();
        ((com.fasterxml.jackson.databind.node.ObjectNode) piped).remove("runId");
        ((com.fasterxml.jackson.databind.node.ObjectNode) file).remove("runId");
        assertThat(piped).isEqualTo(file);

        PlanCommandTest.Run empty = withStdin(new byte[0], "plan", "--snapshot", "-", "--now", NOW);
        assertThat(empty.code()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(empty.err()).startsWith("error: <stdin>: is empty; expected the output of kubectl get");
    }

    @Test
    void aRuleRestrictsThePlanAndTheRestIsReportedOutOfScope() throws Exception {
        JsonNode all = cli("plan", "--snapshot", example("idp-colocated"), "--now", NOW, "-o", "json").json();
        JsonNode argocd = cli("plan", "--snapshot", example("idp-colocated"), "--now", NOW, "-o", "json", "--rule", "argocd").json();
        assertThat(argocd.get("moves").size()).as("every stray still reported").isEqualTo(all.get("moves").size());
        int outOfScope = 0;
        for (JsonNode m : argocd.get("moves")) {
            boolean isArgo = m.get("namespace").asText().equals("argocd");
            if (!isArgo) {
                outOfScope++;
                assertThat(m.get("outcome").asText()).isEqualTo("SKIPPED");
                assertThat(m.get("code").asText()).isEqualTo("OUT_OF_SCOPE");
                assertThat(m.get("detail").asText()).startsWith("out of scope: this pass moves only --rule argocd");
            } else {
                assertThat(m.get("code").asText()).isNotEqualTo("OUT_OF_SCOPE");
            }
        }
        assertThat(outOfScope).as("the example has strays of other rules").isPositive();
        // Prometheus was DEFERRED by ArgoCD's moves using up maxPerNode: out of scope now, never PLANNED
        assertThat(argocd.get("moves")).noneMatch(m -> !m.get("namespace").asText().equals("argocd") && m.get("outcome").asText().equals("PLANNED"));

        JsonNode observability = cli("plan", "--snapshot", example("idp-colocated"), "--now", NOW, "-o", "json", "-n", "observability").json();
        long planned = 0;
        for (JsonNode m : observability.get("moves")) {
            if (m.get("namespace").asText().equals("argocd")) {
                assertThat(m.get("code").asText()).isEqualTo("OUT_OF_SCOPE");
            }
            planned += m.get("outcome").asText().equals("PLANNED") && m.get("namespace").asText().equals("observability") ? 1 : 0;
        }
        assertThat(planned).as("without ArgoCD's moves in the pass, the limit leaves room for observability's").isPositive();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "unknown rule | --rule argocdd | --rule: no workload rule named 'argocdd' in (built-in) rebalancer.yaml (its rules: prometheus,",
            "bad namespace | -n Not_A_Namespace | --namespace: expected a namespace name (a DNS label), got 'Not_A_Namespace'",
    })
    void aScopeThatCannotBeIsInvalidInput(String name, String option, String message) {
        String[] args = ("plan --snapshot " + example("idp-colocated") + " " + option).split(" ");
        PlanCommandTest.Run r = cli(args);
        assertThat(r.code()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(r.err()).contains(message).doesNotContain("\tat ");
    }

    /** ArgoCD and Prometheus both lifeboated; a cautious first live run on ArgoCD alone. */
    private static final String TWO_WORKLOADS = """
            config: |
              apiVersion: happypath.dev/v1alpha1
              kind: RebalancerConfig
              nodes:
                workers: { selector: { matchExpressions: [ { key: role, operator: In, values: [infra, apps] } ] } }
                lifeboats: { selector: { matchExpressions: [ { key: node-role.kubernetes.io/control-plane, operator: Exists } ] } }
              workloads:
                - { name: argocd, namespace: argocd, home: any-worker }
                - { name: prometheus, namespace: observability, home: any-worker }
              eviction: { pdbTimeout: 30s, readyTimeout: 2s }
            pods:
              - { ns: argocd, name: a-server, labels: { app: server }, node: k3d-idp-demo-server-0,
                  tolerations: ["node-role.kubernetes.io/control-plane:NoSchedule"] }
              - { ns: observability, name: prometheus, labels: { app: prometheus }, node: k3d-idp-demo-server-0,
                  tolerations: ["node-role.kubernetes.io/control-plane:NoSchedule"] }
            """;

    @Test
    void aLiveRunOnArgoCdAloneEvictsNothingElse() throws Exception {
        Path config = Files.createTempFile("rebalancer-", ".yaml");
        config.toFile().deleteOnExit();
        String yaml = TWO_WORKLOADS.substring(TWO_WORKLOADS.indexOf("|") + 2, TWO_WORKLOADS.indexOf("pods:"))
                .lines().map(l -> l.length() >= 2 ? l.substring(2) : l).reduce("", (a, b) -> a + b + "\n");
        Files.writeString(config, yaml);
        try (LiveCluster c = new LiveCluster(Scenario.parse("two-workloads", TWO_WORKLOADS)).recreateEvicted(p -> AGENT1, true)) {
            LiveCluster.Result r = c.run("run", "--config", config.toString(), "-o", "json", "--rule", "argocd");
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.move("a-server").get("outcome").asText()).isEqualTo("EVICTED");
            assertThat(r.move("prometheus").get("outcome").asText()).isEqualTo("SKIPPED");
            assertThat(r.move("prometheus").get("code").asText()).isEqualTo("OUT_OF_SCOPE");
            assertThat(c.api().dispatcher().requests()).filteredOn(q -> q.path().endsWith("/eviction")).hasSize(1)
                    .allMatch(q -> q.path().contains("/namespaces/argocd/"));
            assertThat(c.api().pod("observability", "prometheus").getSpec().getNodeName()).isEqualTo(SERVER);
        }
    }

    @Test
    void checkValidatesAConfigurationAlone() {
        PlanCommandTest.Run ok = cli("check", "--config", "config/rebalancer.yaml");
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).startsWith("config/rebalancer.yaml: valid (16 workload rule(s)");
        PlanCommandTest.Run bad = cli("check", "--config", "src/test/resources/broken/unknown-key.yaml");
        assertThat(bad.code()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(bad.err()).contains("src/test/resources/broken/unknown-key.yaml: eviction.maxPerRunn: unknown key").doesNotContain("\tat ");
        assertThat(bad.out()).isEmpty();
    }

    @Test
    void versionNamesTheBuildJavaAndFabric8() {
        PlanCommandTest.Run r = cli("version");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("happypath-rebalancer ", "Java " + System.getProperty("java.version"), "fabric8 kubernetes-client 7.8.0");
        assertThat(cli("--version").out()).isEqualTo(r.out());
    }

    @Test
    void completionIsGeneratedFromTheCommands() {
        PlanCommandTest.Run bash = cli("completion", "bash");
        assertThat(bash.code()).isZero();
        assertThat(bash.out()).contains("complete -F", "happypath-rebalancer", "plan", "--snapshot", "--namespace", "--rule");
        PlanCommandTest.Run zsh = cli("completion", "zsh");
        assertThat(zsh.out()).startsWith("autoload -U +X compinit && compinit").contains("bashcompinit");
        assertThat(cli("completion", "fish").code()).isEqualTo(ExitCode.INVALID_INPUT);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a mistyped command | pln | Did you mean: happypath-rebalancer plan",
            "a mistyped option | plan --snapshot x.yaml --explian | Possible solutions: --explain",
    })
    void aMistypeIsAnsweredWithWhatWasMeant(String name, String args, String suggestion) {
        PlanCommandTest.Run r = cli(args.split(" "));
        assertThat(r.code()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(r.err()).contains(suggestion);
    }

    @Test
    void theTopLevelHelpEndsEveryCommandsSummaryOnAWholeSentence() {
        String help = cli("--help").out();
        String commands = help.substring(help.indexOf("Commands:"), help.indexOf("Exit codes:")).strip();
        // each summary (a command's lines, joined) ends a sentence
        for (String summary : commands.substring("Commands:".length()).strip().split("\n  (?=\\S)")) {
            assertThat(summary.replaceAll("\\s+", " ").strip()).as("summary: %s", summary).matches("(?s).*[.)]$");
        }
        assertThat(help).contains("check", "version", "completion");
        // the commands of a pass first, in the order a newcomer meets them; help last
        List<String> names = commands.lines().skip(1)
                .filter(l -> l.matches("  \\S.*")).map(l -> l.strip().split("\\s+")[0]).toList();
        assertThat(names).containsExactly("plan", "run", "daemon", "advise", "init", "check", "version", "completion", "demo", "help");
    }

    /**
     * A command named first is built alone (a CronJob pass need not build every command's model): its help and
     * its answers to mistakes are the same as when every command is built, as "help COMMAND" builds them.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"plan", "run", "daemon", "advise", "init", "check"})
    void aCommandBuiltAloneSaysWhatItSaysAmongTheOthers(String command) {
        assertThat(Cli.BUILT_ALONE).contains(command);
        PlanCommandTest.Run alone = cli(command, "--help");
        PlanCommandTest.Run amongAll = cli("help", command);
        assertThat(alone.code()).isZero();
        assertThat(alone.out()).contains("Usage: happypath-rebalancer " + command).isEqualTo(amongAll.out());
        PlanCommandTest.Run mistyped = cli(command, "--no-such-option");
        assertThat(mistyped.code()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(mistyped.err()).startsWith("error: ").contains("Try 'happypath-rebalancer " + command + " --help' for usage.");
    }
}
