package dev.happypath.rebalancer.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A corpus of broken inputs, generated from committed seeds ({@link java.util.Random}: a seed always gives
 * the same case): the shipped rebalancer.yaml and an IDP Blueprint dump, each broken in one way, with what
 * the CLI must say about it. Every break is one a person makes (a typo, a value of the wrong type, a
 * truncated copy, a file saved in another encoding) and has exactly one right message: the file, the field
 * path or line, and what was expected.
 */
public final class BadInputs {

    /** The configuration every config case breaks: the one built into the jar. */
    public static final Path BASE_CONFIG = Path.of("config/rebalancer.yaml");
    /** The dump every snapshot case breaks, and the cluster config cases are checked against. */
    public static final Path BASE_SNAPSHOT = Path.of("config/examples/idp-lifeboat-after-recovery.yaml");
    /** Stands for the path of the broken file in an expected message. */
    public static final String FILE = "{file}";

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] WORDS = {"fast", "maybe", "soon", "loki", "blue", "ten", "auto", "yes-please", "grafana", "none"};

    /** What a case is and which command reads it. */
    public enum Kind {
        /** A broken rebalancer.yaml: refused before the cluster is read. */
        CONFIG,
        /** A rebalancer.yaml that is valid but does not fit the cluster: refused after the read, nothing written. */
        CLUSTER_FIT,
        /** A valid rebalancer.yaml with a rule that names no pod: accepted, and the report says so. */
        ACCEPTED,
        /** A broken kubectl dump for plan --snapshot. */
        SNAPSHOT,
        /** A broken --schedule for the daemon. */
        SCHEDULE
    }

    /**
     * @param what     the break, for the test's name
     * @param bytes    the file's content (null for a schedule)
     * @param schedule the --schedule (SCHEDULE only)
     * @param expected fragments the one message must contain, {@link #FILE} standing for the file's path
     *                 (ACCEPTED: the rule the report must list)
     */
    public record Case(String what, Kind kind, byte[] bytes, String schedule, List<String> expected) {

        @Override
        public String toString() {
            return kind + ": " + what;
        }
    }

    private final Random random;

    private BadInputs(long seed) {
        this.random = new Random(seed);
    }

    // --- configurations ---------------------------------------------------------------------------

    /** One broken configuration (or one that does not fit the cluster, or one accepted) from {@code seed}. */
    public static Case config(long seed) {
        return new BadInputs(seed).config();
    }

    private Case config() {
        ObjectNode root = baseConfig();
        int pick = random.nextInt(100);
        if (pick < 22) {
            return wrongType(root);
        }
        if (pick < 34) {
            return unknownKey(root);
        }
        if (pick < 42) {
            return missing(root);
        }
        if (pick < 52) {
            return outOfRange(root);
        }
        if (pick < 58) {
            return badWord(root);
        }
        if (pick < 68) {
            return degenerate(root);
        }
        if (pick < 72) {
            return duplicateRule(root);
        }
        if (pick < 80) {
            return clusterMisfit(root);
        }
        if (pick < 84) {
            return selectsNothing(root);
        }
        return textual();
    }

    private enum Type { INT, NUMBER, DURATION, STRING, LABEL, LIST, MAP, HOME, OPERATOR, EFFECT, API_VERSION, KIND, BOOL, LOCAL_DATA }

    private static final Map<String, Type> TYPES = Map.ofEntries(
            Map.entry("apiVersion", Type.API_VERSION), Map.entry("kind", Type.KIND),
            Map.entry("eviction.maxPerRun", Type.INT), Map.entry("eviction.maxPerNode", Type.INT),
            Map.entry("eviction.maxPerNamespace", Type.INT), Map.entry("antiFlap.maxMovesPerWorkloadPerDay", Type.INT),
            Map.entry("eviction.maxUtilization", Type.NUMBER),
            Map.entry("gate.stableFor", Type.DURATION), Map.entry("eviction.pdbTimeout", Type.DURATION),
            Map.entry("eviction.readyTimeout", Type.DURATION), Map.entry("antiFlap.cooldown", Type.DURATION),
            Map.entry("workloads[*].name", Type.STRING), Map.entry("workloads[*].namespace", Type.STRING),
            Map.entry("separations[*].name", Type.STRING), Map.entry("antiFlap.ledger.namespace", Type.STRING),
            Map.entry("antiFlap.ledger.name", Type.STRING), Map.entry("nodes.lifeboats.taints[*].key", Type.STRING),
            Map.entry("nodes.lifeboats.taints[*].value", Type.STRING),
            Map.entry("nodes.workers.selector.matchExpressions[*].key", Type.STRING),
            Map.entry("nodes.lifeboats.selector.matchExpressions[*].key", Type.STRING),
            Map.entry("workloads[*].selector.matchLabels.*", Type.LABEL), Map.entry("workloads[*].home.worker.matchLabels.*", Type.LABEL),
            Map.entry("ignoreNamespaces", Type.LIST), Map.entry("eviction.controllerKinds", Type.LIST),
            Map.entry("separations[*].workloads", Type.LIST), Map.entry("workloads", Type.LIST), Map.entry("separations", Type.LIST),
            Map.entry("nodes.lifeboats.taints", Type.LIST), Map.entry("nodes.workers.selector.matchExpressions", Type.LIST),
            Map.entry("nodes.lifeboats.selector.matchExpressions", Type.LIST),
            Map.entry("nodes.workers.selector.matchExpressions[*].values", Type.LIST),
            Map.entry("nodes", Type.MAP), Map.entry("nodes.workers", Type.MAP), Map.entry("nodes.lifeboats", Type.MAP),
            Map.entry("gate", Type.MAP), Map.entry("eviction", Type.MAP), Map.entry("antiFlap", Type.MAP),
            Map.entry("antiFlap.ledger", Type.MAP), Map.entry("workloads[*]", Type.MAP), Map.entry("separations[*]", Type.MAP),
            Map.entry("workloads[*].selector", Type.MAP), Map.entry("workloads[*].selector.matchLabels", Type.MAP),
            Map.entry("workloads[*].home.worker", Type.MAP), Map.entry("nodes.workers.selector", Type.MAP),
            Map.entry("nodes.lifeboats.selector", Type.MAP), Map.entry("nodes.lifeboats.taints[*]", Type.MAP),
            Map.entry("nodes.workers.selector.matchExpressions[*]", Type.MAP),
            Map.entry("nodes.lifeboats.selector.matchExpressions[*]", Type.MAP),
            Map.entry("workloads[*].home", Type.HOME),
            Map.entry("nodes.workers.selector.matchExpressions[*].operator", Type.OPERATOR),
            Map.entry("nodes.lifeboats.selector.matchExpressions[*].operator", Type.OPERATOR),
            Map.entry("nodes.lifeboats.taints[*].effect", Type.EFFECT),
            Map.entry("workloads[*].localData", Type.LOCAL_DATA), Map.entry("workloads[*].allowDowntime", Type.BOOL),
            Map.entry("eviction.allowDowntime", Type.BOOL));

    private Case wrongType(ObjectNode root) {
        List<Object> path = pick(paths(root, p -> TYPES.containsKey(pattern(p))));
        Type type = TYPES.get(pattern(path));
        String problem = switch (type) {
            case INT -> "expected a whole number, got";
            case NUMBER -> "expected a number, got";
            case DURATION -> "expected a duration such as 30s, 5m or 1h, got";
            case STRING, LABEL, OPERATOR, EFFECT, API_VERSION, KIND -> "expected a string, got";
            case LIST -> "expected a list, got";
            case MAP -> "expected a map, got";
            case HOME -> "expected 'any-worker', 'control-plane' or a map {worker: <label selector>}, got";
            case BOOL -> "expected true or false, got";
            case LOCAL_DATA -> "expected 'keep' or 'discard', got";
        };
        JsonNode value = switch (type) {
            case INT -> oneOf(word(), BooleanNode.TRUE, list(), map(), new DoubleNode(2.5));
            case NUMBER -> oneOf(word(), BooleanNode.FALSE, list(), map());
            case DURATION -> oneOf(new IntNode(random.nextInt(600)), BooleanNode.TRUE, list(), map());
            case STRING, LABEL, OPERATOR, EFFECT, API_VERSION, KIND -> oneOf(new IntNode(random.nextInt(100)), BooleanNode.TRUE, list(), map());
            case LIST -> oneOf(word(), new IntNode(3), map());
            case MAP -> oneOf(word(), new IntNode(7), list());
            case HOME -> oneOf(new IntNode(1), BooleanNode.TRUE, list());
            case BOOL -> oneOf(word(), new IntNode(1), list(), map());
            case LOCAL_DATA -> oneOf(word(), BooleanNode.TRUE, list(), map());
        };
        set(root, path, value);
        return config("wrong type at " + show(path) + ": " + value, root, List.of(FILE + ": " + show(path) + ": " + problem));
    }

    private static final Map<String, List<String>> MAPS = Map.ofEntries(
            Map.entry("", List.of("antiFlap", "apiVersion", "eviction", "gate", "ignoreNamespaces", "kind", "nodes", "separations", "workloads")),
            Map.entry("nodes", List.of("workers", "lifeboats")), Map.entry("nodes.workers", List.of("selector")),
            Map.entry("nodes.lifeboats", List.of("selector", "taints")), Map.entry("gate", List.of("stableFor")),
            Map.entry("eviction", List.of("maxPerRun", "maxPerNode", "maxPerNamespace", "maxUtilization", "pdbTimeout", "readyTimeout", "controllerKinds",
                    "allowDowntime")),
            Map.entry("antiFlap", List.of("cooldown", "maxMovesPerWorkloadPerDay", "ledger")), Map.entry("antiFlap.ledger", List.of("namespace", "name")),
            Map.entry("workloads[*]", List.of("name", "namespace", "selector", "home", "localData", "allowDowntime")), Map.entry("separations[*]", List.of("name", "workloads")),
            Map.entry("workloads[*].selector", List.of("matchLabels", "matchExpressions")),
            Map.entry("nodes.workers.selector", List.of("matchLabels", "matchExpressions")),
            Map.entry("nodes.lifeboats.selector", List.of("matchLabels", "matchExpressions")),
            Map.entry("nodes.lifeboats.taints[*]", List.of("key", "value", "effect")),
            Map.entry("nodes.workers.selector.matchExpressions[*]", List.of("key", "operator", "values")),
            Map.entry("nodes.lifeboats.selector.matchExpressions[*]", List.of("key", "operator", "values")),
            Map.entry("workloads[*].home", List.of("worker")));

    private Case unknownKey(ObjectNode root) {
        List<Object> path = pick(paths(root, p -> MAPS.containsKey(pattern(p)) && at(root, p).isObject()));
        List<String> allowed = MAPS.get(pattern(path));
        String key;
        if (random.nextBoolean()) {
            // a typo of a key that belongs here: a letter doubled, or the case changed
            String k = allowed.get(random.nextInt(allowed.size()));
            int i = random.nextInt(k.length());
            key = random.nextBoolean() ? k.substring(0, i + 1) + k.charAt(i) + k.substring(i + 1) : k.toUpperCase();
        } else {
            key = word() .asText() + "s";
        }
        ((ObjectNode) at(root, path)).put(key, "x");
        String where = path.isEmpty() ? key : show(path) + "." + key;
        return config("unknown key " + where, root, List.of(FILE + ": " + where + ": unknown key (allowed here: "));
    }

    private static final List<String> REQUIRED = List.of("apiVersion", "kind", "nodes", "workloads", "nodes.workers", "nodes.lifeboats",
            "nodes.workers.selector", "workloads[*].name", "workloads[*].namespace", "workloads[*].home", "separations[*].workloads",
            "nodes.workers.selector.matchExpressions[*].key", "nodes.workers.selector.matchExpressions[*].operator",
            "nodes.lifeboats.selector.matchExpressions[*].key", "nodes.lifeboats.taints[*].key");

    private Case missing(ObjectNode root) {
        List<Object> path = pick(paths(root, p -> REQUIRED.contains(pattern(p))));
        remove(root, path);
        return config("missing " + show(path), root, List.of(FILE + ": " + show(path) + ": is required"));
    }

    private Case outOfRange(ObjectNode root) {
        List<Object> path = pick(paths(root, p -> {
            Type t = TYPES.get(pattern(p));
            return t == Type.INT || t == Type.NUMBER || t == Type.DURATION;
        }));
        Type type = TYPES.get(pattern(path));
        JsonNode value;
        String problem;
        if (type == Type.INT) {
            switch (random.nextInt(3)) {
                case 0 -> {
                    value = new IntNode(-1 - random.nextInt(1000));
                    problem = "must be between 0 and 1000, got " + value.asText();
                }
                case 1 -> {
                    value = new IntNode(1001 + random.nextInt(Integer.MAX_VALUE - 1001));
                    problem = "must be between 0 and 1000, got " + value.asText();
                }
                default -> {
                    value = new BigIntegerNode(BigInteger.TEN.pow(10 + random.nextInt(40)));
                    problem = "expected a whole number, got the number " + value.asText();
                }
            }
        } else if (type == Type.NUMBER) {
            value = new DoubleNode(random.nextBoolean() ? -random.nextDouble() : 1.0 + Math.pow(10, random.nextInt(300)));
            problem = "must be between 0.01 and 1.0, got";
        } else {
            boolean negative = random.nextBoolean();
            String field = (String) path.get(path.size() - 1);
            if (negative) {
                value = new TextNode("-" + (1 + random.nextInt(90)) + oneOf("s", "m", "h"));
                problem = "must not be negative, got " + value.asText();
            } else if (field.equals("readyTimeout") && random.nextBoolean()) {
                value = new TextNode((1 + random.nextInt(999)) + "ms");
                problem = "must be between 1s and 1h, got " + value.asText();
            } else {
                boolean upToAnHour = field.equals("pdbTimeout") || field.equals("readyTimeout");
                value = new TextNode((upToAnHour ? 2 + random.nextInt(9999) : 169 + random.nextInt(99999)) + "h");
                problem = "must be between";
            }
        }
        set(root, path, value);
        return config("out of range at " + show(path) + ": " + value, root, List.of(FILE + ": " + show(path) + ": " + problem));
    }

    private Case badWord(ObjectNode root) {
        List<Object> path = pick(paths(root, p -> {
            Type t = TYPES.get(pattern(p));
            return t == Type.API_VERSION || t == Type.KIND || t == Type.OPERATOR || t == Type.EFFECT
                    || (t == Type.HOME && at(root, p).isTextual());
        }));
        String word = word().asText() + random.nextInt(100);
        set(root, path, new TextNode(word));
        String problem = switch (TYPES.get(pattern(path))) {
            case API_VERSION -> "expected happypath.dev/v1alpha1, got '" + word + "'";
            case KIND -> "expected RebalancerConfig, got '" + word + "'";
            case OPERATOR -> "expected In, NotIn, Exists or DoesNotExist, got '" + word + "'";
            case EFFECT -> "expected NoSchedule, PreferNoSchedule or NoExecute, got '" + word + "'";
            default -> "expected 'any-worker', 'control-plane' or a map {worker: <label selector>}, got '" + word + "'";
        };
        return config("bad value at " + show(path) + ": " + word, root, List.of(FILE + ": " + show(path) + ": " + problem));
    }

    private Case degenerate(ObjectNode root) {
        int rules = root.get("workloads").size();
        int i = random.nextInt(rules);
        String name = root.get("workloads").get(i).get("name").asText();
        return switch (random.nextInt(11)) {
            case 0 -> {
                root.set("workloads", F.arrayNode());
                yield config("no workload rule", root, List.of(FILE + ": workloads: must name at least one workload"));
            }
            case 1 -> {
                ((ObjectNode) root.get("workloads").get(i)).set("selector", F.objectNode());
                yield config("empty selector", root, List.of(FILE + ": workloads[" + i + "].selector: empty selector: it would select everything"));
            }
            case 2 -> {
                ((ObjectNode) root.get("eviction")).set("controllerKinds", F.arrayNode());
                yield config("no controller kind", root, List.of(FILE + ": eviction.controllerKinds: must name at least one controller kind"));
            }
            case 3 -> {
                ((ArrayNode) root.get("eviction").get("controllerKinds")).add("DaemonSet");
                yield config("DaemonSet as a controller kind", root, List.of(FILE + ": eviction.controllerKinds: DaemonSet pods belong to their node"));
            }
            case 4 -> {
                ArrayNode pair = F.arrayNode().add(name);
                if (random.nextBoolean()) {
                    pair.add(name);
                }
                ((ObjectNode) root.get("separations").get(0)).set("workloads", pair);
                yield config("a separation of one workload", root, List.of(FILE + ": separations[0].workloads: expected exactly two different workload names"));
            }
            case 5 -> {
                String ghost = word().asText() + "-" + random.nextInt(1000);
                ((ArrayNode) root.get("separations").get(0).get("workloads")).set(1, new TextNode(ghost));
                yield config("a separation of an unknown workload", root,
                        List.of(FILE + ": separations[0].workloads[1]: no workload rule is named '" + ghost + "'"));
            }
            case 6 -> {
                ((ArrayNode) root.get("separations")).add(root.get("separations").get(0).deepCopy());
                yield config("the same separation twice", root, List.of(FILE + ": separations[1].workloads: the pair ", "is already declared"));
            }
            case 7 -> {
                ((ObjectNode) root.get("nodes")).set("lifeboats", F.objectNode());
                yield config("lifeboats without selector or taints", root, List.of(FILE + ": nodes.lifeboats: give a selector, taints, or both"));
            }
            case 8 -> {
                String bad = oneOf("Happypath_Ledger", "ledger!", "-ledger", "UPPER", "a".repeat(254));
                ((ObjectNode) root.get("antiFlap").get("ledger")).put("name", bad);
                yield config("a ledger name Kubernetes refuses", root, List.of(FILE + ": antiFlap.ledger.name: expected a Kubernetes name"));
            }
            case 9 -> {
                ((ObjectNode) root.at("/nodes/workers/selector/matchExpressions/0")).set("values", F.arrayNode());
                yield config("In without values", root,
                        List.of(FILE + ": nodes.workers.selector.matchExpressions[0].values: In needs at least one value"));
            }
            default -> {
                ((ObjectNode) root.at("/nodes/lifeboats/selector/matchExpressions/0")).set("values", F.arrayNode().add(word().asText()));
                yield config("Exists with values", root,
                        List.of(FILE + ": nodes.lifeboats.selector.matchExpressions[0].values: Exists takes no values"));
            }
        };
    }

    private Case duplicateRule(ObjectNode root) {
        ArrayNode rules = (ArrayNode) root.get("workloads");
        int i = random.nextInt(rules.size());
        ObjectNode copy = rules.get(i).deepCopy();
        int n = rules.size();
        if (random.nextBoolean()) {
            rules.add(copy);
            return config("workloads[" + i + "] twice", root, List.of(FILE + ": workloads[" + n + "].name: duplicate workload name '"
                    + copy.get("name").asText() + "' (first used at workloads[" + i + "])"));
        }
        copy.put("name", copy.get("name").asText() + "-again");
        rules.add(copy);
        return config("workloads[" + i + "] again under another name", root,
                List.of(FILE + ": workloads[" + n + "]: selects exactly the same pods as workloads[" + i + "]"));
    }

    private Case clusterMisfit(ObjectNode root) {
        String label = word().asText() + "-" + random.nextInt(1000);
        switch (random.nextInt(3)) {
            case 0 -> {
                int i = random.nextInt(root.get("workloads").size());
                ((ObjectNode) root.get("workloads").get(i)).set("home", F.objectNode().set("worker",
                        F.objectNode().set("matchLabels", F.objectNode().put("role", label))));
                return fit("workloads[" + i + "]'s home matches no node", root, List.of(FILE + ": workloads[" + i + "].home: 'worker role="
                        + label + "' matches none of the cluster's nodes ("));
            }
            case 1 -> {
                ((ObjectNode) root.get("nodes").get("workers")).set("selector", F.objectNode().set("matchLabels",
                        F.objectNode().put("tier", label)));
                return fit("no node is a worker", root, List.of(FILE + ": nodes.workers.selector: matches no worker among the cluster's nodes ("));
            }
            default -> {
                ((ObjectNode) root.get("nodes")).set("lifeboats", F.objectNode().set("selector", F.objectNode().set("matchLabels",
                        F.objectNode().put(label, "true"))));
                return fit("no node is a lifeboat", root, List.of(FILE + ": nodes.lifeboats: matches none of the cluster's nodes ("));
            }
        }
    }

    private Case selectsNothing(ObjectNode root) {
        String label = word().asText() + "-" + random.nextInt(1000);
        ArrayNode rules = (ArrayNode) root.get("workloads");
        String name = "unused-" + random.nextInt(1000);
        rules.add(F.objectNode().put("name", name).put("namespace", oneOf("observability", "cicd", "argocd", "team-" + label))
                .<ObjectNode>set("selector", F.objectNode().set("matchLabels", F.objectNode().put("app", label))).put("home", "any-worker"));
        byte[] bytes = yaml(root);
        return new Case("a rule whose selector matches no pod (" + name + ")", Kind.ACCEPTED, bytes, null, List.of(name));
    }

    /** Breaks that live in the text, not the tree. */
    private Case textual() {
        String text = read(BASE_CONFIG);
        return switch (random.nextInt(7)) {
            case 0 -> {
                // cut inside a flow mapping: { ... without its }
                List<int[]> spans = new ArrayList<>();
                Matcher m = Pattern.compile("\\{[^\\n]*\\}").matcher(text);
                while (m.find()) {
                    spans.add(new int[]{m.start(), m.end()});
                }
                int[] s = spans.get(random.nextInt(spans.size()));
                int cut = s[0] + 1 + random.nextInt(s[1] - s[0] - 1);
                yield textCase("truncated at byte " + cut, text.substring(0, cut).getBytes(StandardCharsets.UTF_8),
                        List.of(FILE + ": line ", "is not valid YAML: "));
            }
            case 1 -> {
                byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
                int at = random.nextInt(utf8.length);
                byte[] bad = oneOf(new byte[]{(byte) 0xC3, 0x28}, new byte[]{(byte) 0xFF}, new byte[]{(byte) 0x80},
                        new byte[]{(byte) 0xC0, (byte) 0xAF}, new byte[]{(byte) 0xE9, 'x'}, new byte[]{(byte) 0xF0, (byte) 0x9F, 'a'});
                byte[] out = new byte[utf8.length + bad.length];
                System.arraycopy(utf8, 0, out, 0, at);
                System.arraycopy(bad, 0, out, at, bad.length);
                System.arraycopy(utf8, at, out, at + bad.length, utf8.length - at);
                int line = 1;
                for (int i = 0; i < at; i++) {
                    line += utf8[i] == '\n' ? 1 : 0;
                }
                yield textCase("non-UTF-8 bytes at byte " + (at + 1), out,
                        List.of(FILE + ": line " + line + ": is not valid UTF-8 text (byte " + (at + 1) + " of the file)"));
            }
            case 2 -> {
                // a block-style "key: value" line written twice (a paste gone wrong)
                List<String> lines = new ArrayList<>(text.lines().toList());
                List<Integer> candidates = new ArrayList<>();
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).matches("\\s+[A-Za-z]+: [^{\\[]*") && !lines.get(i).trim().startsWith("- ")) {
                        candidates.add(i);
                    }
                }
                int i = candidates.get(random.nextInt(candidates.size()));
                String key = lines.get(i).trim().replaceAll(":.*", "");
                lines.add(i + 1, lines.get(i));
                yield textCase("line " + (i + 1) + " written twice", String.join("\n", lines).getBytes(StandardCharsets.UTF_8),
                        List.of(FILE + ": line ", "Duplicate field '" + key + "'"));
            }
            case 3 -> textCase("two YAML documents", (text + "---\nkind: " + word().asText() + "\n").getBytes(StandardCharsets.UTF_8),
                    List.of(FILE + ": holds more than one YAML document; expected exactly one"));
            case 4 -> textCase("empty", oneOf("", "\n\n", "   ", "# nothing but a comment\n", "---\n").getBytes(StandardCharsets.UTF_8),
                    List.of(FILE + ": is empty; expected a RebalancerConfig"));
            case 5 -> {
                String top = oneOf("- " + word().asText() + "\n- b\n", word().asText() + "\n", "42\n", "true\n");
                yield textCase("not a map at the top", top.getBytes(StandardCharsets.UTF_8), List.of(FILE + ": (top level): expected a map, got "));
            }
            default -> {
                StringBuilder big = new StringBuilder(text);
                while (big.length() <= (1 << 20)) {
                    big.append("# ").append("padding ".repeat(16)).append('\n');
                }
                yield textCase("larger than 1 MiB", big.toString().getBytes(StandardCharsets.UTF_8),
                        List.of(FILE + ": is larger than 1 MiB: not a rebalancer configuration"));
            }
        };
    }

    private static Case config(String what, ObjectNode root, List<String> expected) {
        return new Case(what, Kind.CONFIG, yaml(root), null, expected);
    }

    private static Case fit(String what, ObjectNode root, List<String> expected) {
        return new Case(what, Kind.CLUSTER_FIT, yaml(root), null, expected);
    }

    private static Case textCase(String what, byte[] bytes, List<String> expected) {
        return new Case(what, Kind.CONFIG, bytes, null, expected);
    }

    // --- snapshots ----------------------------------------------------------------------------------

    /** One broken kubectl dump from {@code seed}, as YAML or JSON. */
    public static Case snapshot(long seed) {
        return new BadInputs(seed).snapshot();
    }

    private Case snapshot() {
        ObjectNode root = baseSnapshot();
        ArrayNode items = (ArrayNode) root.get("items");
        boolean json = random.nextBoolean();
        int pick = random.nextInt(17);
        List<Integer> pods = indexes(items, "Pod");
        List<Integer> nodes = indexes(items, "Node");
        switch (pick) {
            case 0 -> {
                int i = pick(pods);
                String word = word().asText();
                ((ObjectNode) items.get(i).get("spec")).put("priority", word);
                return dump("a pod's priority is a word", root, json, List.of(FILE + ": " + label(items, i) + " spec.priority: has the wrong type: expected a whole number, got '" + word + "'"));
            }
            case 1 -> {
                int i = pick(pods);
                String field = oneOf("memory", "cpu");
                String bad = badQuantity();
                ObjectNode requests = ((ObjectNode) items.get(i).at("/spec/containers/0")).with("resources").with("requests");
                requests.put(field, bad);
                return dump("a pod requests " + field + " '" + bad + "'", root, json,
                        List.of(FILE + ": " + label(items, i) + " spec.containers[0].resources.requests." + field + ": ", "quantity"));
            }
            case 2 -> {
                int i = pick(nodes);
                String field = oneOf("memory", "cpu", "pods");
                String bad = badQuantity();
                ((ObjectNode) items.get(i).at("/status/allocatable")).put(field, bad);
                return dump("a node's allocatable " + field + " is '" + bad + "'", root, json,
                        List.of(FILE + ": " + label(items, i) + " status.allocatable." + field + ": ", "quantity"));
            }
            case 3 -> {
                int i = pick(nodes);
                String word = word().asText();
                ((ObjectNode) items.get(i).get("spec")).set("taints", F.arrayNode().add(F.objectNode().put("key", "x").put("effect", word)));
                return dump("a node's taint effect is '" + word + "'", root, json,
                        List.of(FILE + ": " + label(items, i) + " spec.taints[0].effect: expected NoSchedule, PreferNoSchedule or NoExecute, got '" + word + "'"));
            }
            case 4 -> {
                int i = pick(nodes);
                int c = random.nextInt(items.get(i).at("/status/conditions").size());
                String when = oneOf("yesterday", "2026-13-01T00:00:00Z", "21/11/2026", "now");
                ((ObjectNode) items.get(i).at("/status/conditions/" + c)).put("lastTransitionTime", when);
                return dump("a node condition's time is '" + when + "'", root, json,
                        List.of(FILE + ": " + label(items, i) + " status.conditions[" + c + "].lastTransitionTime: expected an RFC 3339 time"));
            }
            case 5 -> {
                int i = random.nextInt(items.size());
                ((ObjectNode) items.get(i)).remove("kind");
                return dump("an item without kind", root, json, List.of(FILE + ": items[" + i + "].kind: is required"));
            }
            case 6 -> {
                int i = pick(pods);
                String name = items.get(i).at("/metadata/name").asText();
                ((ObjectNode) items.get(i).get("metadata")).remove("namespace");
                return dump("a pod without namespace", root, json,
                        List.of(FILE + ": items[" + i + "] (Pod " + name + ") metadata.namespace: pod without a namespace"));
            }
            case 7 -> {
                int i = pick(pods);
                String label = label(items, i);
                ((ObjectNode) items.get(i)).remove("spec");
                return dump("a pod without spec", root, json, List.of(FILE + ": " + label + " spec: pod without a spec"));
            }
            case 8 -> {
                int i = random.nextInt(items.size());
                JsonNode value = oneOf(word(), new IntNode(random.nextInt(100)), list());
                items.set(i, value);
                return dump("items[" + i + "] is " + value, root, json, List.of(FILE + ": items[" + i + "]: expected a Kubernetes object, got "));
            }
            case 9 -> {
                root.set("items", oneOf(word(), new IntNode(3), map()));
                return dump("items is not a list", root, json, List.of(FILE + ": items: expected a list of Kubernetes objects"));
            }
            case 10 -> {
                for (int i = items.size() - 1; i >= 0; i--) {
                    if (items.get(i).path("kind").asText().equals("Node")) {
                        items.remove(i);
                    }
                }
                return dump("no nodes", root, json, List.of(FILE + ": holds no Node; expected the output of kubectl get nodes,pods,pdb,pvc,pv -A -o yaml"));
            }
            case 11 -> {
                // the cluster has no worker, or no lifeboat: the built-in configuration does not fit it
                boolean workers = random.nextBoolean();
                for (int i = items.size() - 1; i >= 0; i--) {
                    JsonNode item = items.get(i);
                    if (item.path("kind").asText().equals("Node")
                            && item.at("/metadata/labels").has("node-role.kubernetes.io/control-plane") != workers) {
                        items.remove(i);
                    }
                }
                return dump(workers ? "a cluster without workers" : "a cluster without lifeboat", root, json, List.of(
                        "(built-in) rebalancer.yaml: " + (workers ? "nodes.workers.selector: matches no worker among the cluster's nodes ("
                                : "nodes.lifeboats: matches none of the cluster's nodes (")));
            }
            case 13 -> {
                int i = pick(pods);
                ((ObjectNode) items.get(i).get("metadata")).set("labels", list());
                return dump("a pod's labels are a list", root, json,
                        List.of(FILE + ": " + label(items, i) + " metadata.labels: has the wrong type: expected a map"));
            }
            case 12 -> {
                int i = pick(pods);
                ((ObjectNode) items.get(i).get("spec")).set("tolerations", F.arrayNode().add(F.objectNode().put("key", "x")
                        .put("operator", word().asText()).put("effect", "NoSchedule")));
                return dump("a toleration operator that does not exist", root, json,
                        List.of(FILE + ": " + label(items, i) + " spec.tolerations[0].operator: expected Equal or Exists"));
            }
            default -> {
                return textSnapshot(root, json);
            }
        }
    }

    private Case textSnapshot(ObjectNode root, boolean json) {
        byte[] bytes = json ? json(root) : yaml(root);
        String text = new String(bytes, StandardCharsets.UTF_8);
        switch (random.nextInt(4)) {
            case 0 -> {
                int cut;
                if (json) {
                    cut = 1 + random.nextInt(text.length() - 2);
                } else {
                    // inside a double-quoted scalar: a quote never closed
                    List<Integer> quotes = new ArrayList<>();
                    for (int i = text.indexOf(": \""); i >= 0; i = text.indexOf(": \"", i + 1)) {
                        quotes.add(i + 3);
                    }
                    cut = pick(quotes);
                }
                return new Case((json ? "JSON" : "YAML") + " dump truncated at byte " + cut, Kind.SNAPSHOT,
                        text.substring(0, cut).getBytes(StandardCharsets.UTF_8), null, List.of(FILE + ": line ", "is not valid YAML/JSON: "));
            }
            case 1 -> {
                int at = text.indexOf("name", random.nextInt(text.length() / 2));
                byte[] out = new byte[bytes.length + 1];
                System.arraycopy(bytes, 0, out, 0, at);
                out[at] = (byte) 0xFF;
                System.arraycopy(bytes, at, out, at + 1, bytes.length - at);
                return new Case((json ? "JSON" : "YAML") + " dump with a 0xFF byte", Kind.SNAPSHOT, out, null,
                        List.of(FILE + ": ", "is not valid UTF-8 text"));
            }
            case 2 -> {
                String dup = json ? text.replaceFirst("\"kind\" : \"Pod\"", "\"kind\" : \"Pod\", \"kind\" : \"Pod\"")
                        : text.replaceFirst("\n  kind: \"Pod\"", "\n  kind: \"Pod\"\n  kind: \"Pod\"");
                return new Case((json ? "JSON" : "YAML") + " dump with a key twice", Kind.SNAPSHOT, dup.getBytes(StandardCharsets.UTF_8), null,
                        List.of(FILE + ": line ", "Duplicate field 'kind'"));
            }
            default -> {
                return new Case("a dump that is no List", Kind.SNAPSHOT, oneOf("hello\n", "42\n", "\"text\"\n").getBytes(StandardCharsets.UTF_8),
                        null, List.of(FILE + ": line ", "expected a Kubernetes List (kind: List with items) as printed by kubectl"));
            }
        }
    }

    private String badQuantity() {
        return oneOf((1 + random.nextInt(99)) + oneOf("Q", "Gii", "gb", "MB", "kib"), "-" + (1 + random.nextInt(9)) + "Gi",
                "9".repeat(20 + random.nextInt(10)) + "Ei", "1e" + (30 + random.nextInt(200)), "one", "1.2.3", "Gi");
    }

    private static String label(ArrayNode items, int i) {
        JsonNode item = items.get(i);
        String ns = item.at("/metadata/namespace").asText("");
        return "items[" + i + "] (" + item.get("kind").asText() + " " + (ns.isEmpty() ? "" : ns + "/") + item.at("/metadata/name").asText() + ")";
    }

    private static List<Integer> indexes(ArrayNode items, String kind) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i).path("kind").asText().equals(kind)) {
                out.add(i);
            }
        }
        return out;
    }

    private static Case dump(String what, ObjectNode root, boolean json, List<String> expected) {
        return new Case((json ? "JSON: " : "YAML: ") + what, Kind.SNAPSHOT, json ? json(root) : yaml(root), null, expected);
    }

    // --- schedules ------------------------------------------------------------------------------------

    /** One --schedule the daemon must refuse, from {@code seed}. */
    public static Case schedule(long seed) {
        return new BadInputs(seed).schedule();
    }

    private Case schedule() {
        String minute = "*/" + (1 + random.nextInt(30));
        return switch (random.nextInt(6)) {
            case 0 -> cron((60 + random.nextInt(40)) + " * * * *", "not a cron expression");
            case 1 -> cron(minute + " " + (24 + random.nextInt(70)) + " * * *", "not a cron expression");
            case 2 -> cron("0 " + random.nextInt(24) + " * * " + random.nextInt(7), "write days of the week as names (MON-FRI)");
            case 3 -> cron(minute + " * " + (1 + random.nextInt(28)) + " * " + oneOf("MON", "TUE-FRI", "SUN"), "restricts both day-of-month and day-of-week");
            case 4 -> {
                int fields = oneOf(1, 2, 3, 4, 8, 9);
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < fields; i++) {
                    b.append(i == 0 ? "" : " ").append(oneOf("*", "5", "*/2", word().asText()));
                }
                yield cron(b.toString(), "expected 5 fields (minute hour day-of-month month day-of-week) or Quartz's 6 or 7");
            }
            default -> cron("0 0 " + (30 + random.nextInt(2)) + " 2 ?", "never fires");
        };
    }

    private static Case cron(String schedule, String problem) {
        return new Case("--schedule '" + schedule + "'", Kind.SCHEDULE, null, schedule, List.of("--schedule: ", problem));
    }

    // --- the large dump ---------------------------------------------------------------------------------

    /**
     * Writes a kubectl JSON dump of at least {@code bytes} bytes (nodes, then pods carrying the large
     * last-applied-configuration annotation kubectl leaves), streamed to disk, whose very last item has an
     * invalid memory request. Returns the message fragments the CLI must print.
     */
    public static List<String> writeLargeSnapshot(Path file, long bytes) {
        String annotation = "x".repeat(8 * 1024);
        int i = 0;
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\n");
            ObjectNode root = baseSnapshot();
            for (JsonNode item : root.get("items")) {
                if (item.path("kind").asText().equals("Node")) {
                    w.write(JSON.writeValueAsString(item));
                    w.write(",\n");
                    i++;
                }
            }
            long written = 0;
            ObjectNode pod = (ObjectNode) JSON.readTree("""
                    {"apiVersion":"v1","kind":"Pod","metadata":{"namespace":"team-a","labels":{"app":"load"},
                     "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"load-rs","uid":"rs-1","controller":true}]},
                     "spec":{"nodeName":"k3d-idp-demo-agent-1","containers":[{"name":"c","resources":{"requests":{"cpu":"1m","memory":"1Mi"}}}]},
                     "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}""");
            ((ObjectNode) pod.get("metadata")).putObject("annotations").put("kubectl.kubernetes.io/last-applied-configuration", annotation);
            while (written < bytes) {
                ((ObjectNode) pod.get("metadata")).put("name", "load-" + i).put("uid", "uid-" + i);
                String line = JSON.writeValueAsString(pod);
                w.write(line);
                w.write(",\n");
                written += line.length() + 2;
                i++;
            }
            ((ObjectNode) pod.get("metadata")).put("name", "load-last").put("uid", "uid-last");
            ((ObjectNode) pod.at("/spec/containers/0/resources/requests")).put("memory", "12Q");
            w.write(JSON.writeValueAsString(pod));
            w.write("\n]}\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.of(FILE + ": items[" + i + "] (Pod team-a/load-last) spec.containers[0].resources.requests.memory: invalid quantity '12Q'");
    }

    // --- trees ----------------------------------------------------------------------------------------

    private static ObjectNode baseConfig() {
        try {
            return (ObjectNode) YAML.readTree(BASE_CONFIG.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode baseSnapshot() {
        try {
            return (ObjectNode) YAML.readTree(BASE_SNAPSHOT.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] yaml(JsonNode tree) {
        try {
            return YAML.writeValueAsBytes(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] json(JsonNode tree) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every path in the tree (keys and indexes) that {@code keep} admits, in document order. */
    private static List<List<Object>> paths(JsonNode root, Function<List<Object>, Boolean> keep) {
        List<List<Object>> out = new ArrayList<>();
        walk(root, new ArrayList<>(), keep, out);
        return out;
    }

    private static void walk(JsonNode node, List<Object> path, Function<List<Object>, Boolean> keep, List<List<Object>> out) {
        if (keep.apply(path)) {
            out.add(List.copyOf(path));
        }
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                path.add(e.getKey());
                walk(e.getValue(), path, keep, out);
                path.remove(path.size() - 1);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                path.add(i);
                walk(node.get(i), path, keep, out);
                path.remove(path.size() - 1);
            }
        }
    }

    /** The path as the loader writes it: workloads[3].selector.matchLabels.app. */
    private static String show(List<Object> path) {
        StringBuilder b = new StringBuilder();
        for (Object p : path) {
            if (p instanceof Integer i) {
                b.append('[').append(i).append(']');
            } else {
                b.append(b.length() == 0 ? "" : ".").append(p);
            }
        }
        return b.toString();
    }

    /** The path with every index as [*] and, under matchLabels, every key as *. */
    private static String pattern(List<Object> path) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < path.size(); i++) {
            Object p = path.get(i);
            if (p instanceof Integer) {
                b.append("[*]");
            } else {
                boolean label = i > 0 && "matchLabels".equals(path.get(i - 1));
                b.append(b.length() == 0 ? "" : ".").append(label ? "*" : p);
            }
        }
        return b.toString();
    }

    private static JsonNode at(JsonNode root, List<Object> path) {
        JsonNode n = root;
        for (Object p : path) {
            n = p instanceof Integer i ? n.get(i) : n.get((String) p);
        }
        return n;
    }

    private static void set(JsonNode root, List<Object> path, JsonNode value) {
        JsonNode parent = at(root, path.subList(0, path.size() - 1));
        Object last = path.get(path.size() - 1);
        if (last instanceof Integer i) {
            ((ArrayNode) parent).set(i, value);
        } else {
            ((ObjectNode) parent).set((String) last, value);
        }
    }

    private static void remove(JsonNode root, List<Object> path) {
        JsonNode parent = at(root, path.subList(0, path.size() - 1));
        Object last = path.get(path.size() - 1);
        if (last instanceof Integer i) {
            ((ArrayNode) parent).remove(i);
        } else {
            ((ObjectNode) parent).remove((String) last);
        }
    }

    private JsonNode word() {
        return new TextNode(WORDS[random.nextInt(WORDS.length)]);
    }

    private JsonNode list() {
        return F.arrayNode().add(word());
    }

    private JsonNode map() {
        return F.objectNode().set(word().asText(), word());
    }

    @SafeVarargs
    private <T> T oneOf(T... options) {
        return options[random.nextInt(options.length)];
    }

    private <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }
}
