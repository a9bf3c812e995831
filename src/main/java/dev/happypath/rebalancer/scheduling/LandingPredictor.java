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
        return predict(pod, view, false);
    }

    /** As {@link #predict}, but filters every node and scores every feasible one even where the scheduler samples. */
    public static Prediction predictScoringAll(PodState pod, ClusterView view) {
        return predict(pod, view, true);
    }

    private static Prediction predict(PodState pod, ClusterView view, boolean everything) {
        int sample = numFeasibleNodesToFind(view.nodes().size());
        // Where a search may stop, nodes go by name: which ones a stopped search saw must not depend on listing order.
        List<NodeState> nodes = view.nodes().size() >= MIN_FEASIBLE_NODES_TO_FIND ? view.nodesByName() : view.nodes();
        List<NodeState> feasible = new ArrayList<>();
        List<List<String>> rejections = new ArrayList<>();
        Filters.Prepared filters = Filters.prepare(pod, view);
        for (NodeState n : nodes) {
            List<String> reasons = filters.rejections(n);
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
        if (pod.schedulerName() != null && !pod.schedulerName().isEmpty() && !pod.schedulerName().equals("default-scheduler")) {
            uncertainty = "it is scheduled by " + pod.schedulerName() + ", not the default scheduler";
        } else if (sampled) {
            uncertainty = "the cluster is large enough (" + nodes.size() + " nodes) that the scheduler scores only a sample of "
                    + sample + " feasible nodes, so any feasible node may win";
        }
        boolean scored = !sampled || everything;
        // per feasible node (in node order), each plugin's weighted score in plugin order
        List<Map<String, Long>> scores = new ArrayList<>(feasible.size());
        long[] totals = new long[feasible.size()];
        if (scored && feasible.size() > 1) {
            for (int i = 0; i < feasible.size(); i++) {
                scores.add(new LinkedHashMap<>());
            }
            for (ScorePlugin plugin : Scores.DEFAULT) {
                long[] s = plugin.score(pod, feasible, view);
                for (int i = 0; i < s.length; i++) {
                    long weighted = s[i] * plugin.weight();
                    scores.get(i).put(plugin.name(), weighted);
                    totals[i] += weighted;
                }
            }
        }
        List<NodeVerdict> verdicts = new ArrayList<>(rejections.size());
        long best = Long.MIN_VALUE;
        List<String> top = new ArrayList<>();
        int f = 0;
        for (int k = 0; k < rejections.size(); k++) {
            NodeState n = nodes.get(k);
            List<String> reasons = rejections.get(k);
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
        if (nodes < MIN_FEASIBLE_NODES_TO_FIND) {
            return nodes;
        }
        int percent = Math.max(5, 50 - nodes / 125);
        return Math.max(MIN_FEASIBLE_NODES_TO_FIND, nodes * percent / 100);
    }
}
