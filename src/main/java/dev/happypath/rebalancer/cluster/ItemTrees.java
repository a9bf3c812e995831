package dev.happypath.rebalancer.cluster;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.happypath.rebalancer.config.YamlTrees;
import dev.happypath.rebalancer.config.YamlTrees.Keep;

import java.io.IOException;
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
 *   <li>A Pod read from JSON (a LIST of pods, a {@code -o json} dump) is not a tree: {@link PodWire} reads only
 *       what its conversion reads, straight from the tokens.</li>
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

    private ItemTrees() {
    }

    /** The value at the parser's current token, as a tree; the parser is left on its last token. */
    static JsonNode read(JsonParser parser) throws IOException {
        return YamlTrees.read(parser, new YamlTrees.Anchors(), ANY);
    }

    /**
     * An item of a dump, which people write too: a tree, with the anchors the document has set so far (YAML)
     * and a field written twice refused (in JSON; the YAML parser refuses it itself). In JSON, a Pod whose
     * apiVersion and kind come before its other fields (as kubectl writes them) is read straight into a
     * {@link PodWire} instead.
     *
     * @return a {@link JsonNode}, or a {@link PodWire}
     */
    static Object readItem(JsonParser parser, YamlTrees.Anchors anchors) throws IOException {
        if (parser instanceof YAMLParser || parser.currentToken() != JsonToken.START_OBJECT) {
            return YamlTrees.read(parser, anchors, ANY, !(parser instanceof YAMLParser));
        }
        YamlTrees.Names names = new YamlTrees.Names();
        int mark = names.mark();
        ObjectNode item = JsonNodeFactory.instance.objectNode();
        boolean head = true;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            names.add(parser, field, mark);
            JsonToken value = parser.nextToken();
            if (head && !field.equals("kind") && !field.equals("apiVersion")) {
                JsonNode kind = item.get("kind");
                if (kind != null && kind.isTextual() && kind.textValue().equals("Pod")) {
                    return PodWire.readRest(parser, anchors, names, mark, field);
                }
                head = false;
            }
            if (ANY.field(field, value, item) == null) {
                names.skip(parser);
            } else {
                item.set(field, YamlTrees.read(parser, anchors, ANY, names));
            }
        }
        names.reset(mark);
        return item;
    }

    /** An item of a LIST of pods (whose items carry no kind), read straight into a {@link PodWire}. */
    static PodWire readPod(JsonParser parser) throws IOException {
        return PodWire.read(parser, new YamlTrees.Anchors(), null);
    }
}
