package dev.happypath.rebalancer.scheduling.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.happypath.rebalancer.cluster.SnapshotFile;
import dev.happypath.rebalancer.scheduling.Filters;
import dev.happypath.rebalancer.scheduling.NodeFilter;
import dev.happypath.rebalancer.scheduling.PlanningView;
import dev.happypath.rebalancer.scheduling.SchedulerProfile;
import dev.happypath.rebalancer.scheduling.ScorePlugin;
import dev.happypath.rebalancer.scheduling.Scores;
import dev.happypath.rebalancer.scheduling.VolumeFilters;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One case of an upstream kube-scheduler plugin test table, written as the cluster it describes and the verdicts
 * or scores the upstream test expects (src/test/resources/conformance/*.yaml; the format is described in
 * README.md there). The cluster goes through a kubectl dump and {@link SnapshotFile}, as a real one does; the one
 * plugin under test is then asked, as the prediction asks it: a filter per node, a score over the nodes given.
 *
 * @param knownDifference why the model cannot agree (the dump cannot express the input), or null: such a case must
 *                        still disagree, so that it leaves the list once the model learns it
 */
record ConformanceCase(String plugin, String kind, String upstreamFile, String test, String name, JsonNode cluster,
                       Map<String, JsonNode> want, String knownDifference) {

    private static final ObjectMapper YAML = new YAMLMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    static final Path DIR = Path.of("src/test/resources/conformance");

    @Override
    public String toString() {
        return plugin + " " + kind + ": " + test + " \"" + name + "\"";
    }

    /** Every case of every table, in file order. */
    static List<ConformanceCase> all() {
        List<ConformanceCase> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                all.addAll(load(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    static List<ConformanceCase> load(Path file) throws IOException {
        JsonNode root = YAML.readTree(file.toFile());
        List<ConformanceCase> cases = new ArrayList<>();
        for (JsonNode c : root.path("cases")) {
            if (!c.has("nodes") && root.has("nodes")) {
                // the table's node, as the upstream test sets the same node into every case
                ((com.fasterxml.jackson.databind.node.ObjectNode) c).set("nodes", root.get("nodes"));
            }
            Map<String, JsonNode> want = new LinkedHashMap<>();
            c.get("want").fields().forEachRemaining(e -> want.put(e.getKey(), e.getValue()));
            cases.add(new ConformanceCase(root.get("plugin").asText(), c.path("kind").asText(root.get("kind").asText()),
                    c.path("upstream").asText(root.get("upstream").asText()), c.path("test").asText(root.get("test").asText()),
                    c.get("name").asText(), c, want, c.hasNonNull("knownDifference") ? c.get("knownDifference").asText() : null));
        }
        return cases;
    }

    /** What the model says, per node of {@link #want}: "pass"/"fail" for a filter, the weighted score for a score. */
    Map<String, String> model() {
        ClusterSnapshot snapshot;
        try {
            snapshot = snapshot();
        } catch (dev.happypath.rebalancer.InvalidInputException e) {
            // an input the API server itself would refuse, and so does the dump reader
            return Map.of("(dump)", "refused: " + e.getMessage());
        }
        // the pod being scheduled keeps the upstream test's name where its claims are named after it (ephemeral volumes)
        String name = cluster.path("pod").path("name").asText(INCOMING);
        String namespace = cluster.path("pod").path("ns").asText("default");
        PodState pod = snapshot.pods().stream().filter(p -> p.name().equals(name) && p.namespace().equals(namespace))
                .findFirst().orElseThrow();
        PlanningView view = new PlanningView(snapshot);
        Map<String, String> got = new LinkedHashMap<>();
        if (kind.equals("filter")) {
            NodeFilter filter = filter(plugin);
            // what the planner does first: a landing that depends on input a dump does not hold is not judged at all
            // (CANNOT_JUDGE_FILTER). Such an answer never equals an upstream verdict, pass or fail: the case can only
            // be a known difference, and it is not counted as agreeing.
            Optional<String> unjudged = filter == VolumeFilters.NODE_VOLUME_LIMITS
                    ? VolumeFilters.cannotJudge(pod, view, SchedulerProfile.defaults()) : Optional.empty();
            NodeFilter.NodeCheck check = filter.prepare(pod, view);
            for (String node : want.keySet()) {
                Optional<String> r = check.reject(snapshot.node(node).orElseThrow());
                got.put(node, unjudged.isPresent() ? CANNOT_JUDGE : r.isPresent() ? "fail" : "pass");
            }
        } else {
            ScorePlugin score = score(plugin);
            List<NodeState> nodes = new ArrayList<>();
            for (String node : want.keySet()) {
                nodes.add(snapshot.node(node).orElseThrow());
            }
            long[] s = score.score(pod, nodes, view);
            for (int i = 0; i < s.length; i++) {
                got.put(nodes.get(i).name(), Long.toString(s[i] * score.weight()));
            }
        }
        return got;
    }

    /** What the upstream test expects, in the same form (scores times the plugin's weight, as --explain prints them). */
    Map<String, String> expected() {
        Map<String, String> out = new LinkedHashMap<>();
        want.forEach((node, v) -> out.put(node, kind.equals("filter")
                ? (v.asBoolean() ? "pass" : "fail") : Long.toString(v.asLong() * score(plugin).weight())));
        return out;
    }

    static NodeFilter filter(String name) {
        return Filters.DEFAULT.stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no filter " + name));
    }

    static ScorePlugin score(String name) {
        return Scores.DEFAULT.stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no score plugin " + name));
    }

    // --- the cluster as a kubectl dump ------------------------------------------------------------

    static final String INCOMING = "incoming";

    /** The model's answer where it does not judge a filter (see {@link VolumeFilters#cannotJudge}). */
    static final String CANNOT_JUDGE = "cannot judge";

    private ClusterSnapshot snapshot() {
        ArrayNode items = F.arrayNode();
        JsonNode nodes = cluster.path("nodes");
        if (nodes.isMissingNode()) {
            // a test table that names no nodes asks about one node, as framework.NewNodeInfo() does
            nodes = F.arrayNode().add(F.objectNode().put("name", "node1"));
        }
        for (JsonNode n : nodes) {
            items.add(node(n));
        }
        int i = 0;
        for (JsonNode p : cluster.path("pods")) {
            items.add(pod(p, "p" + i++));
        }
        items.add(pod(cluster.path("pod"), INCOMING));
        for (JsonNode c : cluster.path("pvcs")) {
            items.add(object("PersistentVolumeClaim", c));
        }
        for (JsonNode v : cluster.path("pvs")) {
            items.add(object("PersistentVolume", v));
        }
        ObjectNode list = F.objectNode().put("apiVersion", "v1").put("kind", "List");
        list.set("items", items);
        try {
            Path file = Files.createTempFile("conformance-", ".json");
            try {
                Files.writeString(file, new ObjectMapper().writeValueAsString(list));
                return SnapshotFile.read(file, Instant.parse("2026-11-21T10:00:00Z"));
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** { name, labels, taints: [raw], unschedulable, allocatable: {raw}, images: [raw] } */
    private static ObjectNode node(JsonNode c) {
        ObjectNode n = F.objectNode().put("apiVersion", "v1").put("kind", "Node");
        String name = c.get("name").asText();
        ObjectNode md = n.putObject("metadata").put("name", name).put("uid", "uid-node-" + name);
        if (c.has("labels")) {
            md.set("labels", c.get("labels"));
        }
        ObjectNode spec = n.putObject("spec");
        if (c.has("taints")) {
            spec.set("taints", c.get("taints"));
        }
        if (c.path("unschedulable").asBoolean(false)) {
            spec.put("unschedulable", true);
        }
        ObjectNode status = n.putObject("status");
        if (c.has("allocatable")) {
            status.set("allocatable", c.get("allocatable"));
        }
        if (c.has("images")) {
            status.set("images", c.get("images"));
        }
        status.putArray("conditions").addObject().put("type", "Ready").put("status", "True")
                .put("lastTransitionTime", "2026-11-20T00:00:00Z");
        return n;
    }

    /**
     * { name, ns, labels, node, terminating, containers: [container], initContainers: [container], spec: {raw, merged} }
     * with container { image, requests: {raw}, limits: {raw}, ports: ["TCP/127.0.0.1/8080" | raw], restartPolicy }.
     * Shortcuts for a single container: requests, limits, ports, image at the pod's top level.
     */
    private static ObjectNode pod(JsonNode c, String defaultName) {
        ObjectNode p = F.objectNode().put("apiVersion", "v1").put("kind", "Pod");
        String ns = c.path("ns").asText("default");
        String name = c.path("name").asText(defaultName);
        ObjectNode md = p.putObject("metadata").put("name", name).put("namespace", ns).put("uid", "uid-pod-" + ns + "-" + name)
                .put("creationTimestamp", "2026-11-20T00:00:00Z");
        if (c.has("labels")) {
            md.set("labels", c.get("labels"));
        }
        if (c.path("terminating").asBoolean(false)) {
            md.put("deletionTimestamp", "2026-11-21T09:59:00Z");
        }
        if (c.has("owner")) {
            // owner: ReplicaSet/web, the controlling owner
            String[] owner = c.get("owner").asText().split("/");
            md.putArray("ownerReferences").addObject().put("apiVersion", "apps/v1").put("kind", owner[0]).put("name", owner[1])
                    .put("uid", "uid-" + owner[0] + "-" + ns + "-" + owner[1]).put("controller", true);
        }
        ObjectNode spec = p.putObject("spec");
        ArrayNode containers = spec.putArray("containers");
        if (c.has("containers")) {
            for (JsonNode k : c.get("containers")) {
                containers.add(container(k, "c" + containers.size()));
            }
        } else {
            containers.add(container(c, "c0"));
        }
        if (c.has("initContainers")) {
            ArrayNode inits = spec.putArray("initContainers");
            for (JsonNode k : c.get("initContainers")) {
                inits.add(container(k, "i" + inits.size()));
            }
        }
        if (c.has("node")) {
            spec.put("nodeName", c.get("node").asText());
        }
        if (c.has("spec")) {
            Iterator<Map.Entry<String, JsonNode>> it = c.get("spec").fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                spec.set(e.getKey(), e.getValue());
            }
        }
        p.putObject("status").put("phase", c.has("node") ? "Running" : "Pending");
        return p;
    }

    private static ObjectNode container(JsonNode c, String name) {
        ObjectNode k = F.objectNode().put("name", name);
        if (c.has("image")) {
            k.put("image", c.get("image").asText());
        }
        if (c.has("restartPolicy")) {
            k.put("restartPolicy", c.get("restartPolicy").asText());
        }
        if (c.has("requests") || c.has("limits")) {
            ObjectNode r = k.putObject("resources");
            if (c.has("requests")) {
                r.set("requests", c.get("requests"));
            }
            if (c.has("limits")) {
                r.set("limits", c.get("limits"));
            }
        }
        if (c.has("ports")) {
            ArrayNode ports = k.putArray("ports");
            for (JsonNode port : c.get("ports")) {
                if (port.isTextual()) {
                    // "PROTOCOL/hostIP/hostPort", as the upstream NodePorts test writes them
                    String[] parts = port.asText().split("/");
                    ObjectNode o = ports.addObject().put("protocol", parts[0]).put("hostPort", Integer.parseInt(parts[2]))
                            .put("containerPort", Integer.parseInt(parts[2]));
                    if (!parts[1].isEmpty()) {
                        o.put("hostIP", parts[1]);
                    }
                } else {
                    ports.add(port);
                }
            }
        }
        return k;
    }

    private static ObjectNode object(String kind, JsonNode raw) {
        ObjectNode o = ((ObjectNode) raw).deepCopy();
        o.put("apiVersion", "v1");
        o.put("kind", kind);
        return o;
    }
}
