package dev.happypath.rebalancer.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A strategic merge patch ({@code application/strategic-merge-patch+json}) applied as the API server applies
 * it to the kinds this API holds: what {@code kubectl cordon}, {@code uncordon}, {@code taint}, {@code label},
 * {@code annotate} and {@code patch} send. CRUD mode knows only JSON patch and JSON merge patch (415 for this).
 *
 * <p>Like a JSON merge patch (RFC 7386: objects merge, {@code null} removes), except that the lists Kubernetes
 * declares {@code patchStrategy: merge} merge element by element on their merge key (containers by name,
 * conditions by type, ...; a {@code {"$patch": "delete"}} element removes one), {@code finalizers} merge as a
 * set, and the directives {@code $patch} (replace, delete), {@code $retainKeys} and
 * {@code $deleteFromPrimitiveList/...} apply. Every other list is atomic and replaced whole ({@code taints},
 * {@code tolerations}), as upstream. {@code $setElementOrder/...} is read and ignored: merged elements keep
 * the order of the object, new ones come last.
 */
final class StrategicMergePatch {

    /** The merge key of each list Kubernetes merges element by element, by field name (core/v1 and meta/v1). */
    private static final Map<String, String> MERGE_KEYS = Map.ofEntries(
            Map.entry("containers", "name"), Map.entry("initContainers", "name"), Map.entry("ephemeralContainers", "name"),
            Map.entry("volumes", "name"), Map.entry("imagePullSecrets", "name"), Map.entry("env", "name"),
            Map.entry("ports", "containerPort"), Map.entry("volumeMounts", "mountPath"), Map.entry("volumeDevices", "devicePath"),
            Map.entry("conditions", "type"), Map.entry("addresses", "type"), Map.entry("ownerReferences", "uid"),
            Map.entry("hostAliases", "ip"), Map.entry("podIPs", "ip"), Map.entry("hostIPs", "ip"),
            Map.entry("topologySpreadConstraints", "topologyKey"), Map.entry("resourceClaims", "name"));
    /** Lists of scalars Kubernetes merges as a set. */
    private static final Set<String> SET_LISTS = Set.of("finalizers");

    private static final String PATCH = "$patch";
    private static final String RETAIN_KEYS = "$retainKeys";
    private static final String DELETE_FROM = "$deleteFromPrimitiveList/";
    private static final String ELEMENT_ORDER = "$setElementOrder/";

    private StrategicMergePatch() {
    }

    /** The object after the patch; {@code current} is not changed. */
    static JsonNode apply(JsonNode current, JsonNode patch) {
        if (!patch.isObject()) {
            throw new IllegalArgumentException("a strategic merge patch is a JSON object, got " + patch.getNodeType());
        }
        JsonNode merged = mergeObject(current != null && current.isObject() ? (ObjectNode) current.deepCopy() : null, (ObjectNode) patch);
        return merged == null ? current.deepCopy() : merged;
    }

    /** @return the merged object, or null when the patch deletes it ({@code $patch: delete}) */
    private static ObjectNode mergeObject(ObjectNode target, ObjectNode patch) {
        String directive = patch.path(PATCH).asText("");
        if (directive.equals("delete")) {
            return null;
        }
        if (directive.equals("replace") || target == null) {
            return withoutDirectives(patch);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode value = e.getValue();
            if (key.equals(PATCH) || key.equals(RETAIN_KEYS) || key.startsWith(ELEMENT_ORDER)) {
                continue;
            }
            if (key.startsWith(DELETE_FROM)) {
                String field = key.substring(DELETE_FROM.length());
                JsonNode list = target.get(field);
                if (list != null && list.isArray()) {
                    Set<JsonNode> gone = new HashSet<>();
                    value.forEach(gone::add);
                    ArrayNode kept = target.arrayNode();
                    list.forEach(v -> {
                        if (!gone.contains(v)) {
                            kept.add(v);
                        }
                    });
                    target.set(field, kept);
                }
                continue;
            }
            if (value.isNull()) {
                target.remove(key);
            } else if (value.isObject()) {
                JsonNode old = target.get(key);
                ObjectNode merged = mergeObject(old != null && old.isObject() ? (ObjectNode) old : null, (ObjectNode) value);
                if (merged == null) {
                    target.remove(key);
                } else {
                    target.set(key, merged);
                }
            } else if (value.isArray()) {
                target.set(key, mergeList(key, target.get(key), (ArrayNode) value));
            } else {
                target.set(key, value);
            }
        }
        JsonNode retain = patch.get(RETAIN_KEYS);
        if (retain != null && retain.isArray()) {
            Set<String> keep = new HashSet<>();
            retain.forEach(k -> keep.add(k.asText()));
            List<String> drop = new ArrayList<>();
            target.fieldNames().forEachRemaining(k -> {
                if (!keep.contains(k)) {
                    drop.add(k);
                }
            });
            target.remove(drop);
        }
        return target;
    }

    private static JsonNode mergeList(String field, JsonNode current, ArrayNode patch) {
        for (JsonNode element : patch) {
            if (element.isObject() && "replace".equals(element.path(PATCH).asText())) {
                // {"$patch": "replace"} among the elements: the list is the other elements
                ArrayNode replaced = patch.arrayNode();
                patch.forEach(x -> {
                    if (x != element) {
                        replaced.add(x.isObject() ? withoutDirectives((ObjectNode) x) : x);
                    }
                });
                return replaced;
            }
        }
        ArrayNode result = current != null && current.isArray() ? (ArrayNode) current.deepCopy() : patch.arrayNode();
        if (SET_LISTS.contains(field)) {
            Set<JsonNode> present = new HashSet<>();
            result.forEach(present::add);
            patch.forEach(v -> {
                if (present.add(v)) {
                    result.add(v);
                }
            });
            return result;
        }
        String mergeKey = MERGE_KEYS.get(field);
        if (mergeKey == null || current == null || !current.isArray()) {
            // an atomic list (or nothing to merge into): the patch's list is the list, directives stripped
            ArrayNode replaced = patch.arrayNode();
            patch.forEach(x -> {
                if (!(x.isObject() && "delete".equals(x.path(PATCH).asText()))) {
                    replaced.add(x.isObject() ? withoutDirectives((ObjectNode) x) : x);
                }
            });
            return replaced;
        }
        for (JsonNode element : patch) {
            if (!element.isObject()) {
                continue;
            }
            JsonNode key = element.get(mergeKey);
            int at = indexOf(result, mergeKey, key);
            if ("delete".equals(element.path(PATCH).asText())) {
                if (at >= 0) {
                    result.remove(at);
                }
            } else if (at >= 0) {
                ObjectNode merged = mergeObject((ObjectNode) result.get(at), (ObjectNode) element);
                if (merged == null) {
                    result.remove(at);
                } else {
                    result.set(at, merged);
                }
            } else {
                result.add(withoutDirectives((ObjectNode) element));
            }
        }
        return result;
    }

    private static int indexOf(ArrayNode list, String mergeKey, JsonNode key) {
        for (int i = 0; i < list.size(); i++) {
            if (key != null && key.equals(list.get(i).get(mergeKey))) {
                return i;
            }
        }
        return -1;
    }

    private static ObjectNode withoutDirectives(ObjectNode patch) {
        ObjectNode clean = patch.objectNode();
        patch.fields().forEachRemaining(e -> {
            String k = e.getKey();
            if (k.startsWith("$")) {
                return;
            }
            JsonNode v = e.getValue();
            if (v.isNull()) {
                return;
            }
            clean.set(k, v.isObject() ? withoutDirectives((ObjectNode) v) : v);
        });
        return clean;
    }
}
