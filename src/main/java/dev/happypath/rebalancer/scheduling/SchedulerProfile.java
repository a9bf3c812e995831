package dev.happypath.rebalancer.scheduling;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One kube-scheduler profile as the model applies it: which filters run, which score plugins count and
 * with what weight, how NodeResourcesFit scores, and how many nodes the scheduler looks at. The default
 * is the v1.33 default profile (pkg/scheduler/apis/config/v1/default_plugins.go); a KubeSchedulerConfiguration
 * ({@code --scheduler-config}) gives others. Immutable.
 *
 * @param schedulerName            the profile's schedulerName: the pods whose spec.schedulerName names it are its
 * @param source                   where it was read from ("the default profile" or "FILE profiles[0]"), for messages
 * @param filters                  the modelled filters that run, in the scheduler's order
 * @param scores                   the modelled score plugins that count, with their weights
 * @param percentageOfNodesToScore the profile's (or else the file's) percentageOfNodesToScore; 0 is the adaptive default
 * @param unmodelled               enabled plugins the model does not simulate that could change a verdict or a score,
 *                                 by name: a prediction under this profile is then not certain
 */
public record SchedulerProfile(String schedulerName, String source, List<NodeFilter> filters, List<Weighted> scores,
                               int percentageOfNodesToScore, List<String> unmodelled) {

    public static final String DEFAULT_SCHEDULER = "default-scheduler";

    /**
     * The upstream default profile's plugins that filter, in its order. Those the model does not simulate
     * are listed in the docs; a profile that only keeps or drops them changes nothing the model computes.
     */
    public static final List<String> DEFAULT_FILTERS = List.of("NodeUnschedulable", "NodeName", "TaintToleration", "NodeAffinity",
            "NodePorts", "NodeResourcesFit", "VolumeRestrictions", "NodeVolumeLimits", "VolumeBinding", "VolumeZone",
            "PodTopologySpread", "InterPodAffinity");

    /** The upstream default profile's score plugins and weights (v1.33, multiPoint). */
    public static final Map<String, Integer> DEFAULT_SCORE_WEIGHTS = defaultWeights();

    /**
     * Every plugin of the in-tree registry (v1.33) a profile may name; any other name makes kube-scheduler
     * refuse to start, and the rebalancer refuses the file.
     */
    public static final Set<String> KNOWN_PLUGINS = Set.of("PrioritySort", "SchedulingGates", "NodeUnschedulable", "NodeName",
            "TaintToleration", "NodeAffinity", "NodePorts", "NodeResourcesFit", "VolumeRestrictions", "NodeVolumeLimits",
            "VolumeBinding", "VolumeZone", "PodTopologySpread", "InterPodAffinity", "DefaultPreemption",
            "NodeResourcesBalancedAllocation", "ImageLocality", "DefaultBinder", "DynamicResources");

    /** The plugins of {@link #KNOWN_PLUGINS} that have a Filter extension point. */
    public static final Set<String> FILTER_PLUGINS = Set.copyOf(withDynamicResources(DEFAULT_FILTERS));

    /** The plugins of {@link #KNOWN_PLUGINS} that have a Score extension point. */
    public static final Set<String> SCORE_PLUGINS = Set.of("TaintToleration", "NodeAffinity", "NodeResourcesFit", "PodTopologySpread",
            "InterPodAffinity", "NodeResourcesBalancedAllocation", "ImageLocality", "VolumeBinding");

    /** A score plugin with the weight the profile gives it. */
    public record Weighted(ScorePlugin plugin, int weight) {
    }

    public SchedulerProfile {
        filters = List.copyOf(filters);
        scores = List.copyOf(scores);
        unmodelled = List.copyOf(unmodelled);
    }

    /** The v1.33 default profile, with the filters and score plugins the model simulates. */
    public static SchedulerProfile defaults() {
        List<Weighted> scores = new ArrayList<>();
        for (ScorePlugin p : Scores.DEFAULT) {
            scores.add(new Weighted(p, p.weight()));
        }
        return new SchedulerProfile(DEFAULT_SCHEDULER, "the default profile", Filters.DEFAULT, scores, 0, List.of());
    }

    private static Map<String, Integer> defaultWeights() {
        Map<String, Integer> w = new LinkedHashMap<>();
        w.put("TaintToleration", 3);
        w.put("NodeAffinity", 2);
        w.put("NodeResourcesFit", 1);
        w.put("PodTopologySpread", 2);
        w.put("InterPodAffinity", 2);
        w.put("NodeResourcesBalancedAllocation", 1);
        w.put("ImageLocality", 1);
        return java.util.Collections.unmodifiableMap(w);
    }

    private static List<String> withDynamicResources(List<String> filters) {
        List<String> all = new ArrayList<>(filters);
        all.add("DynamicResources");
        return all;
    }
}
