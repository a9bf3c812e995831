package dev.happypath.rebalancer.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.happypath.rebalancer.InvalidInputException;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.Resources;
import dev.happypath.rebalancer.snapshot.Taint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class SnapshotFileTest {

    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    private static final Path GREEN = Path.of("config/examples/idp-green.yaml");

    @TempDir
    Path dir;

    @Test
    void readsAKubectlDumpOfTheIdpBlueprint() {
        ClusterSnapshot s = SnapshotFile.read(GREEN, NOW);
        assertThat(s.nodes()).extracting(n -> n.name())
                .containsExactly("k3d-idp-demo-server-0", "k3d-idp-demo-agent-0", "k3d-idp-demo-agent-1");
        assertThat(s.node("k3d-idp-demo-server-0").orElseThrow().taints())
                .containsExactly(new Taint("node-role.kubernetes.io/control-plane", "", Taint.Effect.NoSchedule));
        assertThat(s.node("k3d-idp-demo-agent-0").orElseThrow().allocatable())
                .isEqualTo(new Resources(4000, 4091904L * 1024, java.util.Map.of("ephemeral-storage", 59536883694L)));
        assertThat(s.pods()).hasSize(45);
        assertThat(s.claims()).hasSize(7);
        assertThat(s.volumes()).hasSize(7);

        PodState argocd = s.pods().stream().filter(p -> p.name().equals("argocd-application-controller-0")).findFirst().orElseThrow();
        assertThat(argocd.requests()).isEqualTo(new Resources(250, 512L << 20));
        assertThat(argocd.priority()).isEqualTo(1_000_000);
        assertThat(argocd.controller().kind()).isEqualTo("StatefulSet");
        assertThat(argocd.affinity().preferredNodeAffinity()).singleElement().satisfies(t -> {
            assertThat(t.weight()).isEqualTo(100);
            assertThat(t.preference().toString()).isEqualTo("role in (infra,apps)");
        });
        PodState repo = s.pods().stream().filter(p -> p.name().startsWith("argocd-repo-server-")).findFirst().orElseThrow();
        assertThat(repo.workload()).isEqualTo("Deployment/argocd-repo-server");
        PodState loki = s.pods().stream().filter(p -> p.name().equals("loki-0")).findFirst().orElseThrow();
        assertThat(loki.claimNames()).containsExactly("storage-loki-0");
        String volume = s.claim("observability", "storage-loki-0").orElseThrow().volumeName();
        assertThat(s.volume(volume).orElseThrow().nodeAffinity().toString()).isEqualTo("kubernetes.io/hostname=k3d-idp-demo-agent-1");
    }

    @Test
    void theJsonDumpReadsTheSameAsTheYamlDump() throws Exception {
        Path json = dir.resolve("green.json");
        Files.writeString(json, new ObjectMapper().writeValueAsString(new YAMLMapper().readTree(GREEN.toFile())));
        ClusterSnapshot fromYaml = SnapshotFile.read(GREEN, NOW);
        ClusterSnapshot fromJson = SnapshotFile.read(json, NOW);
        assertThat(fromJson.nodes()).isEqualTo(fromYaml.nodes());
        assertThat(fromJson.pods()).isEqualTo(fromYaml.pods());
        assertThat(fromJson.claims()).isEqualTo(fromYaml.claims());
        assertThat(fromJson.volumes()).isEqualTo(fromYaml.volumes());
    }

    @Test
    void acceptsSeveralDocumentsABareArrayAndIgnoresOtherKinds() throws Exception {
        String node = "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"n1\"}}";
        Path multi = write("multi.yaml", "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n"
                + "---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Node, metadata: {name: n2}}\n");
        assertThat(SnapshotFile.read(multi, NOW).nodes()).extracting(n -> n.name()).containsExactly("n1", "n2");
        Path array = write("array.json", "[" + node + "]");
        assertThat(SnapshotFile.read(array, NOW).nodes()).hasSize(1);
    }

    private static final String NODE_JSON = "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"n1\"}}";

    static Stream<Arguments> broken() {
        String list = "apiVersion: v1\nkind: List\nitems:\n";
        String node = "- {apiVersion: v1, kind: Node, metadata: {name: n1}}\n";
        return Stream.of(
                arguments("empty file", "   \n", "s.yaml: is empty; expected the output of kubectl get nodes,pods,pdb,pvc,pv -A -o yaml"),
                arguments("truncated YAML", list + node + "- {apiVersion: v1, kind: Pod, metadata: {name: p", "s.yaml: line "),
                arguments("truncated JSON", "{\"kind\":\"List\",\"items\":[{\"kind\":\"Node\"", "s.yaml: line 1, column"),
                arguments("no nodes", list + "- {apiVersion: v1, kind: Service, metadata: {name: s}}\n", "s.yaml: holds no Node"),
                arguments("a scalar", "hello\n", "expected a Kubernetes List"),
                arguments("items not a list", "kind: List\nitems: 3\n", "s.yaml: items: expected a list of Kubernetes objects"),
                arguments("item without kind", list + node + "- {metadata: {name: x}}\n", "s.yaml: items[1].kind: is required"),
                arguments("wrong type", list + node + "- {apiVersion: v1, kind: Pod, metadata: {name: p, namespace: a}, spec: {priority: high, containers: []}}\n",
                        "s.yaml: items[1] (Pod a/p) spec.priority: has the wrong type: expected a whole number, got 'high'"),
                arguments("bad quantity", list + node + "- {apiVersion: v1, kind: Pod, metadata: {name: p, namespace: a}, spec: {containers: [{name: c, resources: {requests: {memory: 12Q}}}]}}\n",
                        "s.yaml: items[1] (Pod a/p) spec.containers[0].resources.requests.memory: invalid quantity '12Q'"),
                arguments("huge quantity", list + node + "- {apiVersion: v1, kind: Pod, metadata: {name: p, namespace: a}, spec: {containers: [{name: c, resources: {requests: {memory: 99999999999999999999Ei}}}]}}\n",
                        "spec.containers[0].resources.requests.memory: quantity '99999999999999999999Ei' is too large"),
                arguments("pod without namespace", list + node + "- {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: []}}\n",
                        "s.yaml: items[1] (Pod p) metadata.namespace: pod without a namespace"),
                arguments("bad taint effect", list + "- {apiVersion: v1, kind: Node, metadata: {name: n1}, spec: {taints: [{key: a, effect: Sometimes}]}}\n",
                        "s.yaml: items[0] (Node n1) spec.taints[0].effect: expected NoSchedule, PreferNoSchedule or NoExecute, got 'Sometimes'"),
                arguments("bad time", list + "- {apiVersion: v1, kind: Node, metadata: {name: n1}, status: {conditions: [{type: Ready, status: 'True', lastTransitionTime: yesterday}]}}\n",
                        "status.conditions[0].lastTransitionTime: expected an RFC 3339 time"),
                arguments("duplicate key", "{\"kind\":\"List\",\"kind\":\"List\",\"items\":[]}", "Duplicate field 'kind'"),
                // where Jackson's own STRICT_DUPLICATE_DETECTION said it, in what is read and in what is left out
                arguments("duplicate key of the List after its items", "{\"kind\":\"List\",\"items\":[" + NODE_JSON + "],\"kind\":\"List\"}",
                        "s.yaml: line 1, column 99: is not valid YAML/JSON: Duplicate field 'kind'"),
                arguments("duplicate key in a pod's metadata", "{\"kind\":\"List\",\"items\":[" + NODE_JSON + ",{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
                        + "\"metadata\":{\"name\":\"p\",\"namespace\":\"a\",\"name\":\"q\"},\"spec\":{\"containers\":[]}}]}",
                        "s.yaml: line 1, column 194: is not valid YAML/JSON: Duplicate field 'name'"),
                arguments("duplicate label", "{\"kind\":\"List\",\"items\":[{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"n1\","
                        + "\"labels\":{\"a\":\"1\",\"b\":\"2\",\"a\":\"3\"}}}]}",
                        "s.yaml: line 1, column 120: is not valid YAML/JSON: Duplicate field 'a'"),
                arguments("duplicate key in a part no decision reads", "{\"kind\":\"List\",\"items\":[" + NODE_JSON + ",{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
                        + "\"metadata\":{\"name\":\"p\",\"namespace\":\"a\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"livenessProbe\":{\"x\":1,\"x\":2}}]}}]}",
                        "s.yaml: line 1, column 225: is not valid YAML/JSON: Duplicate field 'x'"),
                arguments("duplicate key after a left-out part closes", "{\"kind\":\"List\",\"items\":[" + NODE_JSON + ",{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
                        + "\"metadata\":{\"name\":\"p\",\"namespace\":\"a\"},\"spec\":{\"dnsConfig\":{\"x\":[{\"y\":1}]},\"dnsConfig\":{}}}]}",
                        "Duplicate field 'dnsConfig'")
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("broken")
    void brokenSnapshotsNameTheFileTheItemAndTheField(String name, String content, String message) throws Exception {
        Path file = write("s.yaml", content);
        assertThatThrownBy(() -> SnapshotFile.read(file, NOW))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(message.replace("s.yaml", file.toString()));
    }

    /** A name may come back in another mapping, inside or beside a part left out: only a mapping's own names clash. */
    @Test
    void aNameSeenInAnotherMappingIsNoDuplicate() throws Exception {
        Path file = write("s.json", "{\"kind\":\"List\",\"items\":[" + NODE_JSON + ",{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
                + "\"metadata\":{\"labels\":{\"name\":\"x\"},\"name\":\"p\",\"namespace\":\"a\"},\"spec\":{\"dnsConfig\":{\"options\":[{\"nodeName\":\"x\","
                + "\"name\":\"y\"}],\"name\":\"z\"},\"nodeName\":\"n1\",\"name\":\"w\",\"containers\":[{\"name\":\"c\"},{\"name\":\"d\"}]}}],"
                + "\"metadata\":{\"name\":\"l\"}}");
        assertThat(SnapshotFile.read(file, NOW).pods()).singleElement().satisfies(p -> assertThat(p.nodeName()).isEqualTo("n1"));
    }

    @Test
    void nonUtf8IsRefusedInBothFormats() throws Exception {
        Path yaml = dir.resolve("bad.yaml");
        Files.write(yaml, new byte[]{'k', 'i', 'n', 'd', ':', ' ', (byte) 0xFF, (byte) 0xFE, '\n'});
        assertThatThrownBy(() -> SnapshotFile.read(yaml, NOW)).isInstanceOf(InvalidInputException.class)
                .hasMessage(yaml + ": is not valid UTF-8 text");
        Path json = dir.resolve("bad.json");
        Files.write(json, new byte[]{'{', '"', 'k', (byte) 0xFF, '"', ':', '1', '}'});
        assertThatThrownBy(() -> SnapshotFile.read(json, NOW)).isInstanceOf(InvalidInputException.class)
                .hasMessage(json + ": line 1, column 4: is not valid UTF-8 text");
    }

    /** Where the bytes stop being UTF-8 is said exactly, counted in characters as an editor counts them. */
    @Test
    void theFirstByteThatIsNotUtf8IsNamedByItsLineAndColumn() throws Exception {
        Path json = dir.resolve("late.json");
        byte[] head = "{\"kind\": \"List\",\r\n \"items\": [\n  {\"é€😀\": \"".getBytes(StandardCharsets.UTF_8);
        byte[] bad = {(byte) 0xC3, '"', '}', ']', '}'}; // a lead byte followed by no continuation byte
        byte[] all = java.util.Arrays.copyOf(head, head.length + bad.length);
        System.arraycopy(bad, 0, all, head.length, bad.length);
        Files.write(json, all);
        // line 3 holds two spaces and {"é€😀": " (the emoji one character): eleven characters, then the bad byte
        assertThatThrownBy(() -> SnapshotFile.read(json, NOW)).isInstanceOf(InvalidInputException.class)
                .hasMessage(json + ": line 3, column 12: is not valid UTF-8 text");

        // far into a file, a two-byte character across the decoder's 64 KiB chunks on the way
        Path far = dir.resolve("far.json");
        String prefix = "{\"pad\": \"" + "é".repeat(40_000);
        byte[] text = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] farBytes = java.util.Arrays.copyOf(text, text.length + 3);
        farBytes[text.length] = (byte) 0xFF;
        farBytes[text.length + 1] = '"';
        farBytes[text.length + 2] = '}';
        Files.write(far, farBytes);
        assertThatThrownBy(() -> SnapshotFile.read(far, NOW)).isInstanceOf(InvalidInputException.class)
                .hasMessage(far + ": line 1, column " + (prefix.length() + 1) + ": is not valid UTF-8 text");
    }

    /** A fault of JSON before any byte that is not UTF-8 is named as what it is: the parser stopped there. */
    @Test
    void aSyntaxErrorBeforeBadBytesIsTheSyntaxError() throws Exception {
        Path json = dir.resolve("syntax.json");
        Files.write(json, new byte[]{'{', 'x', ' ', '"', (byte) 0xFF, '"', '}'});
        assertThatThrownBy(() -> SnapshotFile.read(json, NOW)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(json + ": line 1, column ").hasMessageContaining("is not valid YAML/JSON: ")
                .hasMessageNotContaining("UTF-8 text");
    }

    /** Piped in, the bytes cannot be read again: the parser's own words say what is wrong, still no stack trace. */
    @Test
    void nonUtf8JsonOnStdinIsRefusedInTheParsersWords() {
        byte[] bytes = {'{', '"', 'k', (byte) 0xFF, '"', ':', '1', '}'};
        assertThatThrownBy(() -> SnapshotFile.read(new java.io.ByteArrayInputStream(bytes), "<stdin>", NOW, NOW))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("<stdin>: line 1, column ").hasMessageContaining("is not valid YAML/JSON: Invalid UTF-8");
    }

    @Test
    void aMissingFileIsInvalidInput() {
        assertThatThrownBy(() -> SnapshotFile.read(dir.resolve("none.yaml"), NOW)).isInstanceOf(InvalidInputException.class)
                .hasMessageEndingWith("none.yaml: no such file");
    }

    private Path write(String name, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }
}
