package dev.happypath.rebalancer.scheduling;

import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodAffinityTerm;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.PreferredSchedulingTerm;
import dev.happypath.rebalancer.snapshot.Resources;
import dev.happypath.rebalancer.snapshot.Taint;
import dev.happypath.rebalancer.snapshot.Toleration;
import dev.happypath.rebalancer.snapshot.WeightedPodAffinityTerm;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The score plugins of the kube-scheduler's default profile (Kubernetes v1.33, as k3s v1.33 ships it),
 * on snapshot records. Integer arithmetic and rounding follow the Go source; see
 * docs/how-it-decides.md for the formulas and what is not modelled.
 */
public final class Scores {

    static final long MAX = 100;

    private Scores() {
    }

    /** TaintToleration, weight 3: fewer untolerated PreferNoSchedule taints is better. */
    public static final ScorePlugin TAINT_TOLERATION = new Plugin("TaintToleration", 3) {
        @Override
        public long[] score(PodState pod, List<NodeState> feasible, ClusterView view) {
            long[] raw = new long[feasible.size()];
            for (int i = 0; i < raw.length; i++) {
                for (Taint t : feasible.get(i).taints()) {
                    if (t.effect() == Taint.Effect.PreferNoSchedule && !toleratesPreferNoSchedule(pod, t)) {
                        raw[i]++;
                    }
                }
            }
            return defaultNormalize(raw, true);
        }
    };

    /** NodeAffinity, weight 2: the sum of the weights of the preferred terms the node matches. */
    public static final ScorePlugin NODE_AFFINITY = new Plugin("NodeAffinity", 2) {
        @Override
        public long[] score(PodState pod, List<NodeState> feasible, ClusterView view) {
            long[] raw = new long[feasible.size()];
            List<PreferredSchedulingTerm> terms = pod.affinity().preferredNodeAffinity();
            if (terms.isEmpty()) {
                return raw;
            }
            for (int i = 0; i < raw.length; i++) {
                for (PreferredSchedulingTerm t : terms) {
                    if (t.weight() > 0 && t.preference().matches(feasible.get(i))) {
                        raw[i] += t.weight();
                    }
                }
            }
            return defaultNormalize(raw, false);
        }
    };

    /**
     * NodeResourcesFit with the LeastAllocated strategy, weight 1: free CPU and memory after placing the
     * pod, with the scoring defaults (100m, 200Mi) for containers that request nothing.
     */
    public static final ScorePlugin LEAST_ALLOCATED = new Plugin("NodeResourcesFit", 1) {
        @Override
        public long[] score(PodState pod, List<NodeState> feasible, ClusterView view) {
            long[] scores = new long[feasible.size()];
            for (int i = 0; i < scores.length; i++) {
                NodeState n = feasible.get(i);
                Resources used = view.nonZeroRequested(n.name()).plus(pod.nonZeroRequests());
                long sum = 0;
                long weights = 0;
                if (n.allocatable().milliCpu() != 0) {
                    sum += leastAllocated(used.milliCpu(), n.allocatable().milliCpu());
                    weights++;
                }
                if (n.allocatable().memoryBytes() != 0) {
                    sum += leastAllocated(used.memoryBytes(), n.allocatable().memoryBytes());
                    weights++;
                }
                scores[i] = weights == 0 ? 0 : sum / weights;
            }
            return scores;
        }
    };

    /**
     * NodeResourcesBalancedAllocation, weight 1: CPU and memory used in the same proportion is better.
     * Uses actual requests; a pod that requests neither is not scored (v1.33).
     */
    public static final ScorePlugin BALANCED_ALLOCATION = new Plugin("NodeResourcesBalancedAllocation", 1) {
        @Override
        public long[] score(PodState pod, List<NodeState> feasible, ClusterView view) {
            long[] scores = new long[feasible.size()];
            if (pod.requests().milliCpu() == 0 && pod.requests().memoryBytes() == 0) {
                return scores;
            }
            for (int i = 0; i < scores.length; i++) {
                NodeState n = feasible.get(i);
                Resources used = view.requested(n.name()).plus(pod.requests());
                double[] fractions = new double[2];
                int count = 0;
                if (n.allocatable().milliCpu() != 0) {
                    fractions[count++] = Math.min(1.0, used.milliCpu() / (double) n.allocatable().milliCpu());
                }
                if (n.allocatable().memoryBytes() != 0) {
                    fractions[count++] = Math.min(1.0, used.memoryBytes() / (double) n.allocatable().memoryBytes());
                }
                double std = count == 2 ? Math.abs(fractions[0] - fractions[1]) / 2 : 0;
                scores[i] = (long) ((1 - std) * MAX);
            }
            return scores;
        }
    };

    /** InterPodAffinity, weight 2: preferred (anti-)affinity of the pod, and the terms of the pods already placed. */
    public static final ScorePlugin INTER_POD_AFFINITY = new Plugin("InterPodAffinity", 2) {
        @Override
        public long[] score(PodState pod, List<NodeState> feasible, ClusterView view) {
            Map<String, Map<String, Long>> topology = new HashMap<>();
            boolean ownTerms = !pod.affinity().preferredPodAffinity().isEmpty() || !pod.affinity().preferredPodAntiAffinity().isEmpty();
            if (ownTerms) {
                // each term over the pods its selector can match (sums: the order does not matter)
                for (WeightedPodAffinityTerm t : pod.affinity().preferredPodAffinity()) {
                    for (PlacedPod placed : view.podsSelectable(t.term().selector())) {
                        if (t.term().selects(placed.pod(), pod.namespace(), false)) {
                            add(topology, t.term(), view.node(placed.node()).orElseThrow(), t.weight());
                        }
                    }
                }
                for (WeightedPodAffinityTerm t : pod.affinity().preferredPodAntiAffinity()) {
                    for (PlacedPod placed : view.podsSelectable(t.term().selector())) {
                        if (t.term().selects(placed.pod(), pod.namespace(), false)) {
                            add(topology, t.term(), view.node(placed.node()).orElseThrow(), -t.weight());
                        }
                    }
                }
            }
            for (PlacedPod placed : view.affinityTermCandidates(pod)) {
                NodeState n = view.node(placed.node()).orElse(null);
                if (n != null) {
                    addExistingTerms(pod, placed.pod(), n, topology);
                }
            }
            long[] raw = new long[feasible.size()];
            if (topology.isEmpty()) {
                return raw;
            }
            for (int i = 0; i < raw.length; i++) {
                NodeState n = feasible.get(i);
                for (Map.Entry<String, Map<String, Long>> e : topology.entrySet()) {
                    String value = n.labels().get(e.getKey());
                    if (value != null) {
                        raw[i] += e.getValue().getOrDefault(value, 0L);
                    }
                }
            }
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (long s : raw) {
                min = Math.min(min, s);
                max = Math.max(max, s);
            }
            long diff = max - min;
            long[] scores = new long[raw.length];
            for (int i = 0; i < raw.length; i++) {
                scores[i] = diff > 0 ? (long) (MAX * ((raw[i] - min) / (double) diff)) : 0;
            }
            return scores;
        }
    };

    /**
     * PodTopologySpread, weight 2: ScheduleAnyway constraints, or the system default constraints
     * (hostname maxSkew 3, zone maxSkew 5) for a pod that declares none. Fewer matching pods is better.
     */
    public static final ScorePlugin POD_TOPOLOGY_SPREAD = new Plugin("PodTopologySpread", 2) {
        @Override
        public long[] score(PodState pod, List<NodeState> feasible, ClusterView view) {
            List<TopologySpread.Spread> spreads = TopologySpread.own(pod, false);
            boolean system = false;
            if (spreads.isEmpty() && pod.topologySpreadConstraints().isEmpty()) {
                spreads = TopologySpread.systemDefaults(pod);
                system = true;
            }
            long[] scores = new long[feasible.size()];
            if (spreads.isEmpty()) {
                return scores;
            }
            boolean[] ignored = new boolean[feasible.size()];
            int notIgnored = 0;
            for (int i = 0; i < ignored.length; i++) {
                if (!system) {
                    for (TopologySpread.Spread s : spreads) {
                        if (!feasible.get(i).labels().containsKey(s.constraint().topologyKey())) {
                            ignored[i] = true;
                        }
                    }
                }
                notIgnored += ignored[i] ? 0 : 1;
            }
            double[] raw = new double[feasible.size()];
            for (TopologySpread.Spread s : spreads) {
                String key = s.constraint().topologyKey();
                boolean hostname = key.equals(TopologySpread.HOSTNAME);
                java.util.Set<String> values = new java.util.HashSet<>();
                for (int i = 0; i < feasible.size(); i++) {
                    if (!ignored[i]) {
                        String v = feasible.get(i).labels().get(key);
                        values.add(v == null ? "" : v);
                    }
                }
                int size = hostname ? notIgnored : values.size();
                Map<String, Integer> byNode = TopologySpread.countsByNode(s, pod, view);
                Map<String, Integer> byDomain = hostname ? Map.of() : TopologySpread.countsByDomain(s, pod, view, system, byNode);
                double weight = Math.log(size + 2);
                for (int i = 0; i < feasible.size(); i++) {
                    if (ignored[i]) {
                        continue;
                    }
                    NodeState n = feasible.get(i);
                    String v = n.labels().get(key);
                    if (v == null) {
                        // only a node that carries the key is scored on it (Score: "if tpVal, ok := node.Labels[key]");
                        // a zone-less node still made "" one of the domains the weight counts (PreScore)
                        continue;
                    }
                    int count = hostname ? byNode.getOrDefault(n.name(), 0) : byDomain.getOrDefault(v, 0);
                    raw[i] += count * weight + (s.constraint().maxSkew() - 1);
                }
            }
            long min = Long.MAX_VALUE;
            long max = 0;
            long[] rounded = new long[raw.length];
            for (int i = 0; i < raw.length; i++) {
                if (ignored[i]) {
                    continue;
                }
                rounded[i] = Math.round(raw[i]);
                min = Math.min(min, rounded[i]);
                max = Math.max(max, rounded[i]);
            }
            for (int i = 0; i < raw.length; i++) {
                if (ignored[i]) {
                    scores[i] = 0;
                } else if (max == 0) {
                    scores[i] = MAX;
                } else {
                    scores[i] = MAX * (max + min - rounded[i]) / max;
                }
            }
            return scores;
        }
    };

    /** ImageLocality's bounds of the sum of image sizes, per container (maxContainerThreshold) and in all (minThreshold). */
    static final long IMAGE_MB = 1024L * 1024;
    static final long IMAGE_MIN_THRESHOLD = 23 * IMAGE_MB;
    static final long IMAGE_MAX_CONTAINER_THRESHOLD = 1000 * IMAGE_MB;

    /**
     * ImageLocality, weight 1: the images of the pod's containers and init containers that the node already holds
     * (status.images), each counted at its size scaled by the share of all nodes that hold it (so an image every
     * node has does not pull pods to one), the sum mapped linearly from [23MB, 1000MB x containers] onto 0..100.
     * No normalisation.
     */
    public static final ScorePlugin IMAGE_LOCALITY = new Plugin("ImageLocality", 1) {
        @Override
        public long[] score(PodState pod, List<NodeState> feasible, ClusterView view) {
            long[] scores = new long[feasible.size()];
            if (pod.images().isEmpty()) {
                return scores;
            }
            int total = view.nodes().size();
            long maxThreshold = IMAGE_MAX_CONTAINER_THRESHOLD * pod.images().size();
            for (int i = 0; i < scores.length; i++) {
                Map<String, Long> held = feasible.get(i).images();
                long sum = 0;
                if (!held.isEmpty()) {
                    for (String image : pod.images()) {
                        String name = normalizedImageName(image);
                        Long size = held.get(name);
                        if (size != null) {
                            double spread = view.nodesWithImage(name) / (double) total;
                            sum += (long) (size * spread);
                        }
                    }
                }
                sum = Math.max(IMAGE_MIN_THRESHOLD, Math.min(maxThreshold, sum));
                scores[i] = MAX * (sum - IMAGE_MIN_THRESHOLD) / (maxThreshold - IMAGE_MIN_THRESHOLD);
            }
            return scores;
        }
    };

    /** An image named without a tag or digest is the ":latest" one, as the node lists it. */
    static String normalizedImageName(String name) {
        return name.lastIndexOf(':') <= name.lastIndexOf('/') ? name + ":latest" : name;
    }

    /** The default profile's score plugins that the prediction models, in the profile's order. */
    public static final List<ScorePlugin> DEFAULT = List.of(
            TAINT_TOLERATION, NODE_AFFINITY, LEAST_ALLOCATED, POD_TOPOLOGY_SPREAD, INTER_POD_AFFINITY, BALANCED_ALLOCATION,
            IMAGE_LOCALITY);

    /** helper.DefaultNormalizeScore: scale so the highest raw score becomes 100 (optionally reversed). */
    static long[] defaultNormalize(long[] raw, boolean reverse) {
        long max = 0;
        for (long s : raw) {
            max = Math.max(max, s);
        }
        long[] out = new long[raw.length];
        if (max == 0) {
            if (reverse) {
                java.util.Arrays.fill(out, MAX);
            }
            return out;
        }
        for (int i = 0; i < raw.length; i++) {
            long s = MAX * raw[i] / max;
            out[i] = reverse ? MAX - s : s;
        }
        return out;
    }

    static long leastAllocated(long requested, long capacity) {
        if (capacity == 0 || requested > capacity) {
            return 0;
        }
        return (capacity - requested) * MAX / capacity;
    }

    /** Only tolerations for PreferNoSchedule (or for every effect) count when scoring. */
    private static boolean toleratesPreferNoSchedule(PodState pod, Taint taint) {
        for (Toleration t : pod.tolerations()) {
            if ((t.effect() == null || t.effect() == Taint.Effect.PreferNoSchedule) && t.tolerates(taint)) {
                return true;
            }
        }
        return false;
    }

    /** hardPodAffinityWeight is 1: an existing pod's required affinity for the newcomer counts that much. */
    private static void addExistingTerms(PodState pod, PodState existing, NodeState node, Map<String, Map<String, Long>> topology) {
        for (PodAffinityTerm t : existing.affinity().requiredPodAffinity()) {
            if (t.selects(pod, existing.namespace(), false)) {
                add(topology, t, node, 1);
            }
        }
        for (WeightedPodAffinityTerm t : existing.affinity().preferredPodAffinity()) {
            if (t.term().selects(pod, existing.namespace(), false)) {
                add(topology, t.term(), node, t.weight());
            }
        }
        for (WeightedPodAffinityTerm t : existing.affinity().preferredPodAntiAffinity()) {
            if (t.term().selects(pod, existing.namespace(), false)) {
                add(topology, t.term(), node, -t.weight());
            }
        }
    }

    private static void add(Map<String, Map<String, Long>> topology, PodAffinityTerm term, NodeState node, long weight) {
        String value = node.labels().get(term.topologyKey());
        if (value != null) {
            topology.computeIfAbsent(term.topologyKey(), k -> new HashMap<>()).merge(value, weight, Long::sum);
        }
    }

    private abstract static class Plugin implements ScorePlugin {
        private final String name;
        private final int weight;

        Plugin(String name, int weight) {
            this.name = name;
            this.weight = weight;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int weight() {
            return weight;
        }
    }
}
