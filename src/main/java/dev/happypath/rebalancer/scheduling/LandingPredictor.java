package dev.happypath.rebalancer.scheduling;

import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Predicts where the kube-scheduler's default profile will bind a pod: every node through the filters,
 * the feasible ones through the score plugins, the highest total wins. The scheduler breaks a tie at
 * random, so a tie is reported, not guessed. Pure.
 *
 * <p>In a cluster of 100 nodes or more the scheduler stops filtering once it has found a sample of
 * feasible nodes and scores only those, starting each search where the last one stopped: any feasible
 * node may then win. {@link #predict} says so, does not score (scores over every feasible node would
 * name a winner the scheduler never computes) and stops filtering where the scheduler would: a large
 * cluster's prediction then costs the same whatever its size, not predictions × nodes.
 * {@link #predictScoringAll} filters and scores every node anyway, for a caller that must know every
 * node the pod may land on, or pick one to count it on.
 */
public final class LandingPredictor {

    /** Below this many nodes the scheduler examines every node (numFeasibleNodesToFind). */
    static final int MIN_FEASIBLE_NODES_TO_FIND = 100;

    private LandingPredictor() {
    }

    /**
     * The scheduler's choice. Where it would score only a sample, the prediction says so and stops, as the
     * scheduler does, once more feasible nodes than the sample are found: it is then not {@link Prediction#complete}.
     */
    public static Prediction predict(PodState pod, ClusterView view) {
        return predict(pod, view, SchedulerConfig.DEFAULT, false);
    }

    /** As {@link #predict}, but filters every node and scores every feasible one even where the scheduler samples. */
    public static Prediction predictScoringAll(PodState pod, ClusterView view) {
        return predict(pod, view, SchedulerConfig.DEFAULT, true);
    }

    /** As {@link #predict}, under the scheduler's configuration: the profile the pod's schedulerName names. */
    public static Prediction predict(PodState pod, ClusterView view, SchedulerConfig config) {
        return predict(pod, view, config, false);
    }

    /** As {@link #predictScoringAll}, under the scheduler's configuration. */
    public static Prediction predictScoringAll(PodState pod, ClusterView view, SchedulerConfig config) {
        return predict(pod, view, config, true);
    }

    private static Prediction predict(PodState pod, ClusterView view, SchedulerConfig config, boolean everything) {
        java.util.Optional<SchedulerProfile> claimed = config.profileFor(pod);
        // a pod no profile claims is someone else's: predicted with the default profile, and said to be uncertain
        SchedulerProfile profile = claimed.orElse(SchedulerProfile.defaults());
        int sample = numFeasibleNodesToFind(view.nodes().size(), profile.percentageOfNodesToScore());
        // Where a search may stop, nodes go by name: which ones a stopped search saw must not depend on listing order.
        List<NodeState> nodes = view.nodes().size() >= MIN_FEASIBLE_NODES_TO_FIND ? view.nodesByName() : view.nodes();
        List<NodeState> feasible = new ArrayList<>();
        List<List<Rejection>> rejections = new ArrayList<>();
        Filters.Prepared filters = Filters.prepare(pod, view, profile.filters());
        for (NodeState n : nodes) {
            List<Rejection> reasons = withNominated(pod, n, view, profile, filters.rejections(n));
            rejections.add(reasons);
            if (reasons.isEmpty()) {
                feasible.add(n);
                if (!everything && feasible.size() > sample) {
                    break;
                }
            }
        }
        boolean complete = rejections.size() == nodes.size();
        String uncertainty = null;
        boolean sampled = feasible.size() > sample;
        if (claimed.isEmpty()) {
            String name = pod.schedulerName() == null || pod.schedulerName().isEmpty() ? SchedulerProfile.DEFAULT_SCHEDULER : pod.schedulerName();
            uncertainty = config.source() == null
                    ? "it is scheduled by " + name + ", not the default scheduler"
                    : "it is scheduled by " + name + ", which no profile of " + config.source() + " names (its profiles: "
                    + String.join(", ", config.schedulerNames()) + ")";
        } else if (!profile.unmodelled().isEmpty()) {
            uncertainty = "its scheduler profile (" + profile.source() + ") enables " + String.join(", ", profile.unmodelled())
                    + ", which the model does not simulate";
        } else if (sampled) {
            uncertainty = "the cluster is large enough (" + nodes.size() + " nodes) that the scheduler scores only a sample of "
                    + sample + " feasible nodes" + (profile.percentageOfNodesToScore() > 0
                    ? " (percentageOfNodesToScore " + profile.percentageOfNodesToScore() + " in " + profile.source() + ")" : "")
                    + ", so any feasible node may win";
        }
        boolean scored = !sampled || everything;
        // per feasible node (in node order), each plugin's weighted score in plugin order
        List<Map<String, Long>> scores = new ArrayList<>(feasible.size());
        long[] totals = new long[feasible.size()];
        if (scored && feasible.size() > 1) {
            for (int i = 0; i < feasible.size(); i++) {
                scores.add(new LinkedHashMap<>());
            }
            for (SchedulerProfile.Weighted weighted : profile.scores()) {
                ScorePlugin plugin = weighted.plugin();
                long[] s = plugin.score(pod, feasible, view);
                for (int i = 0; i < s.length; i++) {
                    long w = s[i] * weighted.weight();
                    scores.get(i).put(plugin.name(), w);
                    totals[i] += w;
                }
            }
        }
        List<NodeVerdict> verdicts = new ArrayList<>(rejections.size());
        long best = Long.MIN_VALUE;
        List<String> top = new ArrayList<>();
        int f = 0;
        for (int k = 0; k < rejections.size(); k++) {
            NodeState n = nodes.get(k);
            List<Rejection> reasons = rejections.get(k);
            boolean ok = reasons.isEmpty() && f < feasible.size() && feasible.get(f) == n;
            Map<String, Long> s = ok && !scores.isEmpty() ? scores.get(f) : Map.of();
            long total = ok ? totals[f] : 0;
            if (ok) {
                f++;
            }
            verdicts.add(new NodeVerdict(n.name(), reasons, s, total));
            if (reasons.isEmpty() && scored) {
                if (total > best) {
                    best = total;
                    top.clear();
                }
                if (total == best) {
                    top.add(n.name());
                }
            }
        }
        String node = top.size() == 1 && uncertainty == null ? top.get(0) : null;
        return new Prediction(node, top.size() > 1 ? top : List.of(), uncertainty, scored, complete, verdicts);
    }

    /** The default percentageOfNodesToScore (adaptive): all nodes below 100, else 50 - n/125 percent, at least 5 %. */
    static int numFeasibleNodesToFind(int nodes) {
        return numFeasibleNodesToFind(nodes, 0);
    }

    /**
     * How many feasible nodes the scheduler looks for (numFeasibleNodesToFind): every node below 100; else the
     * configured percentage (0: the adaptive default), and never fewer than 100.
     */
    static int numFeasibleNodesToFind(int nodes, int percentageOfNodesToScore) {
        if (nodes < MIN_FEASIBLE_NODES_TO_FIND) {
            return nodes;
        }
        int percent = percentageOfNodesToScore > 0 ? percentageOfNodesToScore : Math.max(5, 50 - nodes / 125);
        return Math.max(MIN_FEASIBLE_NODES_TO_FIND, nodes * percent / 100);
    }

    /**
     * The node judged twice when pods are nominated to it, as the scheduler does: with the nominated pods of
     * at least this pod's priority counted there, and without them. It must pass both; what only the first
     * finds is said with the pods that caused it.
     */
    static List<Rejection> withNominated(PodState pod, NodeState node, ClusterView view, SchedulerProfile profile, List<Rejection> without) {
        List<PodState> nominated = WithNominated.counted(view, node.name(), pod);
        if (nominated.isEmpty()) {
            return without;
        }
        List<Rejection> with = Filters.prepare(pod, new WithNominated(view, node.name(), nominated), profile.filters()).rejections(node);
        List<Rejection> all = new ArrayList<>(without);
        String who = String.join(", ", nominated.stream().map(PodState::key).sorted().toList());
        for (Rejection r : with) {
            if (!without.contains(r)) {
                all.add(r.saying(" (counting " + who + ", nominated to it by a preemption)"));
            }
        }
        return all;
    }
}
