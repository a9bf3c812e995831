package dev.happypath.rebalancer.cluster;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;

import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.happypath.rebalancer.config.YamlTrees;
import dev.happypath.rebalancer.config.YamlTrees.Keep;

import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * Reads one object of a LIST (or of a kubectl dump) into the small tree {@link ModelConverter} reads,
 * leaving out the parts no decision uses. Building them as trees only to drop them was most of the cost of
 * reading a large dump (docs/performance.md).
 *
 * <ul>
 *   <li>Any object leaves out the subtrees named in {@link #UNUSED} (probes, env, mounts, projected volumes, a
 *       container's last state, managedFields), at any depth; a scalar of such a name (a label "env: prod")
 *       is kept. A node's image list is kept: the ImageLocality score reads it.</li>
 *   <li>A Pod read from JSON (a LIST of pods, a {@code -o json} dump) keeps only the fields of {@link #POD}:
 *       what its conversion reads.</li>
 * </ul>
 *
 * <p>The parser still reads what is left out, so malformed input is still refused. ModelConverterTest
 * converts every fixture through this reader, as a dump item and as an item of a LIST of pods, and compares
 * with the model binding, which reads every field.
 */
final class ItemTrees {

    /** Fields whose object or array value no part of the rebalancer reads. */
    static final Set<String> UNUSED = Set.of(
            "managedFields",
            // pod status
            // (containerStatuses are read: a waiting reason and restart counts tell a crash-looping pod)
            "initContainerStatuses", "ephemeralContainerStatuses", "podIPs", "hostIPs", "lastState", "allocatedResources",
            // containers
            "livenessProbe", "readinessProbe", "startupProbe", "lifecycle", "env", "envFrom", "volumeMounts",
            "volumeDevices", "args", "command", "securityContext",
            // pod spec
            "ephemeralContainers", "imagePullSecrets", "dnsConfig", "hostAliases", "readinessGates",
            // volume sources that never pin a pod to a node
            // (emptyDir is read: its data is lost with an eviction)
            "projected", "configMap", "secret", "downwardAPI",
            // node status
            "nodeInfo", "daemonEndpoints", "addresses", "volumesAttached", "volumesInUse");

    /** Any object: everything but the {@link #UNUSED} subtrees. */
    static final Keep ANY = Keep.allBut(UNUSED);

    /**
     * A Pod read from JSON keeps only the fields {@link ModelConverter#pod} reads, down to the level where
     * it reads a part whole (labels, affinity, resources, a volume's source): 30,000 pods are most of a large
     * cluster's bytes, and each field kept is a node built (docs/performance.md). A field listed here with
     * {@link #ANY} is kept whole. ModelConverterTest converts every fixture through this reader and compares
     * with the model binding, which reads every field: a field the converter reads and this leaves out fails it.
     */
    static final Keep POD = only(Map.of(
            "metadata", only(Map.of(
                    "name", ANY, "namespace", ANY, "uid", ANY, "labels", ANY, "annotations", ANY,
                    "creationTimestamp", ANY, "deletionTimestamp", ANY,
                    "ownerReferences", only(Map.of("controller", ANY, "kind", ANY, "name", ANY, "uid", ANY)))),
            "spec", only(Map.ofEntries(
                    Map.entry("nodeName", ANY), Map.entry("priority", ANY), Map.entry("priorityClassName", ANY),
                    Map.entry("schedulerName", ANY), Map.entry("preemptionPolicy", ANY), Map.entry("nodeSelector", ANY),
                    Map.entry("affinity", ANY), Map.entry("tolerations", ANY), Map.entry("topologySpreadConstraints", ANY),
                    Map.entry("resourceClaims", ANY), Map.entry("resources", ANY), Map.entry("overhead", ANY),
                    Map.entry("containers", only(Map.of("image", ANY, "restartPolicy", ANY, "ports", ANY, "resources", ANY))),
                    Map.entry("initContainers", only(Map.of("image", ANY, "restartPolicy", ANY, "ports", ANY, "resources", ANY))),
                    Map.entry("volumes", only(Map.of("name", ANY, "persistentVolumeClaim", ANY, "ephemeral", ANY,
                            "hostPath", ANY, "emptyDir", ANY))))),
            "status", only(Map.of(
                    "phase", ANY, "nominatedNodeName", ANY,
                    "conditions", only(Map.of("type", ANY, "status", ANY)),
                    "containerStatuses", only(Map.of("restartCount", ANY, "state", ANY))))));

    /**
     * An item of a dump: a Pod's parts by {@link #POD} once its {@code kind} has been read (kubectl writes
     * apiVersion and kind first), anything else, or a Pod whose kind comes later, by {@link #ANY}.
     */
    static final Keep ITEM = (field, value, object) -> {
        if (field.equals("kind") || field.equals("apiVersion")) {
            return ANY;
        }
        JsonNode kind = object.get("kind");
        return kind != null && kind.isTextual() && kind.textValue().equals("Pod") ? POD.field(field, value, object) : ANY.field(field, value, object);
    };

    private ItemTrees() {
    }

    /** The named fields, each kept by its rule; any other field is left out. */
    private static Keep only(Map<String, Keep> fields) {
        return (field, value, object) -> fields.get(field);
    }

    /**
     * The value at the parser's current token, as a tree; the parser is left on its last token. Anchors,
     * aliases and merge keys resolve as YAML says ({@link YamlTrees}).
     */
    static JsonNode read(JsonParser parser) throws IOException {
        return YamlTrees.read(parser, new YamlTrees.Anchors(), keep(parser, ITEM));
    }

    /**
     * An item of a dump, which people write too: as {@link #read(JsonParser)}, with the anchors the document
     * has set so far, and a field written twice in JSON refused (the YAML parser refuses it itself).
     */
    static JsonNode read(JsonParser parser, YamlTrees.Anchors anchors) throws IOException {
        return YamlTrees.read(parser, anchors, keep(parser, ITEM), !(parser instanceof YAMLParser));
    }

    /** An item of a LIST of pods, whose items carry no kind. */
    static JsonNode readPod(JsonParser parser) throws IOException {
        return YamlTrees.read(parser, new YamlTrees.Anchors(), keep(parser, POD));
    }

    /**
     * JSON is projected; YAML keeps all but the {@link #UNUSED} subtrees, because an alias may use a part
     * left out elsewhere, and a projection made for one place would cut what another reads.
     */
    private static Keep keep(JsonParser parser, Keep projection) {
        return parser instanceof YAMLParser ? ANY : projection;
    }
}
