package dev.happypath.rebalancer.config;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads YAML as YAML into trees: an alias ({@code *name}) is the value its anchor ({@code &name}) marked,
 * and a merge key ({@code <<: *defaults}, or a list of them) adds the merged mapping's keys that the
 * mapping does not set itself. Jackson's YAML parser alone hands back an alias's NAME as a string (it
 * treats an anchor as an object id), so a config's {@code namespace: *obs} would silently read "obs".
 *
 * <p>One {@link Anchors} per YAML document, kept across the items of a streamed dump: an item may use an
 * anchor an earlier one set. An alias bomb (billion laughs: each level aliasing the one before nine
 * times) is refused once its aliases have stood for more than {@link #MAX_ALIASED} values, counted
 * without building them; the trees are never expanded beyond that.
 *
 * <p>JSON (no anchors) goes through unchanged; scalars are typed as the model binding's tree reader types
 * them, so "4096" and 4096 stay what they were.
 */
public final class YamlTrees {

    /** Values all aliases of one document may stand for together; far above any honest config or dump. */
    public static final long MAX_ALIASED = 1_000_000;

    /** The YAML 1.1 merge key. */
    static final String MERGE = "<<";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private YamlTrees() {
    }

    /** YAML that is valid but refused: an alias bomb, an alias to no anchor, a merge of something not a mapping. */
    public static final class Refused extends JsonParseException {
        Refused(JsonParser parser, String message) {
            super(parser, message);
        }
    }

    /** The anchors one document has set so far, and how many values its aliases stood for. */
    public static final class Anchors {
        private final Map<String, Anchored> byName = new HashMap<>();
        private long aliased;
        private long built;
    }

    private record Anchored(JsonNode value, long size) {
    }

    /** The value at the parser's current token, as a tree; the parser is left on the value's last token. */
    public static JsonNode read(JsonParser parser, Anchors anchors) throws IOException {
        return read(parser, anchors, Keep.ALL);
    }

    /**
     * Which fields of each mapping a tree keeps: reading a large cluster builds only what is read. The
     * parser still reads (and so checks) what is left out.
     */
    @FunctionalInterface
    public interface Keep {

        /** Every field, at every depth. */
        Keep ALL = (field, value, object) -> Keep.ALL;

        /**
         * @param field  the field's name
         * @param value  the first token of its value
         * @param object the mapping read so far (its earlier fields)
         * @return what to keep of the value, or null to leave the value out
         */
        Keep field(String field, JsonToken value, ObjectNode object);

        /** Fields whose object or array value is left out, at any depth; a scalar of the same name is kept. */
        static Keep allBut(Set<String> unused) {
            return new Keep() {
                @Override
                public Keep field(String field, JsonToken value, ObjectNode object) {
                    return (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) && unused.contains(field) ? null : this;
                }
            };
        }
    }

    /**
     * As {@link #read(JsonParser, Anchors)}, keeping what {@code keep} says. An alias is never left out, and
     * an anchor inside what is left out is still read (whole), in case a part that is kept aliases it.
     */
    public static JsonNode read(JsonParser parser, Anchors anchors, Keep keep) throws IOException {
        return read(parser, anchors, keep, false);
    }

    /**
     * As {@link #read(JsonParser, Anchors, Keep)}; with {@code refuseDuplicates}, a field written twice in a
     * mapping that is read is refused as Jackson's STRICT_DUPLICATE_DETECTION refuses it (same words, same
     * place), without the hash set per mapping that feature builds: it was a quarter of what reading a
     * 30,000-pod dump allocated. Parts left out are checked too.
     */
    public static JsonNode read(JsonParser parser, Anchors anchors, Keep keep, boolean refuseDuplicates) throws IOException {
        return read(parser, anchors, keep, refuseDuplicates ? new Names() : null);
    }

    /**
     * As {@link #read(JsonParser, Anchors, Keep, boolean)}, refusing a field written twice with {@code names}
     * (null: not refused): a reader that walks the mappings around the value itself shares its names.
     */
    public static JsonNode read(JsonParser parser, Anchors anchors, Keep keep, Names names) throws IOException {
        YAMLParser yaml = parser instanceof YAMLParser y ? y : null;
        return value(parser, yaml, anchors, keep, names);
    }

    /**
     * The field names of the mappings being read, innermost last: each mapping's own from its mark. A field
     * written twice in one mapping is refused as Jackson's STRICT_DUPLICATE_DETECTION refuses it.
     */
    public static final class Names {
        private String[] names = new String[32];
        private int size;

        /** Where the mapping about to be read starts its names. */
        public int mark() {
            return size;
        }

        /** The next field of the mapping that started at {@code mark}; refused if the mapping has it already. */
        public void add(JsonParser parser, String name, int mark) throws JsonParseException {
            for (int i = mark; i < size; i++) {
                if (names[i].equals(name)) {
                    throw new JsonParseException(parser, "Duplicate field '" + name + "'");
                }
            }
            if (size == names.length) {
                names = java.util.Arrays.copyOf(names, size * 2);
            }
            names[size++] = name;
        }

        /** The mapping that started at {@code mark} is read. */
        public void reset(int mark) {
            size = mark;
        }

        /** Open mappings' marks (-1 for a list) while a left-out value is walked. */
        private int[] open = new int[16];

        /** Reads past the value the parser is on, as skipChildren does, refusing a field written twice in it. */
        public void skip(JsonParser parser) throws IOException {
            if (!parser.currentToken().isStructStart()) {
                return;
            }
            int depth = 0;
            open[depth++] = parser.currentToken() == JsonToken.START_OBJECT ? mark() : -1;
            while (depth > 0) {
                JsonToken t = parser.nextToken();
                if (t == null) {
                    return;
                }
                switch (t) {
                    case FIELD_NAME -> add(parser, parser.currentName(), open[depth - 1]);
                    case START_OBJECT, START_ARRAY -> {
                        if (depth == open.length) {
                            open = java.util.Arrays.copyOf(open, depth * 2);
                        }
                        open[depth++] = t == JsonToken.START_OBJECT ? mark() : -1;
                    }
                    case END_OBJECT -> reset(open[--depth]);
                    case END_ARRAY -> depth--;
                    default -> {
                    }
                }
            }
        }
    }

    private static JsonNode value(JsonParser parser, YAMLParser yaml, Anchors anchors, Keep keep, Names names) throws IOException {
        JsonToken token = parser.currentToken();
        if (yaml != null && yaml.isCurrentAlias()) {
            return alias(parser, anchors, parser.getText());
        }
        String anchor = yaml == null ? null : anchor(yaml);
        long before = anchors.built;
        JsonNode node;
        if (token == JsonToken.START_OBJECT) {
            node = object(parser, yaml, anchors, keep, names);
        } else if (token == JsonToken.START_ARRAY) {
            ArrayNode array = NODES.arrayNode();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                array.add(value(parser, yaml, anchors, keep, names));
            }
            node = array;
        } else {
            node = scalar(parser, token);
        }
        anchors.built++;
        if (anchor != null) {
            anchors.byName.put(anchor, new Anchored(node, anchors.built - before));
        }
        return node;
    }

    private static JsonNode object(JsonParser parser, YAMLParser yaml, Anchors anchors, Keep keep, Names names) throws IOException {
        ObjectNode object = new ObjectNode(NODES, new SmallFields<>());
        List<JsonNode> merged = null;
        int mark = names == null ? 0 : names.mark();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            if (names != null) {
                names.add(parser, field, mark);
            }
            JsonToken value = parser.nextToken();
            if (yaml != null && field.equals(MERGE)) {
                // the merged mapping's fields are this mapping's: kept by the same rule
                merged = merged == null ? new ArrayList<>() : merged;
                merged.add(value(parser, yaml, anchors, keep, names));
                continue;
            }
            Keep kept = keep.field(field, value, object);
            if (kept == null && names != null && yaml == null) {
                names.skip(parser);
            } else if (kept == null && (yaml == null || !yaml.isCurrentAlias())) {
                skip(parser, yaml, anchors);
            } else {
                object.set(field, value(parser, yaml, anchors, kept == null ? Keep.ALL : kept, names));
            }
        }
        if (names != null) {
            names.reset(mark);
        }
        if (merged != null) {
            merge(parser, object, merged);
        }
        return object;
    }

    /**
     * YAML 1.1 merge: the mapping's own keys win wherever they stand; of several merged mappings, the
     * first that has a key gives it.
     */
    private static void merge(JsonParser parser, ObjectNode object, List<JsonNode> merged) throws IOException {
        List<JsonNode> sources = new ArrayList<>();
        for (JsonNode m : merged) {
            if (m.isArray()) {
                m.forEach(sources::add);
            } else {
                sources.add(m);
            }
        }
        for (JsonNode source : sources) {
            if (!source.isObject()) {
                throw new Refused(parser, "a merge key (<<) takes a mapping or a list of mappings, got " + source.getNodeType());
            }
        }
        for (JsonNode source : sources) {
            for (Iterator<Map.Entry<String, JsonNode>> it = source.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!object.has(e.getKey())) {
                    object.set(e.getKey(), e.getValue().deepCopy());
                }
            }
        }
    }

    private static JsonNode alias(JsonParser parser, Anchors anchors, String name) throws IOException {
        Anchored anchored = anchors.byName.get(name);
        if (anchored == null) {
            throw new Refused(parser, "the alias *" + name + " refers to no anchor &" + name + " before it");
        }
        anchors.aliased += anchored.size();
        if (anchors.aliased > MAX_ALIASED) {
            throw new Refused(parser, "its aliases stand for more than " + MAX_ALIASED
                    + " values (an alias bomb, \"billion laughs\"?): refused");
        }
        anchors.built += anchored.size();
        // a copy: each place a tree is used may be changed on its own (a merge adds keys to its mapping)
        return anchored.size() == 1 ? anchored.value() : anchored.value().deepCopy();
    }

    /** Leaves a value out, reading it only if it sets an anchor (a kept part may alias it). */
    private static void skip(JsonParser parser, YAMLParser yaml, Anchors anchors) throws IOException {
        if (yaml == null) {
            parser.skipChildren();
            return;
        }
        if (anchor(yaml) != null) {
            value(parser, yaml, anchors, Keep.ALL, null);
            return;
        }
        if (!parser.currentToken().isStructStart()) {
            return;
        }
        int depth = 1;
        while (depth > 0) {
            JsonToken t = parser.nextToken();
            if (t == null) {
                return;
            }
            if (t != JsonToken.FIELD_NAME && !t.isStructEnd() && !yaml.isCurrentAlias() && anchor(yaml) != null) {
                value(parser, yaml, anchors, Keep.ALL, null);
                continue;
            }
            if (t.isStructStart()) {
                depth++;
            } else if (t.isStructEnd()) {
                depth--;
            }
        }
    }

    /**
     * The YAML event the parser is on. Jackson's YAMLParser tells the anchor of a mapping or a sequence
     * ({@code getCurrentAnchor}) but forgets a scalar's ({@code &obs observability}); the event itself has
     * it. Read through a VarHandle on the parser's protected field; should a later Jackson rename it,
     * scalar anchors would go unseen and an alias to one is refused as naming no anchor (never misread).
     */
    private static final VarHandle LAST_EVENT = lastEvent();

    private static VarHandle lastEvent() {
        try {
            return MethodHandles.privateLookupIn(YAMLParser.class, MethodHandles.lookup())
                    .findVarHandle(YAMLParser.class, "_lastEvent", Event.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** The anchor set on the value the parser is on (not an alias), or null. */
    private static String anchor(YAMLParser yaml) {
        if (LAST_EVENT != null && LAST_EVENT.get(yaml) instanceof NodeEvent event && !(event instanceof AliasEvent)) {
            return event.getAnchor();
        }
        return yaml.getCurrentAnchor();
    }

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
            default -> throw new JsonParseException(parser, "unexpected " + token);
        };
    }
}
