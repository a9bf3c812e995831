package dev.happypath.rebalancer.config;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.happypath.rebalancer.InvalidInputException;
import dev.happypath.rebalancer.scheduling.SchedulerConfig;
import dev.happypath.rebalancer.snapshot.LabelSelector;
import dev.happypath.rebalancer.snapshot.Requirement;
import dev.happypath.rebalancer.snapshot.Taint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads and validates {@code rebalancer.yaml} into a {@link HappyPath}. */
public final class HappyPathLoader {

    public static final String API_VERSION = "happypath.dev/v1alpha1";
    public static final String KIND = "RebalancerConfig";
    /** The IDP Blueprint Happy Path, the same file as config/rebalancer.yaml. */
    public static final String BUILT_IN = "rebalancer.yaml";

    static final int MAX_BYTES = 1 << 20;
    private static final Duration MAX_DURATION = Duration.ofDays(7);

    private static final ObjectMapper YAML = YAMLMapper.builder(
                    YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .build();

    private HappyPathLoader() {
    }

    public static HappyPath load(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw InvalidInputException.at(file.toString(), null, "is larger than 1 MiB: not a rebalancer configuration");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw InvalidInputException.at(file.toString(), null, "no such file");
        } catch (IOException e) {
            throw InvalidInputException.at(file.toString(), null, "cannot be read: " + e.getMessage());
        }
        return parse(file.toString(), bytes);
    }

    public static HappyPath loadBuiltIn() {
        try (InputStream in = HappyPathLoader.class.getClassLoader().getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks its built-in " + BUILT_IN);
            }
            return parse("(built-in) " + BUILT_IN, in.readAllBytes());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the built-in " + BUILT_IN, e);
        }
    }

    public static HappyPath parse(String source, byte[] bytes) {
        String text;
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(in).toString();
        } catch (CharacterCodingException e) {
            // the decoder stops where the bad bytes start: say where, as an editor counts lines
            int at = in.position();
            int line = 1;
            for (int i = 0; i < at && i < bytes.length; i++) {
                line += bytes[i] == '\n' ? 1 : 0;
            }
            throw InvalidInputException.at(source, "line " + line, "is not valid UTF-8 text (byte " + (at + 1) + " of the file)");
        }
        JsonNode tree;
        try (JsonParser parser = YAML.createParser(text)) {
            // anchors, aliases and merge keys resolved (Jackson alone reads an alias as its name)
            tree = parser.nextToken() == null ? null : YamlTrees.read(parser, new YamlTrees.Anchors());
            if (tree != null && parser.nextToken() != null) {
                throw InvalidInputException.at(source, null, "holds more than one YAML document; expected exactly one");
            }
        } catch (YamlTrees.Refused e) {
            throw InvalidInputException.at(source, location(e), e.getOriginalMessage());
        } catch (JsonParseException e) {
            throw InvalidInputException.at(source, location(e), "is not valid YAML: " + InvalidInputException.parserProblem(e.getOriginalMessage()));
        } catch (IOException e) {
            throw InvalidInputException.at(source, null, "is not valid YAML: " + InvalidInputException.parserProblem(e.getMessage()));
        }
        if (tree == null || tree.isNull() || tree.isMissingNode()) {
            throw InvalidInputException.at(source, null, "is empty; expected a " + KIND);
        }
        return read(new ConfigNode(tree, source, ""));
    }

    private static String location(JsonParseException e) {
        return e.getLocation() == null ? null : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    static HappyPath read(ConfigNode root) {
        root.allowOnly("antiFlap", "apiVersion", "eviction", "gate", "ignoreNamespaces", "kind", "nodes", "scheduler", "separations", "workloads");
        ConfigNode apiVersion = root.required("apiVersion");
        if (!API_VERSION.equals(apiVersion.string())) {
            throw apiVersion.error("expected " + API_VERSION + ", got '" + apiVersion.string() + "'");
        }
        ConfigNode kind = root.required("kind");
        if (!KIND.equals(kind.string())) {
            throw kind.error("expected " + KIND + ", got '" + kind.string() + "'");
        }

        NodeRoles nodes = readNodes(root.required("nodes"));
        List<WorkloadRule> workloads = readWorkloads(root.required("workloads"));
        List<SeparationRule> separations = root.has("separations")
                ? readSeparations(root.field("separations"), workloads) : List.of();
        Set<String> ignore = root.has("ignoreNamespaces")
                ? new LinkedHashSet<>(root.field("ignoreNamespaces").stringList()) : Set.of("kube-system");

        Duration stableFor = Duration.ofMinutes(5);
        if (root.has("gate")) {
            ConfigNode gate = root.field("gate").allowOnly("stableFor");
            if (gate.has("stableFor")) {
                stableFor = gate.field("stableFor").duration(Duration.ZERO, MAX_DURATION);
            }
        }
        EvictionPolicy eviction = readEviction(root.field("eviction"));
        AntiFlap antiFlap = readAntiFlap(root.field("antiFlap"));
        SchedulerConfig scheduler = readScheduler(root.field("scheduler"));
        return new HappyPath(root.file(), nodes, workloads, separations, ignore, stableFor, eviction, antiFlap, scheduler);
    }

    private static NodeRoles readNodes(ConfigNode nodes) {
        nodes.allowOnly("workers", "lifeboats");
        ConfigNode workers = nodes.required("workers").allowOnly("selector");
        LabelSelector workerSelector = selector(workers.required("selector"));

        ConfigNode lifeboats = nodes.required("lifeboats").allowOnly("selector", "taints");
        LabelSelector lifeboatSelector = lifeboats.has("selector") ? selector(lifeboats.field("selector")) : null;
        List<TaintPattern> taints = new ArrayList<>();
        if (lifeboats.has("taints")) {
            for (ConfigNode t : lifeboats.field("taints").list()) {
                t.allowOnly("key", "value", "effect");
                String value = t.has("value") ? t.field("value").string() : null;
                taints.add(new TaintPattern(t.required("key").string(), value, t.has("effect") ? effect(t.field("effect")) : null));
            }
        }
        if (lifeboatSelector == null && taints.isEmpty()) {
            throw lifeboats.error("give a selector, taints, or both: otherwise no node can be a lifeboat");
        }
        return new NodeRoles(workerSelector, lifeboatSelector, taints);
    }

    private static Taint.Effect effect(ConfigNode node) {
        String text = node.string();
        for (Taint.Effect e : Taint.Effect.values()) {
            if (e.name().equals(text)) {
                return e;
            }
        }
        throw node.error("expected NoSchedule, PreferNoSchedule or NoExecute, got '" + text + "'");
    }

    private static List<WorkloadRule> readWorkloads(ConfigNode list) {
        List<WorkloadRule> rules = new ArrayList<>();
        Map<String, String> pathByName = new HashMap<>();
        Map<String, String> pathBySelection = new HashMap<>();
        List<ConfigNode> items = list.list();
        if (items.isEmpty()) {
            throw list.error("must name at least one workload");
        }
        for (ConfigNode item : items) {
            item.allowOnly("name", "namespace", "selector", "home", "localData", "allowDowntime");
            ConfigNode nameNode = item.required("name");
            String name = nameNode.string();
            String earlier = pathByName.putIfAbsent(name, item.path());
            if (earlier != null) {
                throw nameNode.error("duplicate workload name '" + name + "' (first used at " + earlier + ")");
            }
            String namespace = item.required("namespace").string();
            LabelSelector selector = item.has("selector") ? selector(item.field("selector")) : null;
            String selection = namespace + "|" + (selector == null ? "*" : canonical(selector));
            String same = pathBySelection.putIfAbsent(selection, item.path());
            if (same != null) {
                throw item.error("selects exactly the same pods as " + same + " (same namespace and selector); the later rule could never apply");
            }
            WorkloadRule.LocalData localData = WorkloadRule.LocalData.KEEP;
            if (item.has("localData")) {
                ConfigNode ld = item.field("localData");
                String text = ld.isText() ? ld.string() : null;
                if ("keep".equals(text)) {
                    localData = WorkloadRule.LocalData.KEEP;
                } else if ("discard".equals(text)) {
                    localData = WorkloadRule.LocalData.DISCARD;
                } else {
                    throw ld.error("expected 'keep' or 'discard', got " + (text == null ? ld.describe() : "'" + text + "'"));
                }
            }
            Boolean allowDowntime = item.has("allowDowntime") ? item.field("allowDowntime").bool() : null;
            rules.add(new WorkloadRule(name, namespace, selector, home(item.required("home")), localData, allowDowntime));
        }
        return rules;
    }

    private static String canonical(LabelSelector s) {
        List<String> parts = new ArrayList<>();
        s.matchLabels().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> parts.add(e.getKey() + "=" + e.getValue()));
        s.matchExpressions().stream().map(r -> r.key() + " " + r.operator() + " " + r.values().stream().sorted().toList())
                .sorted().forEach(parts::add);
        return String.join(";", parts);
    }

    private static Home home(ConfigNode node) {
        String expected = "expected 'any-worker', 'control-plane' or a map {worker: <label selector>}";
        if (node.isText()) {
            return switch (node.string()) {
                case "any-worker" -> Home.ANY_WORKER;
                case "control-plane" -> Home.CONTROL_PLANE;
                default -> throw node.error(expected + ", got '" + node.string() + "'");
            };
        }
        if (!node.isObject()) {
            throw node.error(expected + ", got " + node.describe());
        }
        node.allowOnly("worker");
        return Home.workers(selector(node.required("worker")));
    }

    private static List<SeparationRule> readSeparations(ConfigNode list, List<WorkloadRule> workloads) {
        Set<String> names = new HashSet<>();
        workloads.forEach(w -> names.add(w.name()));
        List<SeparationRule> rules = new ArrayList<>();
        Set<String> pairs = new HashSet<>();
        for (ConfigNode item : list.list()) {
            item.allowOnly("name", "workloads");
            ConfigNode pairNode = item.required("workloads");
            List<String> pair = pairNode.stringList();
            if (pair.size() != 2 || pair.get(0).equals(pair.get(1))) {
                throw pairNode.error("expected exactly two different workload names, got " + pair);
            }
            for (int i = 0; i < 2; i++) {
                if (!names.contains(pair.get(i))) {
                    throw pairNode.list().get(i).error("no workload rule is named '" + pair.get(i)
                            + "' (known: " + String.join(", ", new java.util.TreeSet<>(names)) + ")");
                }
            }
            String name = item.has("name") ? item.field("name").string() : pair.get(0) + "/" + pair.get(1);
            String key = pair.stream().sorted().toList().toString();
            if (!pairs.add(key)) {
                throw pairNode.error("the pair " + pair + " is already declared");
            }
            rules.add(new SeparationRule(name, pair.get(0), pair.get(1)));
        }
        return rules;
    }

    private static EvictionPolicy readEviction(ConfigNode node) {
        int maxPerRun = 5;
        int maxPerNode = 3;
        int maxPerNamespace = 3;
        double maxUtilization = 0.80;
        Duration pdbTimeout = Duration.ofMinutes(2);
        Duration readyTimeout = Duration.ofMinutes(5);
        Set<String> kinds = EvictionPolicy.DEFAULT_CONTROLLER_KINDS;
        boolean allowDowntime = true;
        if (!node.isNull()) {
            node.allowOnly("maxPerRun", "maxPerNode", "maxPerNamespace", "maxUtilization", "pdbTimeout", "readyTimeout", "controllerKinds",
                    "allowDowntime");
            if (node.has("allowDowntime")) {
                allowDowntime = node.field("allowDowntime").bool();
            }
            if (node.has("maxPerRun")) {
                maxPerRun = node.field("maxPerRun").integer(0, 1000);
            }
            if (node.has("maxPerNode")) {
                maxPerNode = node.field("maxPerNode").integer(0, 1000);
            }
            if (node.has("maxPerNamespace")) {
                maxPerNamespace = node.field("maxPerNamespace").integer(0, 1000);
            }
            if (node.has("maxUtilization")) {
                maxUtilization = node.field("maxUtilization").number(0.01, 1.0);
            }
            if (node.has("pdbTimeout")) {
                pdbTimeout = node.field("pdbTimeout").duration(Duration.ZERO, Duration.ofHours(1));
            }
            if (node.has("readyTimeout")) {
                readyTimeout = node.field("readyTimeout").duration(Duration.ofSeconds(1), Duration.ofHours(1));
            }
            if (node.has("controllerKinds")) {
                ConfigNode list = node.field("controllerKinds");
                List<String> given = list.stringList();
                if (given.isEmpty()) {
                    throw list.error("must name at least one controller kind (ReplicaSet, StatefulSet, ...)");
                }
                if (given.contains("DaemonSet")) {
                    throw list.error("DaemonSet pods belong to their node and are never evicted");
                }
                kinds = new LinkedHashSet<>(given);
            }
        }
        return new EvictionPolicy(maxPerRun, maxPerNode, maxPerNamespace, maxUtilization, pdbTimeout, readyTimeout, kinds, allowDowntime);
    }

    /**
     * scheduler.configFile: the kube-scheduler's KubeSchedulerConfiguration, relative to this file's directory
     * when not absolute (the two are usually kept side by side).
     */
    private static SchedulerConfig readScheduler(ConfigNode node) {
        if (node.isNull()) {
            return SchedulerConfig.DEFAULT;
        }
        node.allowOnly("configFile");
        if (!node.has("configFile")) {
            return SchedulerConfig.DEFAULT;
        }
        Path file = Path.of(node.field("configFile").string());
        if (!file.isAbsolute() && node.file() != null && !node.file().startsWith("(built-in)")) {
            Path dir = Path.of(node.file()).toAbsolutePath().getParent();
            file = dir == null ? file : dir.resolve(file);
        }
        return SchedulerConfigLoader.load(file);
    }

    private static AntiFlap readAntiFlap(ConfigNode node) {
        AntiFlap d = AntiFlap.DEFAULT;
        if (node.isNull()) {
            return d;
        }
        node.allowOnly("cooldown", "maxMovesPerWorkloadPerDay", "ledger");
        Duration cooldown = node.has("cooldown") ? node.field("cooldown").duration(Duration.ZERO, MAX_DURATION) : d.cooldown();
        int perDay = node.has("maxMovesPerWorkloadPerDay") ? node.field("maxMovesPerWorkloadPerDay").integer(0, 1000)
                : d.maxMovesPerWorkloadPerDay();
        String namespace = d.ledgerNamespace();
        String name = d.ledgerName();
        if (node.has("ledger")) {
            ConfigNode ledger = node.field("ledger").allowOnly("namespace", "name");
            if (ledger.has("namespace")) {
                namespace = dnsLabel(ledger.field("namespace"), 63);
            }
            if (ledger.has("name")) {
                name = dnsLabel(ledger.field("name"), 253);
            }
        }
        return new AntiFlap(cooldown, perDay, namespace, name);
    }

    private static String dnsLabel(ConfigNode node, int max) {
        String value = node.string();
        if (value.length() > max || !value.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?")) {
            throw node.error("expected a Kubernetes name (lower-case letters, digits, '-', at most " + max + " characters), got '" + value + "'");
        }
        return value;
    }

    /** A strict metav1.LabelSelector; an empty one is refused because it would select everything. */
    static LabelSelector selector(ConfigNode node) {
        node.allowOnly("matchLabels", "matchExpressions");
        Map<String, String> labels = node.has("matchLabels") ? node.field("matchLabels").stringMap() : Map.of();
        List<Requirement> expressions = new ArrayList<>();
        if (node.has("matchExpressions")) {
            for (ConfigNode e : node.field("matchExpressions").list()) {
                expressions.add(requirement(e));
            }
        }
        LabelSelector selector = new LabelSelector(labels, expressions);
        if (selector.isEmpty()) {
            throw node.error("empty selector: it would select everything; give matchLabels or matchExpressions");
        }
        return selector;
    }

    private static Requirement requirement(ConfigNode e) {
        e.allowOnly("key", "operator", "values");
        String key = e.required("key").string();
        ConfigNode opNode = e.required("operator");
        Requirement.Operator op;
        switch (opNode.string()) {
            case "In" -> op = Requirement.Operator.In;
            case "NotIn" -> op = Requirement.Operator.NotIn;
            case "Exists" -> op = Requirement.Operator.Exists;
            case "DoesNotExist" -> op = Requirement.Operator.DoesNotExist;
            default -> throw opNode.error("expected In, NotIn, Exists or DoesNotExist, got '" + opNode.string() + "'");
        }
        List<String> values = e.has("values") ? e.field("values").stringList() : List.of();
        boolean needsValues = op == Requirement.Operator.In || op == Requirement.Operator.NotIn;
        if (needsValues && values.isEmpty()) {
            throw e.field("values").error(op + " needs at least one value (an empty list matches nothing)");
        }
        if (!needsValues && !values.isEmpty()) {
            throw e.field("values").error(op + " takes no values");
        }
        return new Requirement(key, op, values);
    }
}
