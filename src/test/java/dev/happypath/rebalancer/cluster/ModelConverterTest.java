package dev.happypath.rebalancer.cluster;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.happypath.rebalancer.testing.ClusterGenerator;
import dev.happypath.rebalancer.testing.KubectlDump;
import dev.happypath.rebalancer.testing.Scenario;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The converter reads the wire format directly, field by field, instead of binding whole objects to
 * the client's model classes first. It must say exactly what the binding said: every object of every
 * example dump, scenario, prediction fixture and of generated clusters converts to equal records both
 * ways, and so do objects written with the loose typing a hand-written dump may use.
 */
class ModelConverterTest {

    private static final ObjectMapper BINDING = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private static final ObjectMapper YAML = new YAMLMapper();

    static Stream<Arguments> dumps() throws IOException {
        List<Arguments> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("config/examples"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                add(all, f.getFileName().toString(), YAML.readTree(f.toFile()));
            }
        }
        for (String dir : List.of("src/test/resources/scenarios", "src/test/resources/predictions")) {
            try (Stream<Path> files = Files.list(Path.of(dir))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                    add(all, f.getFileName().toString(), Scenario.load(f).kubectlList());
                }
            }
        }
        for (long seed = 1; seed <= 4; seed++) {
            add(all, "generated anywhere #" + seed, dump(ClusterGenerator.generate(seed, 12, 300)));
            add(all, "generated settled #" + seed, dump(ClusterGenerator.generate(seed, 20, 400, ClusterGenerator.Profile.settled(0.1))));
        }
        return all.stream();
    }

    private static void add(List<Arguments> all, String source, JsonNode list) {
        all.add(arguments(source, list.get("items")));
    }

    private static JsonNode dump(dev.happypath.rebalancer.snapshot.ClusterSnapshot s) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            KubectlDump.write(s, out, false);
            return BINDING.readTree(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dumps")
    void convertsEveryObjectAsTheModelBindingDid(String source, JsonNode items) {
        assertThat(items.size()).isPositive();
        int i = 0;
        for (JsonNode item : items) {
            assertThat(wire(item)).as("%s items[%d] %s %s", source, i++, item.path("kind").asText(), item.path("metadata").path("name").asText())
                    .isEqualTo(binding(item));
        }
    }

    /** Loose typing a Jackson binding accepted: numbers and booleans as strings, quantities as numbers. */
    @Test
    void aReadLeavesOutUnusedSubtreesButKeepsScalarsOfTheSameName() throws IOException {
        JsonNode read = readItem(BINDING, "{\"kind\": \"Node\", \"metadata\": {\"name\": \"n\", \"labels\": {\"env\": \"prod\", \"addresses\": \"2\"}},"
                + " \"status\": {\"addresses\": [{\"type\": \"InternalIP\"}], \"nodeInfo\": {\"kernelVersion\": \"6\"}, \"phase\": \"x\"}}");
        assertThat(read.path("metadata").path("labels").path("env").asText()).isEqualTo("prod");
        assertThat(read.path("metadata").path("labels").path("addresses").asText()).isEqualTo("2");
        assertThat(read.path("status").has("addresses")).as("addresses list left out").isFalse();
        assertThat(read.path("status").has("nodeInfo")).as("nodeInfo left out").isFalse();
        assertThat(read.path("status").path("phase").asText()).isEqualTo("x");
    }

    private static final String POD_JSON = "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"p\", \"namespace\": \"a\","
            + " \"resourceVersion\": \"7\", \"labels\": {\"env\": \"prod\", \"resourceVersion\": \"1\"}},"
            + " \"spec\": {\"dnsPolicy\": \"ClusterFirst\", \"containers\": [{\"name\": \"a\", \"image\": \"i\", \"env\": [{\"name\": \"X\"}],"
            + " \"resources\": {\"requests\": {\"cpu\": \"1\"}}}]},"
            + " \"status\": {\"phase\": \"Running\", \"hostIP\": \"10.0.0.1\", \"conditions\": [{\"type\": \"Ready\", \"status\": \"True\","
            + " \"lastProbeTime\": null}]}}";

    /**
     * A Pod in JSON whose kind comes first, as kubectl writes it, is read straight into what its conversion reads
     * (PodWire): no tree, each field in the form the conversion wants.
     */
    @Test
    void aPodReadFromJsonIsReadIntoWhatItsConversionReads() throws IOException {
        Object item = readAnyItem(BINDING, POD_JSON);
        assertThat(item).isInstanceOf(PodWire.class);
        PodWire read = (PodWire) item;
        PodWire.Meta meta = (PodWire.Meta) read.metadata;
        assertThat(meta.name).isEqualTo("p");
        assertThat(meta.labels).as("a label is kept whole").isEqualTo(java.util.Map.of("env", "prod", "resourceVersion", "1"));
        PodWire.Container container = (PodWire.Container) ((List<?>) ((PodWire.Spec) read.spec).containers).get(0);
        assertThat(container.image).isEqualTo("i");
        PodWire.ContainerResources resources = (PodWire.ContainerResources) container.resources;
        assertThat(resources.requests).isEqualTo(java.util.Map.of("cpu", "1"));
        PodWire.PodCondition condition = (PodWire.PodCondition) ((List<?>) ((PodWire.Status) read.status).conditions).get(0);
        assertThat(condition.type).isEqualTo("Ready");
        assertThat(ModelConverter.pod(read)).isEqualTo(ModelConverter.pod(YAML.readTree(POD_JSON)));
    }

    /** A value of another form than the conversion expects is kept as its tree, for the conversion's coercions and faults. */
    @Test
    void aValueOfAnotherFormIsKeptAsItsTree() throws IOException {
        PodWire read = (PodWire) readAnyItem(BINDING, "{\"kind\": \"Pod\", \"metadata\": {\"name\": 7, \"namespace\": \"a\","
                + " \"labels\": {\"a\": \"x\", \"tier\": 3, \"b\": \"y\"}}, \"spec\": {\"priority\": \"1000\", \"containers\": [\"c\"]}}");
        PodWire.Meta meta = (PodWire.Meta) read.metadata;
        assertThat(meta.name).isEqualTo(BINDING.getNodeFactory().numberNode(7));
        assertThat(meta.labels).as("once a value is not a string, the whole mapping is a tree")
                .isEqualTo(BINDING.readTree("{\"a\": \"x\", \"tier\": 3, \"b\": \"y\"}"));
        PodWire.Spec spec = (PodWire.Spec) read.spec;
        assertThat(spec.priority).isEqualTo(BINDING.getNodeFactory().textNode("1000"));
        assertThat(spec.containers).isEqualTo(List.of(BINDING.getNodeFactory().textNode("c")));
        assertThatThrownBy(() -> ModelConverter.pod(read)).isInstanceOf(ModelException.class)
                .satisfies(e -> assertThat(((ModelException) e).path()).isEqualTo("spec.containers[0]"));
    }

    /**
     * Not projected: a Pod whose kind comes after its parts (read before the kind was known), and YAML, where an
     * alias may use a part another place leaves out.
     */
    @Test
    void aPodIsReadWholeWhenItsKindComesLateOrItIsYaml() throws IOException {
        ObjectNode late = (ObjectNode) BINDING.readTree(POD_JSON);
        late.remove("kind");
        late.put("kind", "Pod");
        JsonNode lateRead = (JsonNode) readAnyItem(BINDING, BINDING.writeValueAsString(late));
        assertThat(lateRead.path("metadata").path("resourceVersion").asText()).isEqualTo("7");
        assertThat(lateRead.path("spec").path("containers").get(0).has("env")).as("UNUSED is still left out").isFalse();
        JsonNode yamlRead = (JsonNode) readAnyItem(YAML, POD_JSON);
        assertThat(yamlRead.path("metadata").path("resourceVersion").asText()).isEqualTo("7");
        assertThat(yamlRead.path("status").path("hostIP").asText()).isEqualTo("10.0.0.1");
        assertThat(ModelConverter.pod(lateRead)).isEqualTo(ModelConverter.pod((PodWire) readAnyItem(BINDING, POD_JSON)))
                .isEqualTo(ModelConverter.pod(yamlRead));
    }

    private static Object readAnyItem(ObjectMapper mapper, String text) throws IOException {
        try (com.fasterxml.jackson.core.JsonParser parser = mapper.getFactory().createParser(text)) {
            parser.nextToken();
            return ItemTrees.readItem(parser, new dev.happypath.rebalancer.config.YamlTrees.Anchors());
        }
    }

    private static JsonNode readItem(ObjectMapper mapper, String text) throws IOException {
        try (com.fasterxml.jackson.core.JsonParser parser = mapper.getFactory().createParser(text)) {
            parser.nextToken();
            return ItemTrees.read(parser);
        }
    }

    @Test
    void coercesLooseScalarsAsTheBindingDid() throws IOException {
        JsonNode pod = YAML.readTree("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: p
                  namespace: a
                  labels: { tier: 3, canary: true }
                  ownerReferences: [ { kind: ReplicaSet, name: rs, uid: u1, controller: "true" } ]
                spec:
                  priority: "1000"
                  nodeName: n1
                  containers:
                    - { name: c, resources: { requests: { cpu: 0.5, memory: 1073741824 }, limits: { cpu: 2 } } }
                  initContainers:
                    - { name: i, restartPolicy: Always, resources: { requests: { cpu: 100m, memory: null } } }
                  overhead: { cpu: 10m, memory: 1Mi }
                  affinity:
                    nodeAffinity:
                      preferredDuringSchedulingIgnoredDuringExecution:
                        - { weight: "40", preference: { matchExpressions: [ { key: role, operator: In, values: [infra, 7] } ] } }
                    podAntiAffinity:
                      requiredDuringSchedulingIgnoredDuringExecution:
                        - { topologyKey: zone, namespaceSelector: {}, labelSelector: { matchLabels: { app: x } } }
                      preferredDuringSchedulingIgnoredDuringExecution:
                        - { weight: 10.9, podAffinityTerm: { topologyKey: host, namespaces: [a, b], labelSelector: { matchLabels: { app: y } } } }
                  topologySpreadConstraints:
                    - { maxSkew: "2", topologyKey: zone, whenUnsatisfiable: ScheduleAnyway, minDomains: 3, matchLabelKeys: [pod-template-hash],
                        labelSelector: { matchExpressions: [ { key: app, operator: Exists } ] } }
                  volumes:
                    - { name: data, persistentVolumeClaim: { claimName: data-p } }
                    - { name: scratch, ephemeral: { volumeClaimTemplate: { spec: {} } } }
                    - { name: host, hostPath: { path: /var } }
                    - { name: cfg, configMap: { name: c } }
                    - { name: cache, emptyDir: {} }
                    - { name: tsdb, emptyDir: { medium: Memory, sizeLimit: 2Gi } }
                    - { name: big, emptyDir: { sizeLimit: 500000000 } }
                  tolerations: [ { key: k, operator: Exists }, { effect: NoExecute, operator: Exists, tolerationSeconds: 30 } ]
                status: { phase: Running, conditions: [ { type: Ready, status: "True" } ] }
                """);
        assertThat(wire(pod)).isEqualTo(binding(pod));
        assertThat(((dev.happypath.rebalancer.snapshot.PodState) wire(pod)).emptyDirs()).containsExactly(
                new dev.happypath.rebalancer.snapshot.EmptyDir("cache", false, null),
                new dev.happypath.rebalancer.snapshot.EmptyDir("tsdb", true, "2Gi"),
                new dev.happypath.rebalancer.snapshot.EmptyDir("big", false, "500000000"));
        JsonNode node = YAML.readTree("""
                kind: Node
                metadata: { name: n1, labels: { zone: 1 } }
                spec: { unschedulable: "true", taints: [ { key: a, value: 1, effect: NoSchedule } ] }
                status: { allocatable: {}, capacity: { cpu: 4, memory: 8Gi, pods: "110" } }
                """);
        assertThat(wire(node)).isEqualTo(binding(node));
        JsonNode pdb = YAML.readTree("""
                kind: PodDisruptionBudget
                metadata: { name: b, namespace: a }
                spec: { maxUnavailable: 25%, selector: { matchLabels: { app: x } } }
                status: { disruptionsAllowed: "1", currentHealthy: 3.0, desiredHealthy: 2, expectedPods: 3 }
                """);
        assertThat(wire(pdb)).isEqualTo(binding(pdb));
    }

    /**
     * What the disruption rules read (issue 12): only our three opt-in/opt-out annotations are kept, the
     * resources the model does not simulate are named, host ports, the nominated node, a waiting container
     * and the restarts. Both readers say the same.
     */
    @Test
    void readsWhatTheDisruptionRulesNeedAsTheBindingDid() throws IOException {
        JsonNode pod = YAML.readTree("""
                kind: Pod
                metadata:
                  name: p
                  namespace: a
                  annotations:
                    cluster-autoscaler.kubernetes.io/safe-to-evict: "false"
                    karpenter.sh/do-not-disrupt: "true"
                    happypath.dev/evict: never
                    prometheus.io/scrape: "true"
                spec:
                  containers:
                    - name: c
                      image: registry.example.com/c:v1
                      resources: { requests: { cpu: 1, memory: 1Gi, ephemeral-storage: 2Gi }, limits: { nvidia.com/gpu: 1 } }
                      ports: [ { containerPort: 80 }, { containerPort: 53, hostPort: 53, protocol: UDP }, { containerPort: 9100, hostPort: "9100" } ]
                    - { name: d, image: d, resources: { requests: { hugepages-2Mi: 64Mi } } }
                  initContainers:
                    - { name: i, image: init, ports: [ { containerPort: 7, hostPort: 7 } ] }
                    - { name: s, restartPolicy: Always, ports: [ { containerPort: 8443, hostPort: 8443, hostIP: 127.0.0.1 } ] }
                  resourceClaims:
                    - { name: gpu, resourceClaimTemplateName: one-gpu }
                status:
                  phase: Running
                  nominatedNodeName: n2
                  containerStatuses:
                    - { name: c, ready: true, restartCount: 2, state: { running: { startedAt: "2026-11-20T00:00:00Z" } },
                        lastState: { terminated: { exitCode: 1 } } }
                    - { name: d, ready: false, restartCount: 12, state: { waiting: { reason: CrashLoopBackOff, message: back-off } } }
                """);
        assertThat(wire(pod)).isEqualTo(binding(pod));
        var p = (dev.happypath.rebalancer.snapshot.PodState) wire(pod);
        assertThat(p.disruptionAnnotations()).containsOnlyKeys("cluster-autoscaler.kubernetes.io/safe-to-evict",
                "karpenter.sh/do-not-disrupt", "happypath.dev/evict");
        assertThat(p.annotation("happypath.dev/evict")).isEqualTo("never");
        // every resource name is read (NodeResourcesFit checks them all); only a DRA claim is beyond the model
        assertThat(p.requests().others()).containsExactly(java.util.Map.entry("ephemeral-storage", 2L << 30),
                java.util.Map.entry("hugepages-2Mi", 64L << 20), java.util.Map.entry("nvidia.com/gpu", 1L));
        assertThat(p.unsimulatedResources()).containsExactly("resource claim gpu");
        // a plain init container's port is released before the pod runs; a sidecar's is held, on its own address
        assertThat(p.hostPorts()).containsExactly("127.0.0.1:8443/TCP", "53/UDP", "9100/TCP");
        assertThat(p.images()).containsExactly("registry.example.com/c:v1", "d", "init");
        assertThat(p.nominatedNodeName()).isEqualTo("n2");
        assertThat(p.waitingReason()).isEqualTo("CrashLoopBackOff");
        assertThat(p.restarts()).isEqualTo(14);
        JsonNode plain = YAML.readTree("{kind: Pod, metadata: {name: q, namespace: a}, spec: {containers: [{name: c}]}}");
        var q = (dev.happypath.rebalancer.snapshot.PodState) wire(plain);
        assertThat(wire(plain)).isEqualTo(binding(plain));
        assertThat(q.disruptionAnnotations()).isEmpty();
        assertThat(q.unsimulatedResources()).isEmpty();
        assertThat(q.hostPorts()).isEmpty();
        assertThat(q.waitingReason()).isNull();
    }

    /** Broken values name the field, as before; the wording after it may differ. */
    @Test
    void aWrongTypeNamesTheField() throws IOException {
        JsonNode pod = YAML.readTree("{kind: Pod, metadata: {name: p, namespace: a}, spec: {priority: high, containers: []}}");
        assertThatThrownBy(() -> binding(pod)).hasMessageContaining("spec");
        assertThatThrownBy(() -> wire(pod)).isInstanceOf(ModelException.class)
                .satisfies(e -> assertThat(((ModelException) e).path()).isEqualTo("spec.priority"))
                .hasMessageStartingWith("has the wrong type");
        JsonNode labels = YAML.readTree("{kind: Node, metadata: {name: n, labels: [a]}}");
        assertThatThrownBy(() -> wire(labels)).isInstanceOf(ModelException.class)
                .satisfies(e -> assertThat(((ModelException) e).path()).isEqualTo("metadata.labels"));
    }

    /**
     * As a read does it: the item streamed through {@link ItemTrees} (a Pod of a JSON dump straight into its
     * {@link PodWire}, anything else a tree that leaves out what no decision uses), then converted. A Pod is also
     * read as a LIST of pods reads it (no kind, straight into its PodWire) and as a tree (YAML, the simulation):
     * all three ways must give the same record, or the same fault with the same words.
     */
    private static Object wire(JsonNode item) {
        Object read;
        List<java.util.function.Supplier<Object>> others = new ArrayList<>();
        try (com.fasterxml.jackson.core.JsonParser parser = BINDING.getFactory().createParser(BINDING.writeValueAsBytes(item))) {
            parser.nextToken();
            read = ItemTrees.readItem(parser, new dev.happypath.rebalancer.config.YamlTrees.Anchors());
            if (item.path("kind").asText().equals("Pod")) {
                ObjectNode withoutKind = item.deepCopy();
                withoutKind.remove("kind");
                withoutKind.remove("apiVersion");
                try (com.fasterxml.jackson.core.JsonParser list = BINDING.getFactory().createParser(BINDING.writeValueAsBytes(withoutKind))) {
                    list.nextToken();
                    PodWire listed = ItemTrees.readPod(list);
                    others.add(() -> ModelConverter.pod(listed));
                }
                others.add(() -> ModelConverter.pod(item));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (item.path("kind").asText().equals("Pod")) {
            assertThat(read instanceof PodWire).as("a Pod is read straight from the tokens exactly when its kind comes before its other fields")
                    .isEqualTo(kindComesFirst(item));
        }
        Object converted;
        try {
            converted = read instanceof PodWire pod ? ModelConverter.pod(pod)
                    : convert((JsonNode) read, ModelConverter::node, ModelConverter::pod, ModelConverter::budget, ModelConverter::claim, ModelConverter::volume);
        } catch (ModelException e) {
            for (var other : others) {
                assertThatThrownBy(other::get).as("the pod as a LIST of pods and as a tree read it").isInstanceOf(ModelException.class)
                        .hasMessage(e.getMessage()).satisfies(x -> assertThat(((ModelException) x).path()).isEqualTo(e.path()));
            }
            throw e;
        }
        for (var other : others) {
            assertThat(other.get()).as("the pod as a LIST of pods and as a tree read it").isEqualTo(converted);
        }
        return converted;
    }

    /** Whether kind comes before every field but apiVersion. */
    private static boolean kindComesFirst(JsonNode item) {
        for (var names = item.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (name.equals("kind")) {
                return true;
            }
            if (!name.equals("apiVersion")) {
                return false;
            }
        }
        return false;
    }

    private static Object binding(JsonNode item) {
        return convert(item,
                n -> Fabric8ModelConverter.node(bind(n, Node.class)),
                n -> Fabric8ModelConverter.pod(bind(n, Pod.class)),
                n -> Fabric8ModelConverter.budget(bind(n, PodDisruptionBudget.class)),
                n -> Fabric8ModelConverter.claim(bind(n, PersistentVolumeClaim.class)),
                n -> Fabric8ModelConverter.volume(bind(n, PersistentVolume.class)));
    }

    private static Object convert(JsonNode item, Function<JsonNode, Object> node, Function<JsonNode, Object> pod,
                                  Function<JsonNode, Object> budget, Function<JsonNode, Object> claim, Function<JsonNode, Object> volume) {
        return switch (item.path("kind").asText()) {
            case "Node" -> node.apply(item);
            case "Pod" -> pod.apply(item);
            case "PodDisruptionBudget" -> budget.apply(item);
            case "PersistentVolumeClaim" -> claim.apply(item);
            case "PersistentVolume" -> volume.apply(item);
            default -> item.path("kind").asText();
        };
    }

    private static <T> T bind(JsonNode item, Class<T> type) {
        try {
            return BINDING.treeToValue(item, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The API server's own form is read directly; every other form, and every invalid one, as OffsetDateTime reads it. */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "2026-11-21T10:00:00Z", "1970-01-01T00:00:00Z", "2024-02-29T23:59:59Z", "9999-12-31T23:59:59Z",
            "2026-11-21T10:00:00.123456Z", "2026-11-21T12:00:00+02:00", "2026-11-21t10:00:00z",
            "2025-02-29T10:00:00Z", "2026-13-01T10:00:00Z", "2026-11-31T10:00:00Z", "2026-11-21T24:00:00Z",
            "2026-11-21T10:60:00Z", "2026-11-21T23:59:60Z", "2026-1a-21T10:00:00Z", "2026-11-21 10:00:00Z",
            "+2026-11-21T10:00:0Z", "2026-11-21T10:00:00", "yesterday"})
    void timesReadAsOffsetDateTimeReadsThem(String text) {
        java.time.Instant expected;
        try {
            expected = java.time.OffsetDateTime.parse(text).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            expected = null;
        }
        if (expected == null) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ModelConverter.instant(text))
                    .isInstanceOf(java.time.format.DateTimeParseException.class);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ModelConverter.time(text, "metadata.creationTimestamp"))
                    .isInstanceOf(ModelException.class).hasMessageContaining("expected an RFC 3339 time");
        } else {
            org.assertj.core.api.Assertions.assertThat(ModelConverter.instant(text)).isEqualTo(expected);
        }
    }

    /**
     * A fault inside an element of a list is named by its whole path, whichever list it is in: the loops name
     * the element only once one is at fault, and must still say exactly where.
     */
    @ParameterizedTest(name = "{1}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "status: { conditions: [ { type: Ready, status: 'True' }, { type: {} } ] }| status.conditions[1].type",
            "metadata: { name: p, namespace: a, ownerReferences: [ { kind: ReplicaSet, controller: maybe } ] }| metadata.ownerReferences[0].controller",
            "metadata: { name: p, namespace: a, annotations: { happypath.dev/evict: { no: 1 } } }| metadata.annotations.happypath.dev/evict",
            "spec: { volumes: [ { name: a, emptyDir: {} }, { name: b, emptyDir: { sizeLimit: [ 1 ] } } ] }| spec.volumes[1].emptyDir.sizeLimit",
            "spec: { volumes: [ { name: a, persistentVolumeClaim: { claimName: [ x ] } } ] }| spec.volumes[0].persistentVolumeClaim.claimName",
            "spec: { containers: [ { name: a }, { name: b, image: { x: 1 } } ] }| spec.containers[1].image",
            "spec: { initContainers: [ { name: i, restartPolicy: Always, ports: [ { containerPort: 1 }, { hostPort: x } ] } ] }| spec.initContainers[0].ports[1].hostPort",
            "spec: { initContainers: [ { name: i }, { name: j, restartPolicy: [ Always ] } ] }| spec.initContainers[1].restartPolicy",
            "spec: { containers: [ { name: a, resources: { limits: { nvidia.com/gpu: x } } } ] }| spec.containers[0].resources.limits.nvidia.com/gpu",
            "spec: { containers: [ { name: a }, { name: b, resources: { requests: { cpu: 1, memory: 12Q } } } ] }| spec.containers[1].resources.requests.memory",
            "spec: { initContainers: [ { name: i, resources: { limits: { cpu: many } } } ] }| spec.initContainers[0].resources.limits.cpu",
            "status: { containerStatuses: [ { restartCount: 1 }, { state: { waiting: { reason: [ x ] } } } ] }| status.containerStatuses[1].state.waiting.reason",
            "status: { containerStatuses: [ { restartCount: lots } ] }| status.containerStatuses[0].restartCount",
            "spec: { tolerations: [ { key: a, operator: Exists }, { key: b, operator: Maybe } ] }| spec.tolerations[1].operator",
            "spec: { tolerations: [ { key: a, effect: Sometimes } ] }| spec.tolerations[0].effect",
    })
    void aFaultInAListIsNamedByItsWholePath(String part, String path) throws IOException {
        ObjectNode pod = (ObjectNode) YAML.readTree("{ kind: Pod, metadata: { name: p, namespace: a }, spec: { containers: [] } }");
        ObjectNode given = (ObjectNode) YAML.readTree("{ " + part + " }");
        given.fields().forEachRemaining(e -> pod.set(e.getKey(), e.getValue()));
        assertThatThrownBy(() -> wire(pod)).isInstanceOf(ModelException.class)
                .satisfies(e -> assertThat(((ModelException) e).path()).isEqualTo(path));
    }
}
