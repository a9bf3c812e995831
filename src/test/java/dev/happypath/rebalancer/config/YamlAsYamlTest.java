package dev.happypath.rebalancer.config;

import dev.happypath.rebalancer.InvalidInputException;
import dev.happypath.rebalancer.cluster.LedgerFile;
import dev.happypath.rebalancer.cluster.SnapshotFile;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.PodState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Valid YAML is read as YAML wherever the rebalancer reads YAML: an alias is its anchor's value (not its
 * name), a merge key adds the merged keys, and an alias bomb is refused in one line naming the file.
 */
class YamlAsYamlTest {

    private static final String HEAD = """
            apiVersion: happypath.dev/v1alpha1
            kind: RebalancerConfig
            nodes:
              workers: { selector: { matchExpressions: [ { key: role, operator: In, values: &roles [infra, apps] } ] } }
              lifeboats: { selector: { matchExpressions: [ { key: node-role.kubernetes.io/control-plane, operator: Exists } ] } }
            """;

    @TempDir
    Path dir;

    private static HappyPath config(String yaml) {
        return HappyPathLoader.parse("aliases.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anAliasedNamespaceIsTheNamespaceAndTheSeparationRuleHolds() {
        HappyPath hp = config(HEAD + """
                workloads:
                  - { name: prometheus, namespace: &obs observability, selector: { matchLabels: { app: prometheus } }, home: any-worker }
                  - { name: loki, namespace: *obs, selector: { matchLabels: { app: loki } }, home: any-worker }
                separations:
                  - { name: metrics-apart-from-logs, workloads: [prometheus, loki] }
                """);
        assertThat(hp.rule("loki").orElseThrow().namespace()).isEqualTo("observability");
        assertThat(hp.separations()).singleElement().satisfies(s -> assertThat(s.second()).isEqualTo("loki"));
    }

    @Test
    void anAliasedMapListAndNumberAreTheirValues() {
        HappyPath hp = config(HEAD + """
                workloads:
                  - { name: loki, namespace: observability, selector: &loki { matchLabels: { app: loki } }, home: any-worker }
                  - { name: loki-canary, namespace: canary, selector: *loki, home: { worker: { matchExpressions: [ { key: role, operator: In, values: *roles } ] } } }
                eviction: { maxPerRun: &three 3, maxPerNode: *three }
                """);
        assertThat(hp.rule("loki-canary").orElseThrow().selector()).isEqualTo(hp.rule("loki").orElseThrow().selector());
        assertThat(hp.rule("loki-canary").orElseThrow().home().toString()).contains("infra").contains("apps");
        assertThat(hp.eviction().maxPerRun()).isEqualTo(3);
        assertThat(hp.eviction().maxPerNode()).isEqualTo(3);
    }

    @Test
    void aMergeKeyAddsTheKeysTheMappingDoesNotSet() {
        HappyPath hp = config(HEAD + """
                workloads:
                  - &base { name: grafana, namespace: observability, selector: { matchLabels: { app: grafana } }, home: any-worker }
                  - { <<: *base, name: pyrra, selector: { matchLabels: { app: pyrra } } }
                  - <<: [ { home: control-plane }, *base ]
                    name: vault
                    selector: { matchLabels: { app: vault } }
                """);
        WorkloadRule pyrra = hp.rule("pyrra").orElseThrow();
        assertThat(pyrra.namespace()).isEqualTo("observability");
        assertThat(pyrra.home()).isEqualTo(Home.ANY_WORKER);
        assertThat(pyrra.selector().toString()).contains("pyrra").doesNotContain("grafana");
        WorkloadRule vault = hp.rule("vault").orElseThrow();
        assertThat(vault.home()).as("the first merged mapping that has the key gives it").isEqualTo(Home.CONTROL_PLANE);
        assertThat(vault.namespace()).isEqualTo("observability");
    }

    /** Billion laughs: nine levels, each aliasing the one before nine times (387 million "lol"s). */
    static String aliasBomb() {
        StringBuilder b = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char c = 'b'; c <= 'i'; c++) {
            char p = (char) (c - 1);
            b.append(c).append(": &").append(c).append(" [").append(String.join(",", java.util.Collections.nCopies(9, "*" + p))).append("]\n");
        }
        return b.toString();
    }

    @Test
    void anAliasBombIsRefusedInOneLineNamingTheFile() throws IOException {
        String bomb = aliasBomb();
        assertThatThrownBy(() -> config(bomb)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("aliases.yaml")
                .hasMessageContaining("aliases stand for more than 1000000 values").hasMessageNotContaining("\n");

        Path dump = Files.writeString(dir.resolve("bomb-dump.yaml"), bomb + "apiVersion: v1\nkind: List\nitems: []\n");
        assertThatThrownBy(() -> SnapshotFile.read(dump, Instant.EPOCH)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(dump.toString()).hasMessageContaining("alias bomb").hasMessageNotContaining("\n");

        Path ledger = Files.writeString(dir.resolve("bomb-ledger.yaml"), bomb);
        assertThatThrownBy(() -> LedgerFile.read(ledger)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(ledger.toString()).hasMessageContaining("alias bomb").hasMessageNotContaining("\n");
    }

    @Test
    void anAliasToNoAnchorIsRefusedSayingSo() {
        assertThatThrownBy(() -> config(HEAD + """
                workloads:
                  - { name: loki, namespace: *obs, home: any-worker }
                """)).isInstanceOf(InvalidInputException.class).hasMessageContaining("the alias *obs refers to no anchor &obs before it");
    }

    /** A dump whose pods name their node through an alias sets the pods on that node, not on one called "a1". */
    @Test
    void aDumpsAliasedNodeNamesAreTheNodes() throws IOException {
        Path original = Path.of("config/examples/idp-colocated.yaml");
        String text = Files.readString(original);
        String node = "k3d-idp-demo-agent-1";
        int first = text.indexOf("nodeName: " + node);
        assertThat(first).isPositive();
        String aliased = text.substring(0, first) + "nodeName: &a1 " + node
                + text.substring(first + ("nodeName: " + node).length()).replace("nodeName: " + node, "nodeName: *a1");
        assertThat(aliased).contains("nodeName: *a1");
        Path dump = Files.writeString(dir.resolve("aliased.yaml"), aliased);

        ClusterSnapshot expected = SnapshotFile.read(original, Instant.EPOCH);
        ClusterSnapshot read = SnapshotFile.read(dump, Instant.EPOCH);

        assertThat(onNodes(read)).isEqualTo(onNodes(expected)).containsKey(node).doesNotContainKey("a1");
    }

    @Test
    void aDumpsMergeKeyAddsItsLabels() throws IOException {
        Path dump = Files.writeString(dir.resolve("merge.yaml"), """
                apiVersion: v1
                kind: List
                items:
                - apiVersion: v1
                  kind: Node
                  metadata: { name: n1, labels: &common { role: infra, zone: a } }
                  status: { conditions: [ { type: Ready, status: "True" } ] }
                - apiVersion: v1
                  kind: Node
                  metadata:
                    name: n2
                    labels: { <<: *common, role: apps }
                  status: { conditions: [ { type: Ready, status: "True" } ] }
                """);
        ClusterSnapshot read = SnapshotFile.read(dump, Instant.EPOCH);
        assertThat(read.nodes()).filteredOn(n -> n.name().equals("n2")).singleElement()
                .satisfies(n -> assertThat(n.labels()).isEqualTo(Map.of("role", "apps", "zone", "a")));
    }

    @Test
    void aLedgerConfigMapsAliasedDataIsTheLedger() throws IOException {
        Path file = Files.writeString(dir.resolve("ledger.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: happypath-rebalancer-ledger
                  annotations: { last-applied: &ledger '{"version":1,"workloads":{"argocd/ReplicaSet/a":{"moves":["2026-11-21T09:00:00Z"],"last":{"at":"2026-11-21T09:00:00Z","pod":"a-1","from":"s","target":"w","landedOn":"w","landedHome":true,"spec":"x","nodes":"y"}}}}' }
                data:
                  ledger.json: *ledger
                """);
        assertThat(LedgerFile.read(file).toJson()).contains("argocd/ReplicaSet/a").contains("2026-11-21T09:00:00Z");
    }

    private static Map<String, List<String>> onNodes(ClusterSnapshot s) {
        return s.pods().stream().filter(PodState::isBound)
                .collect(Collectors.groupingBy(PodState::nodeName, java.util.TreeMap::new,
                        Collectors.mapping(PodState::name, Collectors.toList())));
    }
}
