package dev.happypath.rebalancer.config;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.happypath.rebalancer.InvalidInputException;
import dev.happypath.rebalancer.scheduling.Filters;
import dev.happypath.rebalancer.scheduling.NodeFilter;
import dev.happypath.rebalancer.scheduling.ResourceScoring;
import dev.happypath.rebalancer.scheduling.SchedulerConfig;
import dev.happypath.rebalancer.scheduling.SchedulerProfile;
import dev.happypath.rebalancer.scheduling.ScorePlugin;
import dev.happypath.rebalancer.scheduling.Scores;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the kube-scheduler's own configuration file (KubeSchedulerConfiguration,
 * {@code kubescheduler.config.k8s.io/v1}, what k3s takes through {@code --kube-scheduler-arg=config=FILE})
 * into a {@link SchedulerConfig}: per profile, which plugins filter and score and with what weight, how
 * NodeResourcesFit scores, and percentageOfNodesToScore. Plugins are merged into the v1.33 defaults as
 * kube-scheduler merges them (a plugin disabled at multiPoint or at the extension point is dropped, "*" drops
 * every default there, an enabled default takes the new weight, an enabled non-default is added).
 *
 * <p>As strict as kube-scheduler, which refuses to start on an unknown field or plugin: every mistake is one
 * line naming the file and the field path (exit 2). Settings that change placement in ways the model does not
 * simulate are accepted and listed on the profile ({@link SchedulerProfile#unmodelled()}): the predictions
 * under it then say they are not certain.
 */
public final class SchedulerConfigLoader {

    public static final String API_VERSION = "kubescheduler.config.k8s.io/v1";
    public static final String KIND = "KubeSchedulerConfiguration";

    private static final ObjectMapper YAML = YAMLMapper.builder(
                    YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .build();

    /** The extension points of a profile's plugins (KubeSchedulerProfile.plugins, v1). */
    private static final Set<String> EXTENSION_POINTS = Set.of("preEnqueue", "queueSort", "preFilter", "filter", "postFilter",
            "preScore", "score", "reserve", "permit", "preBind", "bind", "postBind", "multiPoint");

    /** Plugin args that do not change where a pod lands (timeouts, preemption's candidate search). */
    private static final Set<String> ARGS_WITHOUT_EFFECT = Set.of("DefaultPreemption", "VolumeBinding");

    private SchedulerConfigLoader() {
    }

    public static SchedulerConfig load(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) > HappyPathLoader.MAX_BYTES) {
                throw InvalidInputException.at(file.toString(), null, "is larger than 1 MiB: not a " + KIND);
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw InvalidInputException.at(file.toString(), null, "no such file (expected a " + KIND + ")");
        } catch (IOException e) {
            throw InvalidInputException.at(file.toString(), null, "cannot be read: " + e.getMessage());
        }
        return parse(file.toString(), bytes);
    }

    public static SchedulerConfig parse(String source, byte[] bytes) {
        JsonNode tree;
        try (JsonParser parser = YAML.createParser(new String(bytes, StandardCharsets.UTF_8))) {
            tree = YAML.readTree(parser);
            if (tree != null && parser.nextToken() != null) {
                throw InvalidInputException.at(source, null, "holds more than one YAML document; expected exactly one " + KIND);
            }
        } catch (JsonParseException e) {
            String at = e.getLocation() == null ? null : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw InvalidInputException.at(source, at, "is not valid YAML: " + InvalidInputException.parserProblem(e.getOriginalMessage()));
        } catch (IOException e) {
            throw InvalidInputException.at(source, null, "is not valid YAML: " + InvalidInputException.parserProblem(e.getMessage()));
        }
        if (tree == null || tree.isNull() || tree.isMissingNode()) {
            throw InvalidInputException.at(source, null, "is empty; expected a " + KIND);
        }
        return read(new ConfigNode(tree, source, ""));
    }

    static SchedulerConfig read(ConfigNode root) {
        root.allowOnly("apiVersion", "kind", "parallelism", "leaderElection", "clientConnection", "healthzBindAddress",
                "metricsBindAddress", "enableProfiling", "enableContentionProfiling", "percentageOfNodesToScore",
                "podInitialBackoffSeconds", "podMaxBackoffSeconds", "profiles", "extenders", "delayCacheUntilActive");
        ConfigNode apiVersion = root.required("apiVersion");
        if (!API_VERSION.equals(apiVersion.string())) {
            throw apiVersion.error("expected " + API_VERSION + " (the only version kube-scheduler v1.33 reads), got '" + apiVersion.string() + "'");
        }
        ConfigNode kind = root.required("kind");
        if (!KIND.equals(kind.string())) {
            throw kind.error("expected " + KIND + ", got '" + kind.string() + "'");
        }
        int percentage = root.has("percentageOfNodesToScore") ? root.field("percentageOfNodesToScore").integer(0, 100) : 0;
        int extenders = root.has("extenders") ? root.field("extenders").list().size() : 0;
        Map<String, SchedulerProfile> profiles = new LinkedHashMap<>();
        if (!root.has("profiles") || root.field("profiles").list().isEmpty()) {
            profiles.put(SchedulerProfile.DEFAULT_SCHEDULER, profile(root.file(), null, percentage, extenders));
        } else {
            Map<String, String> pathByName = new LinkedHashMap<>();
            for (ConfigNode p : root.field("profiles").list()) {
                SchedulerProfile profile = profile(root.file(), p, percentage, extenders);
                String earlier = pathByName.putIfAbsent(profile.schedulerName(), p.path());
                if (earlier != null) {
                    throw p.field("schedulerName").error("duplicate schedulerName '" + profile.schedulerName() + "' (also " + earlier + ")");
                }
                profiles.put(profile.schedulerName(), profile);
            }
        }
        return new SchedulerConfig(root.file(), profiles);
    }

    private static SchedulerProfile profile(String file, ConfigNode p, int globalPercentage, int extenders) {
        String name = SchedulerProfile.DEFAULT_SCHEDULER;
        int percentage = globalPercentage;
        // the default plugins (multiPoint) as name -> weight (filters have none), then each point's own lists
        Set<String> filters = new LinkedHashSet<>(SchedulerProfile.DEFAULT_FILTERS);
        Map<String, Integer> scores = new LinkedHashMap<>(SchedulerProfile.DEFAULT_SCORE_WEIGHTS);
        List<String> unmodelled = new ArrayList<>();
        ResourceScoring strategy = ResourceScoring.DEFAULT;
        String source = file + " profile " + name;
        if (p != null) {
            p.allowOnly("schedulerName", "percentageOfNodesToScore", "plugins", "pluginConfig");
            if (p.has("schedulerName")) {
                name = p.field("schedulerName").string();
            }
            source = file + " profile " + name;
            if (p.has("percentageOfNodesToScore")) {
                percentage = p.field("percentageOfNodesToScore").integer(0, 100);
            }
            if (p.has("plugins")) {
                ConfigNode plugins = p.field("plugins");
                plugins.allowOnly(EXTENSION_POINTS.toArray(String[]::new));
                for (String point : new TreeSet<>(EXTENSION_POINTS)) {
                    if (plugins.has(point)) {
                        checkNames(plugins.field(point), point);
                    }
                }
                if (plugins.has("multiPoint")) {
                    ConfigNode multi = plugins.field("multiPoint");
                    apply(multi, filters, null, SchedulerProfile.FILTER_PLUGINS);
                    apply(multi, null, scores, SchedulerProfile.SCORE_PLUGINS);
                }
                if (plugins.has("filter")) {
                    apply(plugins.field("filter"), filters, null, SchedulerProfile.FILTER_PLUGINS);
                }
                if (plugins.has("score")) {
                    apply(plugins.field("score"), null, scores, SchedulerProfile.SCORE_PLUGINS);
                }
            }
            if (p.has("pluginConfig")) {
                Set<String> seen = new LinkedHashSet<>();
                for (ConfigNode c : p.field("pluginConfig").list()) {
                    c.allowOnly("name", "args");
                    ConfigNode pluginName = c.required("name");
                    String plugin = knownPlugin(pluginName);
                    if (!seen.add(plugin)) {
                        throw pluginName.error("a second pluginConfig for " + plugin + " (kube-scheduler refuses repeated plugin args)");
                    }
                    if (!c.has("args")) {
                        continue;
                    }
                    if (plugin.equals("NodeResourcesFit")) {
                        strategy = nodeResourcesFitArgs(c.field("args"), strategy, unmodelled);
                    } else if (!ARGS_WITHOUT_EFFECT.contains(plugin)) {
                        c.field("args").expectObject();
                        unmodelled.add(plugin + " args (pluginConfig)");
                    }
                }
            }
        }
        if (extenders > 0) {
            unmodelled.add(extenders + " scheduler extender" + (extenders == 1 ? "" : "s"));
        }
        List<NodeFilter> modelledFilters = new ArrayList<>();
        for (NodeFilter f : Filters.DEFAULT) {
            if (filters.contains(f.name())) {
                modelledFilters.add(f);
            }
        }
        if (filters.contains("DynamicResources")) {
            unmodelled.add("the DynamicResources filter");
        }
        List<SchedulerProfile.Weighted> weighted = new ArrayList<>();
        Set<String> modelledScores = new LinkedHashSet<>();
        for (ScorePlugin plugin : Scores.DEFAULT) {
            modelledScores.add(plugin.name());
            Integer w = scores.get(plugin.name());
            if (w != null) {
                ScorePlugin used = plugin.name().equals("NodeResourcesFit") && !strategy.equals(ResourceScoring.DEFAULT) ? strategy : plugin;
                weighted.add(new SchedulerProfile.Weighted(used, w));
            }
        }
        for (Map.Entry<String, Integer> e : scores.entrySet()) {
            String plugin = e.getKey();
            if (modelledScores.contains(plugin) || plugin.equals("VolumeBinding")) {
                continue; // VolumeBinding scores only under the StorageCapacityScoring feature gate, off in v1.33
            }
            // a default plugin the model leaves out at its default weight is what the default profile does too
            if (!e.getValue().equals(SchedulerProfile.DEFAULT_SCORE_WEIGHTS.get(plugin))) {
                unmodelled.add("the " + plugin + " score (weight " + e.getValue() + ")");
            }
        }
        return new SchedulerProfile(name, source, modelledFilters, weighted, percentage, unmodelled);
    }

    /** Every name at an extension point is a plugin kube-scheduler knows, and "*" is only for disabling. */
    private static void checkNames(ConfigNode point, String pointName) {
        point.allowOnly("enabled", "disabled");
        for (String list : List.of("enabled", "disabled")) {
            if (!point.has(list)) {
                continue;
            }
            for (ConfigNode item : point.field(list).list()) {
                item.allowOnly("name", "weight");
                ConfigNode name = item.required("name");
                if (list.equals("disabled") && "*".equals(name.string())) {
                    continue;
                }
                knownPlugin(name);
                if (item.has("weight")) {
                    int weight = item.field("weight").integer(Integer.MIN_VALUE, Integer.MAX_VALUE);
                    if (weight < 0) {
                        throw item.field("weight").error("must not be negative, got " + weight);
                    }
                }
            }
        }
    }

    /**
     * One extension point's enabled/disabled lists merged into the plugins so far (kube-scheduler's
     * mergePluginSet and its multiPoint expansion): only plugins that have this point ({@code implementing}).
     */
    private static void apply(ConfigNode point, Set<String> filters, Map<String, Integer> scores, Set<String> implementing) {
        if (point.has("disabled")) {
            for (ConfigNode item : point.field("disabled").list()) {
                String name = item.required("name").string();
                if (name.equals("*")) {
                    if (filters != null) {
                        filters.clear();
                    } else {
                        scores.clear();
                    }
                } else if (filters != null) {
                    filters.remove(name);
                } else {
                    scores.remove(name);
                }
            }
        }
        if (point.has("enabled")) {
            boolean multiPoint = point.path().endsWith("multiPoint");
            for (ConfigNode item : point.field("enabled").list()) {
                ConfigNode nameNode = item.required("name");
                String name = nameNode.string();
                if (!implementing.contains(name)) {
                    if (multiPoint) {
                        continue; // multiPoint enables a plugin at every point it has, and only there
                    }
                    throw nameNode.error(name + " is not a " + (filters != null ? "filter" : "score") + " plugin (" + (filters != null ? "filter" : "score")
                            + " plugins: " + String.join(", ", new TreeSet<>(implementing)) + ")");
                }
                if (filters != null) {
                    filters.add(name);
                } else {
                    // kube-scheduler counts a score plugin enabled with no weight (or 0) at weight 1
                    int weight = item.has("weight") ? item.field("weight").integer(0, Integer.MAX_VALUE) : 0;
                    scores.put(name, weight == 0 ? 1 : weight);
                }
            }
        }
    }

    private static String knownPlugin(ConfigNode name) {
        String plugin = name.string();
        if (!SchedulerProfile.KNOWN_PLUGINS.contains(plugin)) {
            throw name.error("unknown plugin '" + plugin + "' (kube-scheduler v1.33 has: "
                    + String.join(", ", new TreeSet<>(SchedulerProfile.KNOWN_PLUGINS)) + ")");
        }
        return plugin;
    }

    /** NodeResourcesFitArgs: the scoringStrategy; the filter's ignoredResources only touch resources the model does not filter on. */
    private static ResourceScoring nodeResourcesFitArgs(ConfigNode args, ResourceScoring current, List<String> unmodelled) {
        args.allowOnly("apiVersion", "kind", "scoringStrategy", "ignoredResources", "ignoredResourceGroups");
        if (args.has("kind") && !"NodeResourcesFitArgs".equals(args.field("kind").string())) {
            throw args.field("kind").error("expected NodeResourcesFitArgs, got '" + args.field("kind").string() + "'");
        }
        if (!args.has("scoringStrategy")) {
            return current;
        }
        ConfigNode s = args.field("scoringStrategy").allowOnly("type", "resources", "requestedToCapacityRatio");
        ResourceScoring.Type type = ResourceScoring.Type.LeastAllocated;
        if (s.has("type")) {
            ConfigNode t = s.field("type");
            String text = t.string();
            type = null;
            for (ResourceScoring.Type candidate : ResourceScoring.Type.values()) {
                if (candidate.name().equals(text)) {
                    type = candidate;
                }
            }
            if (type == null) {
                throw t.error("expected LeastAllocated, MostAllocated or RequestedToCapacityRatio, got '" + text + "'");
            }
        }
        List<ResourceScoring.ResourceWeight> resources = new ArrayList<>();
        if (s.has("resources")) {
            Set<String> names = new LinkedHashSet<>();
            for (ConfigNode r : s.field("resources").list()) {
                r.allowOnly("name", "weight");
                ConfigNode nameNode = r.required("name");
                String name = nameNode.string();
                if (!names.add(name)) {
                    throw nameNode.error("resource '" + name + "' is listed twice");
                }
                int weight = r.has("weight") ? r.field("weight").integer(1, 100) : 1;
                if (name.equals("cpu") || name.equals("memory")) {
                    resources.add(new ResourceScoring.ResourceWeight(name, weight));
                } else {
                    unmodelled.add("NodeResourcesFit scoring of " + name);
                }
            }
            if (names.isEmpty()) {
                throw s.field("resources").error("must name at least one resource (left out, cpu and memory weigh 1 each)");
            }
        } else {
            resources = ResourceScoring.DEFAULT.resources();
        }
        List<ResourceScoring.ShapePoint> shape = new ArrayList<>();
        if (type == ResourceScoring.Type.RequestedToCapacityRatio) {
            ConfigNode ratio = s.required("requestedToCapacityRatio").allowOnly("shape");
            List<ConfigNode> points = ratio.required("shape").list();
            if (points.isEmpty()) {
                throw ratio.field("shape").error("needs at least one point {utilization: 0-100, score: 0-10}");
            }
            long previous = -1;
            for (ConfigNode point : points) {
                point.allowOnly("utilization", "score");
                ConfigNode u = point.required("utilization");
                int utilization = u.integer(0, 100);
                if (utilization <= previous) {
                    throw u.error("utilization values must increase from point to point, got " + utilization + " after " + previous);
                }
                previous = utilization;
                int score = point.required("score").integer(0, 10);
                // the file's 0..10 on the node score's 0..100 scale, as kube-scheduler scales it
                shape.add(new ResourceScoring.ShapePoint(utilization, score * 10L));
            }
        } else if (s.has("requestedToCapacityRatio")) {
            throw s.field("requestedToCapacityRatio").error("applies only to type RequestedToCapacityRatio, not " + type);
        }
        return new ResourceScoring(type, resources, shape);
    }
}
