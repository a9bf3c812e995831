package dev.happypath.rebalancer.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Server-side printing: a real API server answers {@code Accept: application/json;as=Table;g=meta.k8s.io}
 * with a {@code meta.k8s.io/v1 Table}, which is where {@code kubectl get}'s columns come from (STATUS,
 * READY, NODE with {@code -o wide}). Without it kubectl prints names and ages only. Columns follow the
 * API server's own printers for pods, nodes, PodDisruptionBudgets, namespaces, claims, volumes, Events,
 * Leases and ConfigMaps; other
 * kinds get name and age. Ages are counted on the server's clock (the simulation's, when it has one).
 */
final class Tables {

    private static final ObjectMapper JSON = Serialization.jsonMapper();

    private Tables() {
    }

    /** Whether the request asks for a Table. */
    static boolean wanted(String accept) {
        return accept != null && accept.contains("as=Table");
    }

    /**
     * @param resource the plural resource name (pods, nodes, ...)
     * @param body     a list or a single object, as the store answered
     */
    static String render(String resource, String body, Instant now, boolean fullObject) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable " + resource + ": " + e.getMessage(), e);
        }
        List<JsonNode> items = new ArrayList<>();
        if (root.has("items")) {
            root.get("items").forEach(items::add);
        } else {
            items.add(root);
        }
        ObjectNode table = JSON.createObjectNode();
        table.put("kind", "Table");
        table.put("apiVersion", "meta.k8s.io/v1");
        ObjectNode meta = table.putObject("metadata");
        meta.put("resourceVersion", root.path("metadata").path("resourceVersion").asText(""));
        if (root.path("metadata").hasNonNull("continue")) {
            // kubectl asks for the next page of a paged list with the Table's own continue token
            meta.put("continue", root.path("metadata").path("continue").asText());
        }
        ArrayNode columns = table.putArray("columnDefinitions");
        ArrayNode rows = table.putArray("rows");
        switch (resource) {
            case "pods" -> {
                columns(columns, "Name:0", "Ready:0", "Status:0", "Restarts:0", "Age:0", "IP:1", "Node:1", "Nominated Node:1", "Readiness Gates:1");
                items.forEach(p -> row(rows, p, fullObject, name(p), ready(p), podStatus(p), 0, age(p, now),
                        text(p, "status", "podIP"), text(p, "spec", "nodeName"), text(p, "status", "nominatedNodeName"), "<none>"));
            }
            case "nodes" -> {
                columns(columns, "Name:0", "Status:0", "Roles:0", "Age:0", "Version:0", "Internal-IP:1", "External-IP:1", "OS-Image:1",
                        "Kernel-Version:1", "Container-Runtime:1");
                items.forEach(n -> row(rows, n, fullObject, name(n), nodeStatus(n), roles(n), age(n, now),
                        text(n, "status", "nodeInfo", "kubeletVersion"), internalIp(n), "<none>", text(n, "status", "nodeInfo", "osImage"),
                        text(n, "status", "nodeInfo", "kernelVersion"), text(n, "status", "nodeInfo", "containerRuntimeVersion")));
            }
            case "poddisruptionbudgets" -> {
                columns(columns, "Name:0", "Min Available:0", "Max Unavailable:0", "Allowed Disruptions:0", "Age:0");
                items.forEach(b -> row(rows, b, fullObject, name(b), text(b, "spec", "minAvailable"), text(b, "spec", "maxUnavailable"),
                        b.path("status").path("disruptionsAllowed").asInt(0), age(b, now)));
            }
            case "namespaces" -> {
                columns(columns, "Name:0", "Status:0", "Age:0");
                items.forEach(n -> row(rows, n, fullObject, name(n), text(n, "status", "phase"), age(n, now)));
            }
            case "persistentvolumeclaims" -> {
                columns(columns, "Name:0", "Status:0", "Volume:0", "Capacity:0", "Access Modes:0", "StorageClass:0", "Age:0");
                items.forEach(c -> row(rows, c, fullObject, name(c), text(c, "status", "phase"), text(c, "spec", "volumeName"),
                        text(c, "status", "capacity", "storage"), modes(c.path("spec").path("accessModes")), text(c, "spec", "storageClassName"),
                        age(c, now)));
            }
            case "persistentvolumes" -> {
                columns(columns, "Name:0", "Capacity:0", "Access Modes:0", "Reclaim Policy:0", "Status:0", "Claim:0", "StorageClass:0", "Age:0");
                items.forEach(v -> row(rows, v, fullObject, name(v), text(v, "spec", "capacity", "storage"),
                        modes(v.path("spec").path("accessModes")), text(v, "spec", "persistentVolumeReclaimPolicy"), text(v, "status", "phase"),
                        claim(v), text(v, "spec", "storageClassName"), age(v, now)));
            }
            case "events" -> {
                columns(columns, "Last Seen:0", "Type:0", "Reason:0", "Object:0", "Subobject:1", "Source:1", "Message:0",
                        "First Seen:1", "Count:1", "Name:1");
                items.forEach(e -> row(rows, e, fullObject, since(lastSeen(e), now), text(e, "type"), text(e, "reason"),
                        text(e, "involvedObject", "kind").toLowerCase(java.util.Locale.ROOT) + "/" + text(e, "involvedObject", "name"),
                        text(e, "involvedObject", "fieldPath"), source(e), text(e, "message"),
                        since(firstSeen(e), now), Math.max(1, e.path("count").asInt(1)), name(e)));
            }
            case "leases" -> {
                columns(columns, "Name:0", "Holder:0", "Age:0");
                items.forEach(l -> row(rows, l, fullObject, name(l), text(l, "spec", "holderIdentity"), age(l, now)));
            }
            case "configmaps" -> {
                columns(columns, "Name:0", "Data:0", "Age:0");
                items.forEach(c -> row(rows, c, fullObject, name(c), c.path("data").size() + c.path("binaryData").size(), age(c, now)));
            }
            default -> {
                columns(columns, "Name:0", "Age:0");
                items.forEach(o -> row(rows, o, fullObject, name(o), age(o, now)));
            }
        }
        return table.toString();
    }

    private static void columns(ArrayNode columns, String... specs) {
        for (String spec : specs) {
            int colon = spec.lastIndexOf(':');
            String name = spec.substring(0, colon);
            ObjectNode c = columns.addObject();
            c.put("name", name);
            c.put("type", List.of("Restarts", "Allowed Disruptions", "Count", "Data").contains(name) ? "integer" : "string");
            c.put("format", name.equals("Name") ? "name" : "");
            c.put("description", "");
            c.put("priority", Integer.parseInt(spec.substring(colon + 1)));
        }
    }

    private static void row(ArrayNode rows, JsonNode object, boolean fullObject, Object... cells) {
        ObjectNode row = rows.addObject();
        ArrayNode c = row.putArray("cells");
        for (Object cell : cells) {
            if (cell instanceof Integer i) {
                c.add(i);
            } else {
                c.add(cell == null || cell.toString().isEmpty() ? "<none>" : cell.toString());
            }
        }
        if (fullObject) {
            row.set("object", object);
        } else {
            ObjectNode partial = row.putObject("object");
            partial.put("kind", "PartialObjectMetadata");
            partial.put("apiVersion", "meta.k8s.io/v1");
            partial.set("metadata", object.path("metadata"));
        }
    }

    private static String name(JsonNode o) {
        return o.path("metadata").path("name").asText();
    }

    private static String text(JsonNode o, String... path) {
        JsonNode n = o;
        for (String p : path) {
            n = n.path(p);
        }
        return n.isMissingNode() || n.isNull() ? "" : n.asText();
    }

    private static String ready(JsonNode pod) {
        int containers = Math.max(1, pod.path("spec").path("containers").size());
        return (isTrue(pod.path("status").path("conditions"), "Ready") ? containers : 0) + "/" + containers;
    }

    private static String podStatus(JsonNode pod) {
        if (!pod.path("metadata").path("deletionTimestamp").isMissingNode() && !pod.path("metadata").path("deletionTimestamp").isNull()) {
            return "Terminating";
        }
        String phase = text(pod, "status", "phase");
        if ("Pending".equals(phase) && !text(pod, "spec", "nodeName").isEmpty()) {
            return "ContainerCreating";
        }
        return phase.isEmpty() ? "Pending" : phase;
    }

    private static String nodeStatus(JsonNode node) {
        String status = isTrue(node.path("status").path("conditions"), "Ready") ? "Ready" : "NotReady";
        return node.path("spec").path("unschedulable").asBoolean(false) ? status + ",SchedulingDisabled" : status;
    }

    private static String roles(JsonNode node) {
        TreeSet<String> roles = new TreeSet<>();
        node.path("metadata").path("labels").fieldNames().forEachRemaining(k -> {
            if (k.startsWith("node-role.kubernetes.io/")) {
                roles.add(k.substring("node-role.kubernetes.io/".length()));
            }
        });
        return roles.isEmpty() ? "<none>" : String.join(",", roles);
    }

    private static String internalIp(JsonNode node) {
        for (JsonNode a : node.path("status").path("addresses")) {
            if ("InternalIP".equals(a.path("type").asText())) {
                return a.path("address").asText();
            }
        }
        return "<none>";
    }

    private static String modes(JsonNode accessModes) {
        List<String> out = new ArrayList<>();
        accessModes.forEach(m -> out.add(switch (m.asText()) {
            case "ReadWriteOnce" -> "RWO";
            case "ReadOnlyMany" -> "ROX";
            case "ReadWriteMany" -> "RWX";
            case "ReadWriteOncePod" -> "RWOP";
            default -> m.asText();
        }));
        return String.join(",", out);
    }

    private static String claim(JsonNode volume) {
        JsonNode ref = volume.path("spec").path("claimRef");
        return ref.isMissingNode() ? "" : ref.path("namespace").asText() + "/" + ref.path("name").asText();
    }

    private static boolean isTrue(JsonNode conditions, String type) {
        for (JsonNode c : conditions) {
            if (type.equals(c.path("type").asText())) {
                return "True".equals(c.path("status").asText());
            }
        }
        return false;
    }

    /** An Event's last occurrence: its series', else lastTimestamp, else eventTime (kubectl's LAST SEEN). */
    private static String lastSeen(JsonNode event) {
        String series = text(event, "series", "lastObservedTime");
        if (!series.isEmpty()) {
            return series;
        }
        String last = text(event, "lastTimestamp");
        return last.isEmpty() ? text(event, "eventTime") : last;
    }

    private static String firstSeen(JsonNode event) {
        String first = text(event, "firstTimestamp");
        return first.isEmpty() ? text(event, "eventTime") : first;
    }

    private static String source(JsonNode event) {
        String component = text(event, "source", "component");
        if (component.isEmpty()) {
            component = text(event, "reportingComponent");
        }
        String host = text(event, "source", "host");
        return host.isEmpty() ? component : component + ", " + host;
    }

    private static String since(String timestamp, Instant now) {
        try {
            return human(Duration.between(Instant.parse(timestamp), now));
        } catch (DateTimeParseException e) {
            return "<unknown>";
        }
    }

    private static String age(JsonNode o, Instant now) {
        try {
            Instant created = Instant.parse(o.path("metadata").path("creationTimestamp").asText());
            return human(Duration.between(created, now));
        } catch (DateTimeParseException e) {
            return "<unknown>";
        }
    }

    /** kubectl's rounding of ages (k8s.io/apimachinery duration.HumanDuration), simplified. */
    static String human(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 120) {
            return s + "s";
        }
        long m = s / 60;
        if (m < 10) {
            return m + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
        }
        if (m < 180) {
            return m + "m";
        }
        long h = m / 60;
        if (h < 8) {
            return h + "h" + (m % 60 == 0 ? "" : (m % 60) + "m");
        }
        if (h < 48) {
            return h + "h";
        }
        long days = h / 24;
        return days < 8 && h % 24 != 0 ? days + "d" + (h % 24) + "h" : days + "d";
    }
}
