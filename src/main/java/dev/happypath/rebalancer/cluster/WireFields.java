package dev.happypath.rebalancer.cluster;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed reads of the fields of a Kubernetes object as it travels (a JSON or YAML tree), with the
 * coercions a Jackson binding to the API types would apply (a number where a string is expected is that
 * number's text; "5" where an integer is expected is 5; 1.7 is 1) and a {@link ModelException} naming the
 * field when a value has the wrong shape. Absent and null read the same.
 */
final class WireFields {

    private WireFields() {
    }

    /** The object at {@code field}, or null when absent. */
    static JsonNode object(JsonNode parent, String field, String path) {
        JsonNode v = value(parent, field);
        if (v == null) {
            return null;
        }
        if (!v.isObject()) {
            throw wrongType(path, "an object", v);
        }
        return v;
    }

    /** The elements of the list at {@code field}; empty when absent. */
    static List<JsonNode> list(JsonNode parent, String field, String path) {
        JsonNode v = value(parent, field);
        if (v == null) {
            return List.of();
        }
        if (!v.isArray()) {
            throw wrongType(path, "a list", v);
        }
        List<JsonNode> out = new ArrayList<>(v.size());
        v.forEach(out::add);
        return out;
    }

    /** The objects of the list at {@code field}; empty when absent. */
    static List<JsonNode> objects(JsonNode parent, String field, String path) {
        List<JsonNode> items = list(parent, field, path);
        for (int i = 0; i < items.size(); i++) {
            if (!items.get(i).isObject()) {
                throw wrongType(path + "[" + i + "]", "an object", items.get(i));
            }
        }
        return items;
    }

    /** A string field; scalars read as their text; null when absent. */
    static String text(JsonNode parent, String field, String path) {
        return text(value(parent, field), path);
    }

    static String text(JsonNode v, String path) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return null;
        }
        if (v.isValueNode()) {
            return v.asText();
        }
        throw wrongType(path, "a string", v);
    }

    /** The strings of a list of strings; empty when absent. */
    static List<String> texts(JsonNode parent, String field, String path) {
        List<JsonNode> items = list(parent, field, path);
        List<String> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            String s = text(items.get(i), path + "[" + i + "]");
            if (s == null) {
                throw wrongType(path + "[" + i + "]", "a string", items.get(i));
            }
            out.add(s);
        }
        return out;
    }

    /** A map of strings (labels, annotations, nodeSelector); empty when absent. */
    static Map<String, String> textMap(JsonNode parent, String field, String path) {
        return textMap(value(parent, field), path);
    }

    /** The map of strings {@code v} (absent: null); empty when absent. */
    static Map<String, String> textMap(JsonNode v, String path) {
        if (v == null || v.isNull()) {
            return Map.of();
        }
        if (!v.isObject()) {
            throw wrongType(path, "a map of strings", v);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (var it = v.fields(); it.hasNext(); ) {
            var e = it.next();
            String s = text(e.getValue(), path + "." + e.getKey());
            if (s == null) {
                throw wrongType(path + "." + e.getKey(), "a string", e.getValue());
            }
            out.put(e.getKey(), s);
        }
        return out;
    }

    /** A whole number; "5" reads as 5 and 1.7 as 1, as a Jackson binding to an Integer field does; null when absent. */
    static Integer integer(JsonNode parent, String field, String path) {
        return integer(value(parent, field), path);
    }

    /** The whole number {@code v} (absent: null), read as {@link #integer(JsonNode, String, String)} reads a field. */
    static Integer integer(JsonNode v, String path) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber()) {
            if (!v.canConvertToInt()) {
                throw new ModelException(path, "has the wrong type: " + v.asText() + " is out of range of a 32-bit integer");
            }
            return v.intValue();
        }
        if (v.isFloatingPointNumber()) {
            return (int) v.doubleValue();
        }
        if (v.isTextual()) {
            String t = v.asText().strip();
            if (t.isEmpty()) {
                return null;
            }
            try {
                return Integer.parseInt(t);
            } catch (NumberFormatException e) {
                throw new ModelException(path, "has the wrong type: expected a whole number, got '" + v.asText() + "'");
            }
        }
        throw wrongType(path, "a whole number", v);
    }

    /** true/false, also as the text "true"/"false" or 1/0; null when absent. */
    static Boolean bool(JsonNode parent, String field, String path) {
        return bool(value(parent, field), path);
    }

    /** The boolean {@code v} (absent: null), read as {@link #bool(JsonNode, String, String)} reads a field. */
    static Boolean bool(JsonNode v, String path) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isIntegralNumber()) {
            return v.longValue() != 0;
        }
        if (v.isTextual()) {
            switch (v.asText().strip()) {
                case "true", "True", "TRUE" -> {
                    return true;
                }
                case "false", "False", "FALSE" -> {
                    return false;
                }
                case "" -> {
                    return null;
                }
                default -> {
                }
            }
        }
        throw wrongType(path, "true or false", v);
    }

    /**
     * A quantity as written ("250m", 2, "1Gi"), or null when absent or null. The object form
     * {@code {amount, format}} reads as amount followed by format.
     */
    static String quantity(JsonNode v, String path) {
        if (v == null || v.isNull() || v.isMissingNode()) {
            return null;
        }
        if (v.isValueNode()) {
            return v.asText();
        }
        if (v.isObject() && v.hasNonNull("amount")) {
            JsonNode format = v.get("format");
            return v.get("amount").asText() + (format == null || format.isNull() ? "" : format.asText());
        }
        throw wrongType(path, "a quantity", v);
    }

    /** An int-or-string (PodDisruptionBudget minAvailable, maxUnavailable) as its text; null when absent. */
    static String intOrString(JsonNode parent, String field, String path) {
        JsonNode v = value(parent, field);
        if (v == null) {
            return null;
        }
        if (v.isTextual()) {
            return v.asText();
        }
        if (v.isIntegralNumber() && v.canConvertToInt()) {
            return Integer.toString(v.intValue());
        }
        throw wrongType(path, "a whole number or a string", v);
    }

    /** The value at {@code field}, or null when the parent or the value is absent or null. */
    static JsonNode value(JsonNode parent, String field) {
        if (parent == null) {
            return null;
        }
        JsonNode v = parent.get(field);
        return v == null || v.isNull() ? null : v;
    }

    static ModelException wrongType(String path, String expected, JsonNode got) {
        String what = got.isObject() ? "an object" : got.isArray() ? "a list" : got.isNull() ? "null"
                : got.isTextual() ? "'" + got.asText() + "'" : got.asText();
        return new ModelException(path, "has the wrong type: expected " + expected + ", got " + what);
    }
}
