package dev.happypath.rebalancer.cluster;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.happypath.rebalancer.config.YamlTrees;
import dev.happypath.rebalancer.snapshot.PodState;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Pod as it travels, cut down to the fields {@link ModelConverter#pod(PodWire)} reads, read straight from the
 * parser's tokens: a LIST of 30,000 pods, or a dump of them, is most of a large cluster's bytes, and building a
 * tree of each pod only to look its fields up again took a tenth of the time and memory of planning such a
 * dump (docs/performance.md).
 *
 * <p>Each field holds its value in the form the conversion expects when it has that form (a string as a
 * {@link String}, a whole number as an {@link Integer}, an object as its holder, a list as a {@link List}), and
 * otherwise its tree ({@link JsonNode}: a number where a string is expected, a list where an object is), from
 * which the conversion applies the same coercions and names the same faults, in the same order, as it does
 * for a tree. Absent and JSON null are both null. The parts no decision reads are left out while reading
 * (their fields still checked for duplicates); the rarely written, deeply nested parts (affinity, topology
 * spread, pod-level resources, overhead, resource claims) are kept as trees in {@link Spec#trees}.
 *
 * <p>A tree (YAML, a pod whose kind comes late, the simulation's pods) is read through the same code, by
 * walking the tree's tokens ({@link #of(JsonNode)}).
 */
final class PodWire {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The annotation the kubelet puts on a static pod's mirror. */
    static final String MIRROR = "kubernetes.io/config.mirror";

    /** {@link Meta} or a tree; likewise {@link #spec} and {@link #status}. */
    Object metadata;
    Object spec;
    Object status;

    static final class Meta {
        Object name;
        Object namespace;
        Object uid;
        Object creationTimestamp;
        Object deletionTimestamp;
        /** {@code Map<String, String>}, or a tree when a value is not a string or it is not a mapping. */
        Object labels;
        /** {@link Annotations} or a tree. */
        Object annotations;
        /** A list of {@link Owner} (or a tree for an element that is not an object), or a tree. */
        Object ownerReferences;
    }

    /** Of all annotations, whether the mirror's is there and the values of {@link PodState#DISRUPTION_ANNOTATIONS}. */
    static final class Annotations {
        boolean mirror;
        final Map<String, Object> disruption = new LinkedHashMap<>(4);
    }

    static final class Owner {
        Object controller;
        Object kind;
        Object name;
        Object uid;
    }

    static final class Spec {
        Object nodeName;
        Object priority;
        Object priorityClassName;
        Object schedulerName;
        Object preemptionPolicy;
        Object nodeSelector;
        Object tolerations;
        Object containers;
        Object initContainers;
        Object volumes;
        /** affinity, topologySpreadConstraints, resourceClaims, resources and overhead, as trees, when written. */
        final ObjectNode trees = NODES.objectNode();
    }

    static final class Toleration {
        Object key;
        Object operator;
        Object value;
        Object effect;
    }

    static final class Container {
        Object image;
        Object restartPolicy;
        Object ports;
        /** {@link ContainerResources} or a tree. */
        Object resources;
    }

    static final class ContainerResources {
        /** {@code Map<String, Object>} of quantities (a string, a tree, or null), or a tree. */
        Object requests;
        Object limits;
    }

    static final class Port {
        Object hostPort;
        Object protocol;
        Object hostIP;
    }

    static final class Volume {
        Object name;
        /** {@link ClaimSource} or a tree. */
        Object persistentVolumeClaim;
        /** {@link Boolean#TRUE} when written as an object, else a tree; likewise {@link #hostPath}. */
        Object ephemeral;
        Object hostPath;
        /** {@link EmptyDirSource} or a tree. */
        Object emptyDir;
    }

    static final class ClaimSource {
        Object claimName;
    }

    static final class EmptyDirSource {
        Object medium;
        Object sizeLimit;
    }

    static final class Status {
        Object phase;
        Object nominatedNodeName;
        Object conditions;
        Object containerStatuses;
    }

    static final class PodCondition {
        Object type;
        Object status;
    }

    static final class ContainerStatus {
        Object restartCount;
        /** {@link State} or a tree. */
        Object state;
    }

    static final class State {
        /** {@link Waiting} or a tree. */
        Object waiting;
    }

    static final class Waiting {
        Object reason;
    }

    /** The pod's namespace and name for a message: its text, or "?" (as a tree's {@code asText("?")}). */
    String label() {
        String ns = metadata instanceof Meta m ? words(m.namespace, "") : "";
        String name = metadata instanceof Meta m ? words(m.name, "?") : "?";
        return (ns.isEmpty() ? "" : ns + "/") + name;
    }

    private static String words(Object v, String absent) {
        return v instanceof String s ? s : v instanceof JsonNode n ? n.asText(absent) : absent;
    }

    // ---------------------------------------------------------------------------------------------
    // reading

    /** A tree's pod, read by walking its tokens. */
    static PodWire of(JsonNode pod) {
        try (JsonParser parser = pod.traverse()) {
            parser.nextToken();
            return read(parser, new YamlTrees.Anchors(), null); // a tree has no field twice
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a tree is not read from anywhere
        }
    }

    /**
     * The pod whose first token (START_OBJECT) the parser is on; the parser is left on its last. A value that is
     * not an object reads as a pod without metadata, which the conversion refuses.
     */
    static PodWire read(JsonParser parser, YamlTrees.Anchors anchors, YamlTrees.Names names) throws IOException {
        PodWire pod = new PodWire();
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return pod;
        }
        Reading r = new Reading(parser, anchors, names);
        String field;
        for (int mark = r.open(); (field = r.next(mark)) != null; ) {
            pod.field(r, field);
        }
        return pod;
    }

    /**
     * The rest of a pod whose first fields (its kind and apiVersion) were read already: the parser is on the
     * value of {@code field}, which {@code names} has from {@code mark} on.
     */
    static PodWire readRest(JsonParser parser, YamlTrees.Anchors anchors, YamlTrees.Names names, int mark, String field) throws IOException {
        PodWire pod = new PodWire();
        Reading r = new Reading(parser, anchors, names);
        for (String next = field; next != null; next = r.next(mark)) {
            pod.field(r, next);
        }
        return pod;
    }

    private void field(Reading r, String field) throws IOException {
        switch (field) {
            case "metadata" -> metadata = r.object(PodWire::meta);
            case "spec" -> spec = r.object(PodWire::spec);
            case "status" -> status = r.object(PodWire::status);
            default -> r.skip();
        }
    }

    private static Meta meta(Reading r) throws IOException {
        Meta m = new Meta();
        String field;
        for (int mark = r.open(); (field = r.next(mark)) != null; ) {
            switch (field) {
                case "name" -> m.name = r.text();
                case "namespace" -> m.namespace = r.text();
                case "uid" -> m.uid = r.text();
                case "creationTimestamp" -> m.creationTimestamp = r.text();
                case "deletionTimestamp" -> m.deletionTimestamp = r.text();
                case "labels" -> m.labels = r.textMap();
                case "annotations" -> m.annotations = r.object(PodWire::annotations);
                case "ownerReferences" -> m.ownerReferences = r.list(PodWire::owner);
                default -> r.skip();
            }
        }
        return m;
    }

    private static Annotations annotations(Reading r) throws IOException {
        Annotations a = new Annotations();
        String field;
        for (int mark = r.open(); (field = r.next(mark)) != null; ) {
            if (field.equals(MIRROR)) {
                a.mirror = true;
                r.skip();
            } else if (PodState.DISRUPTION_ANNOTATIONS.contains(field)) {
                a.disruption.put(field, r.text());
            } else {
                r.skip();
            }
        }
        return a;
    }

    private static Owner owner(Reading r) throws IOException {
        Owner o = new Owner();
        String field;
        for (int mark = r.open(); (field = r.next(mark)) != null; ) {
            switch (field) {
                case "controller" -> o.controller = r.bool();
                case "kind" -> o.kind = r.text();
                case "name" -> o.name = r.text();
                case "uid" -> o.uid = r.text();
                default -> r.skip();
            }
        }
        return o;
    }

    private static Spec spec(Reading r) throws IOException {
        Spec s = new Spec();
        String field;
        for (int mark = r.open(); (field = r.next(mark)) != null; ) {
            switch (field) {
                case "nodeName" -> s.nodeName = r.text();
                case "priority" -> s.priority = r.integer();
                case "priorityClassName" -> s.priorityClassName = r.text();
                case "schedulerName" -> s.schedulerName = r.text();
                case "preemptionPolicy" -> s.preemptionPolicy = r.text();
                case "nodeSelector" -> s.nodeSelector = r.textMap();
                case "tolerations" -> s.tolerations = r.list(PodWire::toleration);
                case "containers" -> s.containers = r.list(PodWire::container);
                case "initContainers" -> s.initContainers = r.list(PodWire::container);
                case "volumes" -> s.volumes = r.list(PodWire::volume);
                case "affinity", "topologySpreadConstraints", "resourceClaims", "resources", "overhead" -> r.tree(s.trees, field);
                default -> r.skip();
            }
        }
        return s;
    }

    private static Toleration toleration(Reading r) throws IOException {
        Toleration t = new Toleration();
        String field;
        for (int mark = r.open(); (field = r.next(mark)) != null; ) {
            switch (field) {
                case "key" -> t.key = r.text();
                case "operator" -> t.operator = r.text();
                case "value" -> t.value = r.text();
                case "effect" -> t.effect = r.text();
                default -> r.skip();
            }
        }
        return t;
    }

    private static Container container(Reading r) throws IOException {
        Container c = new Container();
        String field;
        for (int mark = r.open(); (field = r.next(mark)) != null; ) {
            switch (field) {
                case "image" -> c.image = r.text();
                case "restartPolicy" -> c.restartPolicy = r.text();
                case "ports" -> c.ports = r.list(PodWire::port);
                case "resources" -> c.resources = r.object(PodWire::containerResources);
                default -> r.skip();
            }
        }
        return c;
    }

    private static ContainerResources containerResources(Reading r) throws IOException {
        ContainerResources res = new ContainerResources();
        String field;
        for (int mark = r.open(); (field = r.next(mark)) != null; ) {
            switch (field) {
                case "requests" -> res.requests = r.object(PodWire::quantities);
                case "limits" -> res.limits = r.object(PodWire::quantities);
                default -> r.skip();
            }
        }
        return res;
    }

    /** A mapping of quantities: each a string, or a tree (a number, the {amount, format} form, anything wrong). */
    private static Map<String, Object> quantities(Reading r) throws IOException {
        Map<String, Object> q = new LinkedHashMap<>(4);
        String field;
        for (int mark = r.open(); (field = r.next(mark)) != null; ) {
            q.put(field, r.text());
        }
        return q;
    }

    private static Port port(Reading r) throws IOException {
        Port p = new Port();
        String field;
        for (int mark = r.open(); (field = r.next(mark)) != null; ) {
            switch (field) {
                case "hostPort" -> p.hostPort = r.integer();
                case "protocol" -> p.protocol = r.text();
                case "hostIP" -> p.hostIP = r.text();
                default -> r.skip();
            }
        }
        return p;
    }

    private static Volume volume(Reading r) throws IOException {
        Volume v = new Volume();
        String field;
        for (int mark = r.open(); (field = r.next(mark)) != null; ) {
            switch (field) {
                case "name" -> v.name = r.text();
                case "persistentVolumeClaim" -> v.persistentVolumeClaim = r.object(PodWire::claimSource);
                case "ephemeral" -> v.ephemeral = r.object(Reading::skipFields);
                case "hostPath" -> v.hostPath = r.object(Reading::skipFields);
                case "emptyDir" -> v.emptyDir = r.object(PodWire::emptyDir);
                default -> r.skip();
            }
        }
        return v;
    }

    private static ClaimSource claimSource(Reading r) throws IOException {
        ClaimSource c = new ClaimSource();
        String field;
        for (int mark = r.open(); (field = r.next(mark)) != null; ) {
            if (field.equals("claimName")) {
                c.claimName = r.text();
            } else {
                r.skip();
            }
        }
        return c;
    }

    private static EmptyDirSource emptyDir(Reading r) throws IOException {
        EmptyDirSource e = new EmptyDirSource();
        String field;
        for (int mark = r.open(); (field = r.next(mark)) != null; ) {
            switch (field) {
                case "medium" -> e.medium = r.text();
                case "sizeLimit" -> e.sizeLimit = r.text();
                default -> r.skip();
            }
        }
        return e;
    }

    private static Status status(Reading r) throws IOException {
        Status s = new Status();
        String field;
        for (int mark = r.open(); (field = r.next(mark)) != null; ) {
            switch (field) {
                case "phase" -> s.phase = r.text();
                case "nominatedNodeName" -> s.nominatedNodeName = r.text();
                case "conditions" -> s.conditions = r.list(PodWire::condition);
                case "containerStatuses" -> s.containerStatuses = r.list(PodWire::containerStatus);
                default -> r.skip();
            }
        }
        return s;
    }

    private static PodCondition condition(Reading r) throws IOException {
        PodCondition c = new PodCondition();
        String field;
        for (int mark = r.open(); (field = r.next(mark)) != null; ) {
            switch (field) {
                case "type" -> c.type = r.text();
                case "status" -> c.status = r.text();
                default -> r.skip();
            }
        }
        return c;
    }

    private static ContainerStatus containerStatus(Reading r) throws IOException {
        ContainerStatus c = new ContainerStatus();
        String field;
        for (int mark = r.open(); (field = r.next(mark)) != null; ) {
            switch (field) {
                case "restartCount" -> c.restartCount = r.integer();
                case "state" -> c.state = r.object(PodWire::state);
                default -> r.skip();
            }
        }
        return c;
    }

    private static State state(Reading r) throws IOException {
        State s = new State();
        String field;
        for (int mark = r.open(); (field = r.next(mark)) != null; ) {
            if (field.equals("waiting")) {
                s.waiting = r.object(PodWire::waiting);
            } else {
                r.skip();
            }
        }
        return s;
    }

    private static Waiting waiting(Reading r) throws IOException {
        Waiting w = new Waiting();
        String field;
        for (int mark = r.open(); (field = r.next(mark)) != null; ) {
            if (field.equals("reason")) {
                w.reason = r.text();
            } else {
                r.skip();
            }
        }
        return w;
    }

    /**
     * Reads one part of a pod: the parser, the document's anchors (a tree reads them) and the names that refuse a
     * field written twice (null: not refused, as in a LIST from an API server, which never writes one).
     */
    private record Reading(JsonParser parser, YamlTrees.Anchors anchors, YamlTrees.Names names) {

        @FunctionalInterface
        interface Part<T> {
            T read(Reading r) throws IOException;
        }

        /**
         * Starts reading the mapping the parser is on: {@code for (int mark = r.open(); (field = r.next(mark)) != null; )}
         * visits its fields (a loop of its own in each reader, which the JIT compiles with the reader).
         */
        int open() {
            return names == null ? 0 : names.mark();
        }

        /** The mapping's next field, the parser on its value's first token; null at the mapping's end. */
        String next(int mark) throws IOException {
            if (parser.nextToken() != JsonToken.FIELD_NAME) {
                if (names != null) {
                    names.reset(mark);
                }
                return null;
            }
            String field = parser.currentName();
            if (names != null) {
                names.add(parser, field, mark);
            }
            parser.nextToken();
            return field;
        }

        /** A mapping read for its presence only. */
        Boolean skipFields() throws IOException {
            skip();
            return Boolean.TRUE;
        }

        /** Leaves the value out (a mapping's fields still checked for duplicates, when they are). */
        void skip() throws IOException {
            if (names == null) {
                parser.skipChildren();
            } else {
                names.skip(parser);
            }
        }

        /** The value as a tree, as the tree reading keeps it. */
        JsonNode tree() throws IOException {
            return YamlTrees.read(parser, anchors, ItemTrees.ANY, names);
        }

        /** The value set on {@code into} as a tree, unless null. */
        void tree(ObjectNode into, String field) throws IOException {
            JsonNode v = tree();
            if (!v.isNull()) {
                into.set(field, v);
            }
        }

        /** A string, null, or the tree of anything else. */
        Object text() throws IOException {
            return switch (parser.currentToken()) {
                case VALUE_STRING -> parser.getText();
                case VALUE_NULL -> null;
                default -> tree();
            };
        }

        /** An int, null, or the tree of anything else. */
        Object integer() throws IOException {
            JsonToken t = parser.currentToken();
            if (t == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() == JsonParser.NumberType.INT) {
                return parser.getIntValue();
            }
            return t == JsonToken.VALUE_NULL ? null : tree();
        }

        /** true or false, null, or the tree of anything else. */
        Object bool() throws IOException {
            return switch (parser.currentToken()) {
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                case VALUE_NULL -> null;
                default -> tree();
            };
        }

        /** A mapping read by {@code part}, null, or the tree of anything else. */
        Object object(Part<?> part) throws IOException {
            return switch (parser.currentToken()) {
                case START_OBJECT -> part.read(this);
                case VALUE_NULL -> null;
                default -> tree();
            };
        }

        /** A list whose mappings are read by {@code part} (anything else in it as a tree), null, or the tree of anything else. */
        Object list(Part<?> part) throws IOException {
            JsonToken t = parser.currentToken();
            if (t == JsonToken.VALUE_NULL) {
                return null;
            }
            if (t != JsonToken.START_ARRAY) {
                return tree();
            }
            List<Object> out = new ArrayList<>(4);
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                out.add(parser.currentToken() == JsonToken.START_OBJECT ? part.read(this) : tree());
            }
            return out;
        }

        /**
         * A mapping of strings (labels, a node selector), null, or the tree of anything else: once a value is
         * not a string, the mapping so far and the rest of it are a tree.
         */
        Object textMap() throws IOException {
            JsonToken t = parser.currentToken();
            if (t == JsonToken.VALUE_NULL) {
                return null;
            }
            if (t != JsonToken.START_OBJECT) {
                return tree();
            }
            Map<String, String> strings = new LinkedHashMap<>();
            ObjectNode odd = null;
            String field;
            for (int mark = open(); (field = next(mark)) != null; ) {
                if (odd == null && parser.currentToken() == JsonToken.VALUE_STRING) {
                    strings.put(field, parser.getText());
                    continue;
                }
                if (odd == null) {
                    odd = NODES.objectNode();
                    strings.forEach(odd::put);
                }
                odd.set(field, tree());
            }
            return odd != null ? odd : strings;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // typed reads of a field as the conversion wants it, with the coercions and faults of WireFields

    /** A string; the tree of another scalar reads as its text, as {@link WireFields#text(JsonNode, String)} says. */
    static String text(Object v, String path) {
        return v == null ? null : v instanceof String s ? s : WireFields.text((JsonNode) v, path);
    }

    static Integer integer(Object v, String path) {
        return v == null ? null : v instanceof Integer i ? i : WireFields.integer((JsonNode) v, path);
    }

    static Boolean bool(Object v, String path) {
        return v == null ? null : v instanceof Boolean b ? b : WireFields.bool((JsonNode) v, path);
    }

    /** A quantity as written ({@link WireFields#quantity}). */
    static String quantity(Object v, String path) {
        return v == null ? null : v instanceof String s ? s : WireFields.quantity((JsonNode) v, path);
    }

    /** A mapping read into {@code type}; null when absent; anything else is at fault. */
    static <T> T object(Object v, Class<T> type, String path) {
        if (v == null || type.isInstance(v)) {
            return type.cast(v);
        }
        throw WireFields.wrongType(path, "an object", (JsonNode) v);
    }

    /** The mappings of a list, each read into its holder; empty when absent; a list of anything else is at fault. */
    static List<?> objects(Object v, String path) {
        if (v == null) {
            return List.of();
        }
        if (v instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) instanceof JsonNode n) {
                    throw WireFields.wrongType(path + "[" + i + "]", "an object", n);
                }
            }
            return list;
        }
        throw WireFields.wrongType(path, "a list", (JsonNode) v);
    }

    /** A map of strings; empty when absent. */
    @SuppressWarnings("unchecked")
    static Map<String, String> textMap(Object v, String path) {
        return v == null ? Map.of() : v instanceof Map<?, ?> m ? (Map<String, String>) m : WireFields.textMap((JsonNode) v, path);
    }
}
