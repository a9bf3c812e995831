package dev.happypath.rebalancer.cluster;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;

import dev.happypath.rebalancer.config.YamlTrees;

import java.io.IOException;
import java.util.Set;

/**
 * Reads one object of a LIST (or of a kubectl dump) into the small tree {@link ModelConverter} reads,
 * leaving out the parts no decision uses: probes, env, mounts, projected volumes, a container's last state,
 * managedFields. (A node's image list is kept: the ImageLocality score reads it.) They are most of a Pod's bytes, and building them as trees only
 * to drop them was most of the cost of reading a large dump (docs/performance.md).
 *
 * <p>A field is left out when its name is in {@link #UNUSED} and its value is an object or an array, at
 * any depth: a scalar of that name (a label "env: prod") is kept. The parser still reads what is left
 * out, so malformed input is still refused. None of these names is one the converter reads;
 * ModelConverterTest converts every fixture through this reader and compares with the model binding.
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

    private ItemTrees() {
    }

    /**
     * The value at the parser's current token, as a tree; the parser is left on its last token. Anchors,
     * aliases and merge keys resolve as YAML says ({@link YamlTrees}).
     */
    static JsonNode read(JsonParser parser) throws IOException {
        return read(parser, new YamlTrees.Anchors());
    }

    /** As {@link #read(JsonParser)}, with the anchors the document has set so far. */
    static JsonNode read(JsonParser parser, YamlTrees.Anchors anchors) throws IOException {
        return YamlTrees.read(parser, anchors, UNUSED);
    }
}
