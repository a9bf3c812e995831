package dev.happypath.rebalancer.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.zjsonpatch.JsonPatch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders a kustomization the way {@code kubectl kustomize} does, for the subset this repository uses
 * (resources: files and directories; namespace; patches: inline JSON 6902 with a target), and refuses
 * anything else, so that the tests never silently render something kustomize would not. Each object is
 * then read with the fabric8 model, strictly: a field the model does not know is an error (a typo in a
 * manifest is caught here, not in the cluster).
 */
public final class Kustomize {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> SUPPORTED = Set.of("apiVersion", "kind", "namespace", "resources", "patches");
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "PriorityClass", "Node", "PersistentVolume", "CustomResourceDefinition");

    private Kustomize() {
    }

    /** The rendered objects of the kustomization in {@code dir}, in kustomize's order of resources. */
    public static List<ObjectNode> render(Path dir) {
        Path file = dir.resolve("kustomization.yaml");
        JsonNode k = read(file).get(0);
        k.fieldNames().forEachRemaining(f -> {
            if (!SUPPORTED.contains(f)) {
                throw new AssertionError(file + ": '" + f + "' is not supported by this renderer (supported: " + SUPPORTED + ")");
            }
        });
        List<ObjectNode> objects = new ArrayList<>();
        for (JsonNode r : k.path("resources")) {
            Path p = dir.resolve(r.asText()).normalize();
            if (Files.isDirectory(p)) {
                objects.addAll(render(p));
            } else {
                for (JsonNode doc : read(p)) {
                    objects.add((ObjectNode) doc);
                }
            }
        }
        if (k.has("namespace")) {
            String ns = k.get("namespace").asText();
            Set<String> accounts = new java.util.HashSet<>();
            for (ObjectNode o : objects) {
                if (o.path("kind").asText().equals("ServiceAccount")) {
                    accounts.add(o.path("metadata").path("name").asText());
                }
            }
            for (ObjectNode o : objects) {
                String kind = o.path("kind").asText();
                ObjectNode meta = (ObjectNode) o.get("metadata");
                if (kind.equals("Namespace")) {
                    meta.put("name", ns);
                } else if (!CLUSTER_SCOPED.contains(kind)) {
                    meta.put("namespace", ns);
                }
                if (kind.endsWith("RoleBinding")) {
                    for (JsonNode s : o.path("subjects")) {
                        if (s.path("kind").asText().equals("ServiceAccount") && accounts.contains(s.path("name").asText())) {
                            ((ObjectNode) s).put("namespace", ns);
                        }
                    }
                }
            }
        }
        for (JsonNode patch : k.path("patches")) {
            JsonNode target = patch.get("target");
            JsonNode ops = parse(patch.get("patch").asText());
            int applied = 0;
            for (int i = 0; i < objects.size(); i++) {
                ObjectNode o = objects.get(i);
                if (matches(target, o)) {
                    objects.set(i, (ObjectNode) JsonPatch.apply(ops, o));
                    applied++;
                }
            }
            if (applied == 0) {
                throw new AssertionError(file + ": a patch matches no resource: " + target);
            }
        }
        return objects;
    }

    private static boolean matches(JsonNode target, ObjectNode o) {
        String apiVersion = o.path("apiVersion").asText();
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        return (!target.has("kind") || target.get("kind").asText().equals(o.path("kind").asText()))
                && (!target.has("name") || target.get("name").asText().equals(o.path("metadata").path("name").asText()))
                && (!target.has("group") || target.get("group").asText().equals(group))
                && (!target.has("version") || target.get("version").asText().equals(version));
    }

    /** Reads a rendered object with the fabric8 model; fails on any field the model does not know. */
    public static <T extends HasMetadata> T strictly(ObjectNode object, Class<T> type) {
        T typed = Serialization.unmarshal(object.toString(), type);
        List<String> unknown = new ArrayList<>();
        unknownFields(typed, object.path("kind").asText(), unknown, new IdentityHashMap<>());
        if (!unknown.isEmpty()) {
            throw new AssertionError(object.path("kind").asText() + " " + object.path("metadata").path("name").asText()
                    + ": fields the Kubernetes model does not know: " + unknown);
        }
        return typed;
    }

    private static void unknownFields(Object o, String path, List<String> unknown, Map<Object, Boolean> seen) {
        if (o == null || seen.put(o, true) != null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                unknownFields(e, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((key, v) -> unknownFields(v, path + "." + key, unknown, seen));
            return;
        }
        if (!(o instanceof KubernetesResource)) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || !m.getName().startsWith("get") || m.getName().equals("getClass")) {
                continue;
            }
            Object v;
            try {
                v = m.invoke(o);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            if (m.getName().equals("getAdditionalProperties")) {
                if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + ": " + extra.keySet());
                }
                continue;
            }
            String field = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
            unknownFields(v, path + "." + field, unknown, seen);
        }
    }

    private static List<JsonNode> read(Path file) {
        try (var parser = new YAMLFactory().createParser(file.toFile())) {
            List<JsonNode> docs = new ArrayList<>();
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && !n.isNull() && !n.isMissingNode()) {
                    docs.add(n);
                }
            }
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
    }

    private static JsonNode parse(String yaml) {
        try {
            JsonNode n = YAML.readTree(yaml);
            return n instanceof ArrayNode ? n : JSON.createArrayNode().add(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
