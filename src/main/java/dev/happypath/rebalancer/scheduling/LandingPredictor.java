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
 */
public final class LandingPredictor {

    /** Below this many nodes the scheduler examines every node (numFeasibleNodesToFind). */
    static final int MIN_FEASIBLE_NODES_TO_FIND = 100;

    private LandingPredictor() {
    }

    public static Prediction predict(PodState pod, ClusterView view) {
        List<NodeState> nodes = view.nodes();
        List<NodeState> feasible = new ArrayList<>();
        List<List<String>> rejections = new ArrayList<>(nodes.size());
        Filters.Prepared filters = Filters.prepare(pod, view);
        for (NodeState n : nodes) {
            List<String> reasons = filters.rejections(n);
            rejections.add(reasons);
            if (reasons.isEmpty()) {
                feasible.add(n);
            }
        }
        // per feasible node (in node order), each plugin's weighted score in plugin order
        List<Map<String, Long>> scores = new ArrayList<>(feasible.size());
        long[] totals = new long[feasible.size()];
        for (int i = 0; i < feasible.size(); i++) {
            scores.add(new LinkedHashMap<>());
        }
        if (feasible.size() > 1) {
            for (ScorePlugin plugin : Scores.DEFAULT) {
                long[] s = plugin.score(pod, feasible, view);
                for (int i = 0; i < s.length; i++) {
                    long weighted = s[i] * plugin.weight();
                    scores.get(i).put(plugin.name(), weighted);
                    totals[i] += weighted;
                }
            }
        }
        List<NodeVerdict> verdicts = new ArrayList<>(nodes.size());
        long best = Long.MIN_VALUE;
        List<String> top = new ArrayList<>();
        int f = 0;
        for (int k = 0; k < nodes.size(); k++) {
            NodeState n = nodes.get(k);
            List<String> reasons = rejections.get(k);
            boolean ok = reasons.isEmpty() && f < feasible.size() && feasible.get(f) == n;
            Map<String, Long> s = ok ? scores.get(f) : Map.of();
            long total = ok ? totals[f] : 0;
            if (ok) {
                f++;
            }
            verdicts.add(new NodeVerdict(n.name(), reasons, s, total));
            if (reasons.isEmpty()) {
                if (total > best) {
                    best = total;
                    top.clear();
                }
                if (total == best) {
                    top.add(n.name());
                }
            }
        }
        String uncertainty = null;
        if (pod.schedulerName() != null && !pod.schedulerName().isEmpty() && !pod.schedulerName().equals("default-scheduler")) {
            uncertainty = "it is scheduled by " + pod.schedulerName() + ", not the default scheduler";
        } else if (feasible.size() > numFeasibleNodesToFind(nodes.size())) {
            uncertainty = "the cluster is large enough (" + nodes.size() + " nodes) that the scheduler only scores a sample of "
                    + numFeasibleNodesToFind(nodes.size()) + " feasible nodes";
        }
        String node = top.size() == 1 && uncertainty == null ? top.get(0) : null;
        return new Prediction(node, top.size() > 1 ? top : List.of(), uncertainty, verdicts);
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
