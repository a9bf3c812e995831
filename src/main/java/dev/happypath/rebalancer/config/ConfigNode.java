package dev.happypath.rebalancer.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.happypath.rebalancer.InvalidInputException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A YAML value with the file and field path it came from, so that every complaint says where.
 * Strict: wrong types and unknown keys are errors, never silently ignored.
 */
public final class ConfigNode {

    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

    private final JsonNode json;
    private final String file;
    private final String path;

    public ConfigNode(JsonNode json, String file, String path) {
        this.json = json;
        this.file = file;
        this.path = path;
    }

    public String path() {
        return path;
    }

    public String file() {
        return file;
    }

    public InvalidInputException error(String problem) {
        return InvalidInputException.at(file, path.isEmpty() ? "(top level)" : path, problem);
    }

    public boolean isNull() {
        return json == null || json.isNull() || json.isMissingNode();
    }

    public boolean isText() {
        return !isNull() && json.isTextual();
    }

    public boolean isObject() {
        return !isNull() && json.isObject();
    }

    public boolean has(String key) {
        return isObject() && json.has(key) && !json.get(key).isNull();
    }

    public ConfigNode field(String key) {
        String childPath = path.isEmpty() ? key : path + "." + key;
        return new ConfigNode(isObject() ? json.get(key) : null, file, childPath);
    }

    /** A key that must be present (and not null). */
    public ConfigNode required(String key) {
        expectObject();
        ConfigNode child = field(key);
        if (child.isNull()) {
            throw child.error("is required");
        }
        return child;
    }

    public ConfigNode expectObject() {
        if (!isObject()) {
            throw error("expected a map, got " + describe());
        }
        return this;
    }

    /** Rejects keys outside {@code allowed}, naming them and what is allowed. */
    public ConfigNode allowOnly(String... allowed) {
        expectObject();
        Set<String> known = Set.of(allowed);
        Iterator<String> names = json.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                throw field(name).error("unknown key (allowed here: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
        return this;
    }

    public String string() {
        if (!isText()) {
            throw error("expected a string, got " + describe());
        }
        String value = json.asText();
        if (value.isBlank()) {
            throw error("must not be empty");
        }
        return value;
    }

    public int integer(int min, int max) {
        if (isNull() || !json.isIntegralNumber() || !json.canConvertToInt()) {
            throw error("expected a whole number, got " + describe());
        }
        int value = json.intValue();
        if (value < min || value > max) {
            throw error("must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    /** true or false, unquoted: "true" as a string is refused, so that a typo never flips a safety switch. */
    public boolean bool() {
        if (isNull() || !json.isBoolean()) {
            throw error("expected true or false, got " + describe());
        }
        return json.booleanValue();
    }

    public double number(double min, double max) {
        if (isNull() || !json.isNumber()) {
            throw error("expected a number, got " + describe());
        }
        double value = json.doubleValue();
        if (!(value >= min && value <= max)) {
            throw error("must be between " + min + " and " + max + ", got " + json.asText());
        }
        return value;
    }

    /** A duration in the Kubernetes/Go form: "90s", "5m", "1h30m", "500ms". */
    public Duration duration(Duration min, Duration max) {
        // YAML reads a bare 0 as a number: it is the one duration that needs no unit (as in Go and Kubernetes)
        String text = isText() ? json.asText().trim() : json.isNumber() && json.asDouble() == 0 ? "0" : null;
        if (text == null) {
            throw error("expected a duration such as 30s, 5m or 1h, got " + describe());
        }
        if (text.startsWith("-")) {
            throw error("must not be negative, got " + text);
        }
        Duration value = parseDuration(text);
        if (value == null) {
            throw error("expected a duration such as 30s, 5m or 1h, got '" + text + "'");
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw error("must be between " + format(min) + " and " + format(max) + ", got " + text);
        }
        return value;
    }

    public List<ConfigNode> list() {
        if (isNull() || !json.isArray()) {
            throw error("expected a list, got " + describe());
        }
        List<ConfigNode> items = new ArrayList<>();
        for (int i = 0; i < json.size(); i++) {
            items.add(new ConfigNode(json.get(i), file, path + "[" + i + "]"));
        }
        return items;
    }

    public List<String> stringList() {
        List<String> values = new ArrayList<>();
        for (ConfigNode item : list()) {
            values.add(item.string());
        }
        return values;
    }

    /** A map of strings to strings, such as matchLabels. Label values must be quoted when they look like booleans or numbers. */
    public Map<String, String> stringMap() {
        expectObject();
        Map<String, String> values = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = json.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            ConfigNode value = field(e.getKey());
            if (!value.isText()) {
                throw value.error("expected a string, got " + value.describe()
                        + (value.isNull() ? "" : " (quote it: \"" + e.getValue().asText() + "\")"));
            }
            values.put(e.getKey(), e.getValue().asText());
        }
        return values;
    }

    public String describe() {
        if (json == null || json.isMissingNode()) {
            return "nothing";
        }
        if (json.isNull()) {
            return "null";
        }
        if (json.isTextual()) {
            return "the string '" + abbreviate(json.asText()) + "'";
        }
        if (json.isBoolean()) {
            return "the boolean " + json.asText();
        }
        if (json.isNumber()) {
            return "the number " + json.asText();
        }
        if (json.isArray()) {
            return "a list";
        }
        return "a map";
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }

    public static Duration parseDuration(String text) {
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = DURATION_PART.matcher(text);
        int end = 0;
        double millis = 0;
        while (m.find()) {
            if (m.start() != end) {
                return null;
            }
            double n = Double.parseDouble(m.group(1));
            millis += switch (m.group(2)) {
                case "h" -> n * 3_600_000;
                case "m" -> n * 60_000;
                case "s" -> n * 1_000;
                default -> n;
            };
            end = m.end();
        }
        if (end == 0 || end != text.length() || millis > 1e15) {
            return null;
        }
        return Duration.ofMillis(Math.round(millis));
    }

    /** "5m", "1h30m", "45s" back from a Duration. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder b = new StringBuilder();
        long h = d.toHours();
        long m = d.toMinutesPart();
        long s = d.toSecondsPart();
        long ms = d.toMillisPart();
        if (h > 0) {
            b.append(h).append('h');
        }
        if (m > 0) {
            b.append(m).append('m');
        }
        if (s > 0) {
            b.append(s).append('s');
        }
        if (ms > 0) {
            b.append(ms).append("ms");
        }
        return b.toString();
    }
}
