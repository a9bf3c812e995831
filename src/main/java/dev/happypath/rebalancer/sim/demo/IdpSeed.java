package dev.happypath.rebalancer.sim.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The IDP Blueprint as the demo's cluster starts: {@code config/examples/idp-green.yaml} (built into the
 * jar), the kubectl dump of its three k3d nodes and every platform pod with the requests, PriorityClass,
 * tolerations, affinity and local-path volumes its charts give them. A scenario may change it, and says so.
 *
 * <p>The dump was taken at {@link #TAKEN_AT}; every timestamp in it is shifted so that this instant becomes
 * the simulation's start (nodes Ready "since yesterday" stay so, whatever today is).
 */
public final class IdpSeed {

    public static final String RESOURCE = "idp-green.yaml";
    public static final String SOURCE = "config/examples/idp-green.yaml";
    /** The instant the dump describes (its header's --now). */
    public static final Instant TAKEN_AT = Instant.parse("2026-11-21T10:00:00Z");

    public static final String SERVER = "k3d-idp-demo-server-0";
    public static final String AGENT0 = "k3d-idp-demo-agent-0";
    public static final String AGENT1 = "k3d-idp-demo-agent-1";

    private final List<ObjectNode> items;

    private IdpSeed(List<ObjectNode> items) {
        this.items = items;
    }

    public static IdpSeed load() {
        try (InputStream in = IdpSeed.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not in the jar (built from " + SOURCE + ")");
            }
            JsonNode root = new YAMLMapper().readTree(in);
            List<ObjectNode> items = new ArrayList<>();
            for (JsonNode item : root.get("items")) {
                items.add((ObjectNode) item);
            }
            return new IdpSeed(items);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** The objects to create, with every timestamp moved so that the dump's instant is {@code start}. */
    public List<HasMetadata> objects(Instant start) {
        Duration shift = Duration.between(TAKEN_AT, start);
        List<HasMetadata> out = new ArrayList<>();
        for (ObjectNode item : items) {
            ObjectNode copy = item.deepCopy();
            shiftTimes(copy, shift);
            out.add(Serialization.unmarshal(copy.toString(), HasMetadata.class));
        }
        return out;
    }

    /**
     * Keeps the pod's data in an emptyDir instead of its PersistentVolumeClaim, and drops the claim and its
     * volume: a local-path volume would pin the pod to its node.
     */
    public IdpSeed withoutVolume(String namespace, String podName) {
        ObjectNode pod = find("Pod", namespace, podName);
        String claim = null;
        for (JsonNode v : pod.path("spec").path("volumes")) {
            if (v.has("persistentVolumeClaim")) {
                claim = v.path("persistentVolumeClaim").path("claimName").asText();
                ((ObjectNode) v).remove("persistentVolumeClaim");
                ((ObjectNode) v).putObject("emptyDir");
            }
        }
        if (claim == null) {
            throw new IllegalStateException(namespace + "/" + podName + " mounts no claim in " + SOURCE);
        }
        String claimName = claim;
        ObjectNode pvc = find("PersistentVolumeClaim", namespace, claimName);
        String volume = pvc.path("spec").path("volumeName").asText();
        items.remove(pvc);
        items.removeIf(i -> i.path("kind").asText().equals("PersistentVolume") && i.path("metadata").path("name").asText().equals(volume));
        return this;
    }

    /** Adds a policy/v1 PodDisruptionBudget (its status is the disruption controller's, kept by the simulation). */
    public IdpSeed withBudget(String namespace, String name, Map<String, String> matchLabels, int minAvailable) {
        ObjectNode pdb = Serialization.jsonMapper().createObjectNode();
        pdb.put("apiVersion", "policy/v1");
        pdb.put("kind", "PodDisruptionBudget");
        pdb.putObject("metadata").put("name", name).put("namespace", namespace);
        ObjectNode spec = pdb.putObject("spec");
        spec.put("minAvailable", minAvailable);
        ObjectNode labels = spec.putObject("selector").putObject("matchLabels");
        matchLabels.forEach(labels::put);
        items.add(pdb);
        return this;
    }

    private ObjectNode find(String kind, String namespace, String name) {
        Predicate<ObjectNode> match = i -> i.path("kind").asText().equals(kind)
                && i.path("metadata").path("name").asText().equals(name)
                && i.path("metadata").path("namespace").asText().equals(namespace);
        return items.stream().filter(match).findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + kind + " " + namespace + "/" + name + " in " + SOURCE));
    }

    private static void shiftTimes(JsonNode node, Duration shift) {
        if (node instanceof ObjectNode o) {
            Iterator<Map.Entry<String, JsonNode>> fields = o.fields();
            List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
            fields.forEachRemaining(entries::add);
            for (Map.Entry<String, JsonNode> e : entries) {
                String key = e.getKey();
                JsonNode value = e.getValue();
                if (value.isTextual() && (key.endsWith("Time") || key.endsWith("Timestamp") || key.equals("timeAdded"))) {
                    try {
                        o.set(key, TextNode.valueOf(Instant.parse(value.asText()).plus(shift).toString()));
                    } catch (DateTimeParseException notATime) {
                        // left as it is
                    }
                } else {
                    shiftTimes(value, shift);
                }
            }
        } else if (node instanceof ArrayNode a) {
            a.forEach(child -> shiftTimes(child, shift));
        }
    }
}
