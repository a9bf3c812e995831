package dev.happypath.rebalancer.cluster;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

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

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ItemTrees() {
    }

    /** The value at the parser's current token, as a tree; the parser is left on its last token. */
    static JsonNode read(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT) {
            ObjectNode object = NODES.objectNode();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ((value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) && UNUSED.contains(field)) {
                    parser.skipChildren();
                } else {
                    object.set(field, read(parser));
                }
            }
            return object;
        }
        if (token == JsonToken.START_ARRAY) {
            ArrayNode array = NODES.arrayNode();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                array.add(read(parser));
            }
            return array;
        }
        return scalar(parser, token);
    }

    /** As the model binding's own tree reader types scalars (so "4096" and 4096 stay what they were). */
    private static JsonNode scalar(JsonParser parser, JsonToken token) throws IOException {
        if (token == null) {
            return null;
        }
        return switch (token) {
            case VALUE_STRING -> NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT -> NODES.numberNode(parser.getIntValue());
                case LONG -> NODES.numberNode(parser.getLongValue());
                default -> NODES.numberNode(parser.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> switch (parser.getNumberType()) {
                case BIG_DECIMAL -> NODES.numberNode(parser.getDecimalValue());
                case FLOAT -> NODES.numberNode(parser.getFloatValue());
                default -> NODES.numberNode(parser.getDoubleValue());
            };
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            case VALUE_EMBEDDED_OBJECT -> NODES.pojoNode(parser.getEmbeddedObject());
            default -> throw new IOException("unexpected " + token + " at " + parser.currentLocation());
        };
    }
}
