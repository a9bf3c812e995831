package dev.happypath.rebalancer.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.happypath.rebalancer.cluster.SnapshotFile;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.config.HappyPathLoader;
import dev.happypath.rebalancer.scheduling.Rejection;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A compact test fixture: a cluster written in a few lines of YAML, expanded into the kubectl dump a
 * real cluster would give and read back through {@link SnapshotFile}, so tests go through the same
 * converter as production.
 *
 * <pre>
 * now: 2026-11-21T10:00:00Z
 * config: |            # optional; default: the built-in IDP Blueprint Happy Path
 *   ...
 * nodes: idp           # the three IDP nodes, or a list of compact nodes
 * pods:
 *   - { ns: argocd, name: argocd-server-1, node: k3d-idp-demo-server-0, memory: 128Mi,
 *       tolerations: ["node-role.kubernetes.io/control-plane:NoSchedule"] }
 *   # also: annotations: {..}, emptyDir: [data | {name, medium, sizeLimit}], extraRequests: {nvidia.com/gpu: 1},
 *   #       hostPorts: [8080 | {hostPort, protocol, hostIP}], nominatedNode: <node>, ready: false, waiting: CrashLoopBackOff,
 *   #       restarts: 12, image: repo/app:v1, resourceClaims: [{name, resourceClaimTemplateName}],
 *   #       priority: 1000, preemptionPolicy: Never
 *   # a compact node also takes allocatable: {nvidia.com/gpu: "1"} (besides cpu, memory, pods) and images: [{names, sizeBytes}]
 * pdbs / pvcs (phase: Pending, accessModes: [ReadWriteOncePod]) / pvs (node, labels, csiDriver): ...
 * expect: ...          # read by the scenario test
 * </pre>
 */
public final class Scenario {

    public static final String SERVER = "k3d-idp-demo-server-0";
    public static final String AGENT0 = "k3d-idp-demo-agent-0";
    public static final String AGENT1 = "k3d-idp-demo-agent-1";
    public static final String DEFAULT_SINCE = "2026-11-20T00:00:00Z";

    private static final ObjectMapper YAML = new YAMLMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final String name;
    private final JsonNode root;

    private Scenario(String name, JsonNode root) {
        this.name = name;
        this.root = root;
    }

    public static Scenario load(Path file) {
        try {
            return new Scenario(file.getFileName().toString(), YAML.readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Scenario parse(String name, String yaml) {
        try {
            return new Scenario(name, YAML.readTree(yaml));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String name() {
        return name;
    }

    public JsonNode expect() {
        return root.path("expect");
    }

    public Instant now() {
        return Instant.parse(root.path("now").asText("2026-11-21T10:00:00Z"));
    }

    public HappyPath happyPath() {
        if (root.hasNonNull("config")) {
            return HappyPathLoader.parse(name + "#config", root.get("config").asText().getBytes(StandardCharsets.UTF_8));
        }
        return HappyPathLoader.loadBuiltIn();
    }

    /** The ledger of past moves, from an inline {@code ledger:} JSON text, else empty. */
    public dev.happypath.rebalancer.ledger.Ledger ledger() {
        if (!root.hasNonNull("ledger")) {
            return dev.happypath.rebalancer.ledger.Ledger.EMPTY;
        }
        // "@nodes" and "@spec:ns/name" stand for the fingerprints of this scenario's nodes and pods.
        ClusterSnapshot s = snapshot();
        String text = root.get("ledger").asText().replace("@nodes", dev.happypath.rebalancer.ledger.Fingerprints.nodes(s.nodes()));
        for (var pod : s.pods()) {
            text = text.replace("@spec:" + pod.key() + "\"", dev.happypath.rebalancer.ledger.Fingerprints.spec(pod) + "\"");
        }
        return dev.happypath.rebalancer.ledger.Ledger.fromJson(name + "#ledger", text);
    }

    public ClusterSnapshot snapshot() {
        try {
            Path file = Files.createTempFile("scenario-", ".json");
            try {
                Files.writeString(file, new ObjectMapper().writeValueAsString(kubectlList()));
                return SnapshotFile.read(file, now());
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The kubectl-style List the compact fixture stands for. */
    public ObjectNode kubectlList() {
        ArrayNode items = F.arrayNode();
        JsonNode nodes = root.path("nodes");
        if (nodes.isTextual() && nodes.asText().equals("idp") || nodes.isMissingNode()) {
            items.add(node(idpNode(SERVER)));
            items.add(node(idpNode(AGENT0)));
            items.add(node(idpNode(AGENT1)));
        } else {
            for (JsonNode n : nodes) {
                items.add(node(n.has("idp") ? merge(idpNode(n.get("idp").asText()), (ObjectNode) n) : n));
            }
        }
        for (JsonNode p : root.path("pods")) {
            items.add(pod(p));
        }
        for (JsonNode b : root.path("pdbs")) {
            items.add(pdb(b));
        }
        for (JsonNode c : root.path("pvcs")) {
            items.add(pvc(c));
        }
        for (JsonNode v : root.path("pvs")) {
            items.add(pv(v));
        }
        ObjectNode list = F.objectNode();
        list.put("apiVersion", "v1");
        list.put("kind", "List");
        list.set("items", items);
        return list;
    }

    private static ObjectNode idpNode(String which) {
        ObjectNode n = F.objectNode();
        n.put("name", which);
        ObjectNode labels = n.putObject("labels");
        switch (which) {
            case SERVER -> {
                labels.put("node-role.kubernetes.io/control-plane", "true");
                n.putArray("taints").add("node-role.kubernetes.io/control-plane:NoSchedule");
            }
            case AGENT0 -> labels.put("role", "infra");
            case AGENT1 -> labels.put("role", "apps");
            default -> throw new IllegalArgumentException("no IDP node " + which);
        }
        return n;
    }

    private static ObjectNode merge(ObjectNode base, ObjectNode over) {
        Iterator<Map.Entry<String, JsonNode>> it = over.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("idp")) {
                continue;
            }
            if (e.getKey().equals("labels") && base.has("labels")) {
                ((ObjectNode) base.get("labels")).setAll((ObjectNode) e.getValue());
            } else {
                base.set(e.getKey(), e.getValue());
            }
        }
        return base;
    }

    private static String uid(String... parts) {
        return UUID.nameUUIDFromBytes(String.join("/", parts).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static ObjectNode node(JsonNode c) {
        String name = c.get("name").asText();
        ObjectNode n = F.objectNode();
        n.put("apiVersion", "v1");
        n.put("kind", "Node");
        ObjectNode md = n.putObject("metadata");
        md.put("name", name);
        md.put("uid", uid("node", name));
        ObjectNode labels = md.putObject("labels");
        labels.put("kubernetes.io/hostname", name);
        if (c.has("labels")) {
            labels.setAll((ObjectNode) c.get("labels"));
        }
        ObjectNode spec = n.putObject("spec");
        if (c.path("unschedulable").asBoolean(false)) {
            spec.put("unschedulable", true);
        }
        ArrayNode taints = spec.putArray("taints");
        for (JsonNode t : c.path("taints")) {
            taints.add(taint(t.asText()));
        }
        ObjectNode status = n.putObject("status");
        ObjectNode alloc = status.putObject("allocatable");
        alloc.put("cpu", c.path("cpu").asText("4"));
        alloc.put("memory", c.path("memory").asText("4Gi"));
        alloc.put("pods", c.path("pods").asText("110"));
        if (c.has("allocatable")) {
            // allocatable: { nvidia.com/gpu: "2", ephemeral-storage: 50Gi } adds what the node offers besides cpu/memory
            alloc.setAll((ObjectNode) c.get("allocatable"));
        }
        if (c.has("images")) {
            // images: [ { names: [repo/app:v1], sizeBytes: 300000000 } ], as status.images lists them
            status.set("images", c.get("images"));
        }
        ArrayNode conditions = status.putArray("conditions");
        String since = c.path("readySince").asText(DEFAULT_SINCE);
        if (!c.path("noReadyCondition").asBoolean(false)) {
            ObjectNode ready = conditions.addObject();
            ready.put("type", "Ready");
            ready.put("status", c.path("ready").asText("True"));
            ready.put("lastTransitionTime", since);
            ready.put("reason", c.path("ready").asText("True").equals("True") ? "KubeletReady" : "NodeStatusUnknown");
        }
        for (String type : new String[]{"MemoryPressure", "DiskPressure", "PIDPressure"}) {
            boolean on = false;
            for (JsonNode p : c.path("pressure")) {
                on |= p.asText().equals(type);
            }
            ObjectNode cond = conditions.addObject();
            cond.put("type", type);
            cond.put("status", on ? "True" : "False");
            cond.put("lastTransitionTime", c.path("pressureSince").asText(DEFAULT_SINCE));
        }
        return n;
    }

    /** "key=value:Effect" or "key:Effect". */
    private static ObjectNode taint(String text) {
        ObjectNode t = F.objectNode();
        int colon = text.lastIndexOf(':');
        String kv = text.substring(0, colon);
        t.put("effect", text.substring(colon + 1));
        int eq = kv.indexOf('=');
        t.put("key", eq < 0 ? kv : kv.substring(0, eq));
        if (eq >= 0) {
            t.put("value", kv.substring(eq + 1));
        }
        return t;
    }

    /** "key=value:Effect" (Equal), "key:Effect" (Exists), "key" (Exists, every effect), "*" (everything). */
    private static ObjectNode toleration(String text) {
        ObjectNode t = F.objectNode();
        if (text.equals("*")) {
            t.put("operator", "Exists");
            return t;
        }
        int colon = text.lastIndexOf(':');
        String kv = colon < 0 ? text : text.substring(0, colon);
        if (colon >= 0) {
            t.put("effect", text.substring(colon + 1));
        }
        int eq = kv.indexOf('=');
        if (eq < 0) {
            t.put("key", kv);
            t.put("operator", "Exists");
        } else {
            t.put("key", kv.substring(0, eq));
            t.put("operator", "Equal");
            t.put("value", kv.substring(eq + 1));
        }
        return t;
    }

    private static ObjectNode pod(JsonNode c) {
        String ns = c.path("ns").asText("default");
        String name = c.get("name").asText();
        ObjectNode p = F.objectNode();
        p.put("apiVersion", "v1");
        p.put("kind", "Pod");
        ObjectNode md = p.putObject("metadata");
        md.put("name", name);
        md.put("namespace", ns);
        md.put("uid", uid("pod", ns, name));
        md.put("creationTimestamp", "2026-11-20T00:00:00Z");
        ObjectNode labels = md.putObject("labels");
        if (c.has("labels")) {
            labels.setAll((ObjectNode) c.get("labels"));
        }
        String owner = c.path("owner").asText("ReplicaSet/" + name + "-rs");
        if (!owner.equals("none")) {
            String kind = owner.substring(0, owner.indexOf('/'));
            String ownerName = owner.substring(owner.indexOf('/') + 1);
            ObjectNode ref = md.putArray("ownerReferences").addObject();
            ref.put("apiVersion", kind.equals("Job") ? "batch/v1" : "apps/v1");
            ref.put("kind", kind);
            ref.put("name", ownerName);
            ref.put("uid", uid(kind, ns, ownerName));
            ref.put("controller", true);
        }
        if (c.path("terminating").asBoolean(false)) {
            md.put("deletionTimestamp", "2026-11-21T09:59:00Z");
        }
        if (c.path("mirror").asBoolean(false)) {
            md.with("annotations").put("kubernetes.io/config.mirror", "abc");
        }
        if (c.has("annotations")) {
            md.with("annotations").setAll((ObjectNode) c.get("annotations"));
        }
        ObjectNode spec = p.putObject("spec");
        ObjectNode container = spec.putArray("containers").addObject();
        container.put("name", "main");
        container.put("image", c.path("image").asText("example/main"));
        if (!c.path("bestEffort").asBoolean(false)) {
            ObjectNode requests = container.putObject("resources").putObject("requests");
            requests.put("cpu", c.path("cpu").asText("100m"));
            requests.put("memory", c.path("memory").asText("128Mi"));
        }
        if (c.has("extraRequests")) {
            // extended resources, ephemeral-storage, hugepages: requested and limited alike, as extended resources must be
            container.with("resources").with("requests").setAll((ObjectNode) c.get("extraRequests"));
            container.with("resources").with("limits").setAll((ObjectNode) c.get("extraRequests"));
        }
        for (JsonNode port : c.path("hostPorts")) {
            if (port.isObject()) {
                // { hostPort: 53, protocol: UDP, hostIP: 127.0.0.1 }
                container.withArray("ports").add(port);
                continue;
            }
            ObjectNode p0 = container.withArray("ports").addObject();
            p0.put("containerPort", port.asInt());
            p0.put("hostPort", port.asInt());
            p0.put("protocol", "TCP");
        }
        if (c.has("resourceClaims")) {
            spec.set("resourceClaims", c.get("resourceClaims"));
        }
        if (c.has("priority")) {
            spec.put("priority", c.get("priority").asInt());
        }
        if (c.has("preemptionPolicy")) {
            spec.put("preemptionPolicy", c.get("preemptionPolicy").asText());
        }
        if (c.has("topologySpreadConstraints")) {
            spec.set("topologySpreadConstraints", c.get("topologySpreadConstraints"));
        }
        if (c.has("overhead")) {
            spec.set("overhead", c.get("overhead"));
        }
        if (c.has("node")) {
            spec.put("nodeName", c.get("node").asText());
        }
        if (c.has("nodeSelector")) {
            spec.set("nodeSelector", c.get("nodeSelector"));
        }
        if (c.has("affinity")) {
            spec.set("affinity", c.get("affinity"));
        }
        if (c.has("prefers")) {
            // prefers: { role: [infra, apps] } is the ArgoCD chart's preference: weight 100, key In values
            ArrayNode prefs = spec.with("affinity").with("nodeAffinity").withArray("preferredDuringSchedulingIgnoredDuringExecution");
            c.get("prefers").fields().forEachRemaining(e -> {
                ObjectNode term = prefs.addObject();
                term.put("weight", 100);
                ObjectNode expr = term.putObject("preference").putArray("matchExpressions").addObject();
                expr.put("key", e.getKey());
                expr.put("operator", "In");
                expr.set("values", e.getValue());
            });
        }
        ArrayNode tolerations = spec.putArray("tolerations");
        for (JsonNode t : c.path("tolerations")) {
            tolerations.add(t.isTextual() ? toleration(t.asText()) : t);
        }
        ArrayNode volumes = spec.putArray("volumes");
        for (JsonNode claim : c.path("claims")) {
            ObjectNode v = volumes.addObject();
            v.put("name", "vol-" + claim.asText());
            v.putObject("persistentVolumeClaim").put("claimName", claim.asText());
        }
        for (JsonNode hp : c.path("hostPath")) {
            ObjectNode v = volumes.addObject();
            v.put("name", hp.asText());
            v.putObject("hostPath").put("path", "/data/" + hp.asText());
        }
        // emptyDir: [data] (disk), or [{ name: tsdb, medium: Memory, sizeLimit: 1Gi }]
        for (JsonNode e : c.path("emptyDir")) {
            ObjectNode v = volumes.addObject();
            ObjectNode source = v.putObject("emptyDir");
            if (e.isTextual()) {
                v.put("name", e.asText());
            } else {
                v.put("name", e.get("name").asText());
                if (e.has("medium")) {
                    source.put("medium", e.get("medium").asText());
                }
                if (e.has("sizeLimit")) {
                    source.put("sizeLimit", e.get("sizeLimit").asText());
                }
            }
        }
        ObjectNode status = p.putObject("status");
        status.put("phase", c.path("phase").asText(c.has("node") ? "Running" : "Pending"));
        if (c.has("nominatedNode")) {
            status.put("nominatedNodeName", c.get("nominatedNode").asText());
        }
        if (c.has("node")) {
            // waiting: CrashLoopBackOff, restarts: 12 describe a container that does not stay up
            ObjectNode cs = status.putArray("containerStatuses").addObject();
            cs.put("name", "main");
            cs.put("ready", c.path("ready").asBoolean(true));
            cs.put("restartCount", c.path("restarts").asInt(0));
            if (c.has("waiting")) {
                cs.putObject("state").putObject("waiting").put("reason", c.get("waiting").asText());
            } else {
                cs.putObject("state").putObject("running").put("startedAt", "2026-11-20T00:00:05Z");
            }
        }
        if (c.has("node")) {
            ObjectNode ready = status.putArray("conditions").addObject();
            ready.put("type", "Ready");
            ready.put("status", c.path("ready").asBoolean(true) ? "True" : "False");
        }
        return p;
    }

    private static ObjectNode pdb(JsonNode c) {
        ObjectNode b = F.objectNode();
        b.put("apiVersion", "policy/v1");
        b.put("kind", "PodDisruptionBudget");
        ObjectNode md = b.putObject("metadata");
        md.put("name", c.get("name").asText());
        md.put("namespace", c.path("ns").asText("default"));
        ObjectNode spec = b.putObject("spec");
        spec.set("selector", c.get("selector"));
        spec.put("minAvailable", c.path("minAvailable").asInt(1));
        ObjectNode status = b.putObject("status");
        status.put("disruptionsAllowed", c.path("allowed").asInt(0));
        status.put("currentHealthy", c.path("healthy").asInt(1));
        status.put("desiredHealthy", c.path("desired").asInt(1));
        status.put("expectedPods", c.path("expected").asInt(1));
        return b;
    }

    private static ObjectNode pvc(JsonNode c) {
        ObjectNode o = F.objectNode();
        o.put("apiVersion", "v1");
        o.put("kind", "PersistentVolumeClaim");
        ObjectNode md = o.putObject("metadata");
        md.put("name", c.get("name").asText());
        md.put("namespace", c.path("ns").asText("default"));
        ObjectNode spec = o.putObject("spec");
        if (c.has("volume")) {
            spec.put("volumeName", c.get("volume").asText());
        }
        spec.put("storageClassName", "local-path");
        if (c.has("accessModes")) {
            spec.set("accessModes", c.get("accessModes"));
        }
        o.putObject("status").put("phase", c.path("phase").asText(c.has("volume") ? "Bound" : "Pending"));
        return o;
    }

    private static ObjectNode pv(JsonNode c) {
        ObjectNode o = F.objectNode();
        o.put("apiVersion", "v1");
        o.put("kind", "PersistentVolume");
        ObjectNode pvMeta = o.putObject("metadata");
        pvMeta.put("name", c.get("name").asText());
        if (c.has("labels")) {
            pvMeta.set("labels", c.get("labels")); // zone labels: { topology.kubernetes.io/zone: a }
        }
        ObjectNode spec = o.putObject("spec");
        spec.put("storageClassName", "local-path");
        if (c.has("csiDriver")) {
            spec.putObject("csi").put("driver", c.get("csiDriver").asText()).put("volumeHandle", c.get("name").asText());
        }
        if (c.has("node")) {
            ObjectNode expr = spec.putObject("nodeAffinity").putObject("required").putArray("nodeSelectorTerms")
                    .addObject().putArray("matchExpressions").addObject();
            expr.put("key", "kubernetes.io/hostname");
            expr.put("operator", "In");
            expr.putArray("values").add(c.get("node").asText());
        }
        return o;
    }

    /**
     * "Filter" or "Filter: words": the filter's code must be among the node's refusals (decided on the code);
     * words, when given, must be in that filter's reason.
     */
    public static void assertRejected(List<Rejection> rejections, String wanted, String what) {
        int colon = wanted.indexOf(": ");
        String filter = colon < 0 ? wanted : wanted.substring(0, colon);
        assertThat(rejections.stream().map(Rejection::filter).toList()).as(what + " " + rejections).contains(filter);
        if (colon >= 0) {
            assertThat(rejections.stream().filter(r -> r.filter().equals(filter)).map(Rejection::reason).toList())
                    .as(what + ": words").anyMatch(r -> r.contains(wanted.substring(colon + 2)));
        }
    }
}
