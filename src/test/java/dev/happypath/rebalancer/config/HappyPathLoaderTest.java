package dev.happypath.rebalancer.config;

import dev.happypath.rebalancer.InvalidInputException;
import dev.happypath.rebalancer.snapshot.Taint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class HappyPathLoaderTest {

    private static final String HEAD = """
            apiVersion: happypath.dev/v1alpha1
            kind: RebalancerConfig
            nodes:
              workers: { selector: { matchLabels: { role: apps } } }
              lifeboats: { selector: { matchExpressions: [ { key: node-role.kubernetes.io/control-plane, operator: Exists } ] } }
            """;
    private static final String WORKLOADS = """
            workloads:
              - { name: loki, namespace: observability, selector: { matchLabels: { app: loki } }, home: any-worker }
            """;

    @Test
    void theBuiltInHappyPathIsTheIdpBlueprints() throws Exception {
        HappyPath hp = HappyPathLoader.loadBuiltIn();
        assertThat(hp.source()).isEqualTo("(built-in) rebalancer.yaml");
        assertThat(hp.workloads()).extracting(WorkloadRule::name).contains("prometheus", "loki", "alertmanager", "kube-state-metrics",
                "pyrra", "prometheus-operator", "grafana", "sonarqube", "sonarqube-postgresql", "argo-workflows", "argocd", "vault",
                "cert-manager", "external-secrets", "trivy-operator", "argo-events-controller");
        assertThat(hp.rule("prometheus").orElseThrow().home().toString()).isEqualTo("worker role=infra");
        assertThat(hp.rule("loki").orElseThrow().home().toString()).isEqualTo("worker role=apps");
        assertThat(hp.rule("argocd").orElseThrow().home()).isEqualTo(Home.ANY_WORKER);
        assertThat(hp.rule("vault").orElseThrow().home()).isEqualTo(Home.CONTROL_PLANE);
        assertThat(hp.separations()).singleElement().satisfies(s -> {
            assertThat(s.first()).isEqualTo("prometheus");
            assertThat(s.second()).isEqualTo("loki");
        });
        assertThat(hp.stableFor()).isEqualTo(Duration.ofMinutes(5));
        assertThat(hp.eviction().maxUtilization()).isEqualTo(0.80);
        assertThat(hp.eviction().pdbTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(hp.eviction().readyTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(hp.nodes().lifeboatTaints()).singleElement()
                .isEqualTo(new TaintPattern("CriticalAddonsOnly", "true", Taint.Effect.NoSchedule));
        // the built-in copy is the very file in config/
        HappyPath file = HappyPathLoader.load(Path.of("config/rebalancer.yaml"));
        assertThat(file.workloads()).isEqualTo(hp.workloads());
        assertThat(file.eviction()).isEqualTo(hp.eviction());
    }

    @Test
    void defaultsApplyWhenOptionalSectionsAreLeftOut() {
        HappyPath hp = HappyPathLoader.parse("min.yaml", (HEAD + WORKLOADS).getBytes(StandardCharsets.UTF_8));
        assertThat(hp.stableFor()).isEqualTo(Duration.ofMinutes(5));
        assertThat(hp.eviction().maxPerRun()).isEqualTo(5);
        assertThat(hp.eviction().controllerKinds()).containsExactlyInAnyOrder("ReplicaSet", "StatefulSet", "ReplicationController");
        assertThat(hp.ignoreNamespaces()).containsExactly("kube-system");
        assertThat(hp.separations()).isEmpty();
        assertThat(hp.eviction().allowDowntime()).as("eviction.allowDowntime defaults to true").isTrue();
        assertThat(hp.rule("loki").orElseThrow().localData()).as("localData defaults to keep").isEqualTo(WorkloadRule.LocalData.KEEP);
        assertThat(hp.rule("loki").orElseThrow().allowDowntime()).as("no rule-level allowDowntime: the global one decides").isNull();
    }

    /** docs/configuration.md lists `0` among the durations: YAML reads it as a number, and it means none. */
    @Test
    void aBareZeroIsADuration() {
        HappyPath hp = HappyPathLoader.parse("zero.yaml", (HEAD + WORKLOADS + """
                antiFlap: { cooldown: 0 }
                """).getBytes(StandardCharsets.UTF_8));
        assertThat(hp.antiFlap().cooldown()).isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> HappyPathLoader.parse("one.yaml", (HEAD + WORKLOADS + """
                antiFlap: { cooldown: 1 }
                """).getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("antiFlap.cooldown").hasMessageContaining("expected a duration such as 30s, 5m or 1h");
    }

    @Test
    void localDataAndAllowDowntimeAreReadPerRuleAndGlobally() {
        HappyPath hp = HappyPathLoader.parse("keys.yaml", (HEAD + """
                workloads:
                  - { name: loki, namespace: observability, home: any-worker, localData: discard, allowDowntime: true }
                  - { name: tempo, namespace: tracing, home: any-worker, localData: keep, allowDowntime: false }
                eviction: { allowDowntime: false }
                """).getBytes(StandardCharsets.UTF_8));
        assertThat(hp.eviction().allowDowntime()).isFalse();
        assertThat(hp.rule("loki").orElseThrow().localData()).isEqualTo(WorkloadRule.LocalData.DISCARD);
        assertThat(hp.rule("loki").orElseThrow().allowDowntime()).isTrue();
        assertThat(hp.rule("tempo").orElseThrow().localData()).isEqualTo(WorkloadRule.LocalData.KEEP);
        assertThat(hp.rule("tempo").orElseThrow().allowDowntime()).isFalse();
    }

    @Test
    void aMissingFileIsInvalidInput() {
        assertThatThrownBy(() -> HappyPathLoader.load(Path.of("does/not/exist.yaml")))
                .isInstanceOf(InvalidInputException.class).hasMessage("does/not/exist.yaml: no such file");
    }

    @Test
    void nonUtf8BytesAreRefused(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.write(file, new byte[]{'a', 'p', 'i', ':', ' ', (byte) 0xC3, (byte) 0x28, '\n'});
        assertThatThrownBy(() -> HappyPathLoader.load(file)).isInstanceOf(InvalidInputException.class)
                .hasMessage(file + ": line 1: is not valid UTF-8 text (byte 6 of the file)");
    }

    static Stream<Arguments> broken() {
        return Stream.of(
                arguments("empty file", "", "bad.yaml: is empty; expected a RebalancerConfig"),
                arguments("truncated YAML", HEAD + "workloads:\n  - { name: loki, namespace: [", "bad.yaml: line 7, column 31: is not valid YAML: while parsing a flow node; expected the node content"),
                arguments("two documents", HEAD + WORKLOADS + "---\nkind: x\n", "holds more than one YAML document"),
                arguments("wrong apiVersion", HEAD.replace("v1alpha1", "v2") + WORKLOADS,
                        "bad.yaml: apiVersion: expected happypath.dev/v1alpha1, got 'happypath.dev/v2'"),
                arguments("unknown top-level key", HEAD + WORKLOADS + "evictions: {}\n",
                        "bad.yaml: evictions: unknown key (allowed here: antiFlap, apiVersion, eviction, gate, ignoreNamespaces, kind, nodes, scheduler, separations, workloads)"),
                arguments("unknown nested key", HEAD + WORKLOADS + "gate: { stableFour: 5m }\n", "bad.yaml: gate.stableFour: unknown key (allowed here: stableFor)"),
                arguments("duplicate key", HEAD + WORKLOADS + "gate: { stableFor: 5m, stableFor: 6m }\n", "Duplicate field 'stableFor'"),
                arguments("wrong type", HEAD + WORKLOADS + "eviction: { maxPerRun: five }\n",
                        "bad.yaml: eviction.maxPerRun: expected a whole number, got the string 'five'"),
                arguments("out of range", HEAD + WORKLOADS + "eviction: { maxUtilization: 1.5 }\n",
                        "bad.yaml: eviction.maxUtilization: must be between 0.01 and 1.0, got 1.5"),
                arguments("negative duration", HEAD + WORKLOADS + "gate: { stableFor: -5m }\n",
                        "bad.yaml: gate.stableFor: must not be negative, got -5m"),
                arguments("not a duration", HEAD + WORKLOADS + "gate: { stableFor: 5 minutes }\n",
                        "bad.yaml: gate.stableFor: expected a duration such as 30s, 5m or 1h, got '5 minutes'"),
                arguments("duration too long", HEAD + WORKLOADS + "eviction: { readyTimeout: 3h }\n",
                        "bad.yaml: eviction.readyTimeout: must be between 1s and 1h, got 3h"),
                arguments("missing workloads", HEAD, "bad.yaml: workloads: is required"),
                arguments("no workload", HEAD + "workloads: []\n", "bad.yaml: workloads: must name at least one workload"),
                arguments("empty selector", HEAD + "workloads:\n  - { name: loki, namespace: o, selector: {}, home: any-worker }\n",
                        "bad.yaml: workloads[0].selector: empty selector: it would select everything"),
                arguments("empty worker selector", HEAD.replace("{ selector: { matchLabels: { role: apps } } }", "{ selector: {} }") + WORKLOADS,
                        "bad.yaml: nodes.workers.selector: empty selector"),
                arguments("In without values", HEAD + "workloads:\n  - { name: l, namespace: o, selector: { matchExpressions: [ { key: a, operator: In, values: [] } ] }, home: any-worker }\n",
                        "bad.yaml: workloads[0].selector.matchExpressions[0].values: In needs at least one value"),
                arguments("bad operator", HEAD + "workloads:\n  - { name: l, namespace: o, selector: { matchExpressions: [ { key: a, operator: Equals, values: [x] } ] }, home: any-worker }\n",
                        "bad.yaml: workloads[0].selector.matchExpressions[0].operator: expected In, NotIn, Exists or DoesNotExist, got 'Equals'"),
                arguments("unquoted boolean label", HEAD + "workloads:\n  - { name: l, namespace: o, selector: { matchLabels: { enabled: true } }, home: any-worker }\n",
                        "bad.yaml: workloads[0].selector.matchLabels.enabled: expected a string, got the boolean true (quote it: \"true\")"),
                arguments("bad home", HEAD + "workloads:\n  - { name: l, namespace: o, home: anywhere }\n",
                        "bad.yaml: workloads[0].home: expected 'any-worker', 'control-plane' or a map {worker: <label selector>}, got 'anywhere'"),
                arguments("duplicate name", HEAD + WORKLOADS + "  - { name: loki, namespace: other, home: any-worker }\n",
                        "bad.yaml: workloads[1].name: duplicate workload name 'loki' (first used at workloads[0])"),
                arguments("duplicate rule", HEAD + WORKLOADS + "  - { name: loki2, namespace: observability, selector: { matchLabels: { app: loki } }, home: control-plane }\n",
                        "bad.yaml: workloads[1]: selects exactly the same pods as workloads[0]"),
                arguments("separation of unknown workload", HEAD + WORKLOADS + "separations: [ { workloads: [loki, prometheus] } ]\n",
                        "bad.yaml: separations[0].workloads[1]: no workload rule is named 'prometheus' (known: loki)"),
                arguments("separation of one", HEAD + WORKLOADS + "separations: [ { workloads: [loki] } ]\n",
                        "bad.yaml: separations[0].workloads: expected exactly two different workload names, got [loki]"),
                arguments("lifeboats without anything", HEAD.replace("lifeboats: { selector: { matchExpressions: [ { key: node-role.kubernetes.io/control-plane, operator: Exists } ] } }", "lifeboats: {}") + WORKLOADS,
                        "bad.yaml: nodes.lifeboats: give a selector, taints, or both"),
                arguments("bad taint effect", HEAD.replace("lifeboats: {", "lifeboats: { taints: [ { key: x, effect: NoScheduling } ],") + WORKLOADS,
                        "bad.yaml: nodes.lifeboats.taints[0].effect: expected NoSchedule, PreferNoSchedule or NoExecute, got 'NoScheduling'"),
                arguments("DaemonSet as controller", HEAD + WORKLOADS + "eviction: { controllerKinds: [ReplicaSet, DaemonSet] }\n",
                        "bad.yaml: eviction.controllerKinds: DaemonSet pods belong to their node"),
                arguments("a list where a map goes", HEAD + WORKLOADS + "gate: [5m]\n", "bad.yaml: gate: expected a map, got a list"),
                arguments("bad localData", HEAD + "workloads:\n  - { name: l, namespace: o, home: any-worker, localData: drop }\n",
                        "bad.yaml: workloads[0].localData: expected 'keep' or 'discard', got 'drop'"),
                arguments("localData not a string", HEAD + "workloads:\n  - { name: l, namespace: o, home: any-worker, localData: true }\n",
                        "bad.yaml: workloads[0].localData: expected 'keep' or 'discard', got the boolean true"),
                arguments("allowDowntime quoted", HEAD + "workloads:\n  - { name: l, namespace: o, home: any-worker, allowDowntime: \"yes\" }\n",
                        "bad.yaml: workloads[0].allowDowntime: expected true or false, got the string 'yes'"),
                arguments("global allowDowntime not a boolean", HEAD + WORKLOADS + "eviction: { allowDowntime: 1 }\n",
                        "bad.yaml: eviction.allowDowntime: expected true or false, got the number 1"),
                arguments("unknown workload key", HEAD + "workloads:\n  - { name: l, namespace: o, home: any-worker, localdata: discard }\n",
                        "bad.yaml: workloads[0].localdata: unknown key (allowed here: allowDowntime, home, localData, name, namespace, selector)"),
                arguments("huge number", HEAD + WORKLOADS + "eviction: { maxPerRun: 99999999999999999999 }\n",
                        "bad.yaml: eviction.maxPerRun: expected a whole number, got the number 99999999999999999999")
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("broken")
    void brokenConfigurationsNameTheFileTheFieldAndWhatWasExpected(String name, String yaml, String message) {
        assertThatThrownBy(() -> HappyPathLoader.parse("bad.yaml", yaml.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(message)
                .hasMessageStartingWith("bad.yaml: ");
    }
}
