package dev.happypath.rebalancer.scheduling;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the kube-scheduler will put a pod, and why.
 *
 * @param node        the predicted node; null when no node is feasible or the choice is not certain
 * @param tied        the nodes sharing the top score when more than one does (the scheduler picks one at random), by name
 * @param uncertainty why the prediction cannot be trusted (another scheduler, sampling in a large
 *                    cluster), or null
 * @param verdicts    every node, in node order
 */
public record Prediction(String node, List<String> tied, String uncertainty, List<NodeVerdict> verdicts) {

    public Prediction {
        // by name, not by the order the nodes were listed in: the same cluster gives the same words
        tied = tied.stream().sorted().toList();
        verdicts = List.copyOf(verdicts);
    }

    public boolean feasibleAnywhere() {
        return verdicts.stream().anyMatch(NodeVerdict::feasible);
    }

    /** Total score per feasible node. */
    public Map<String, Long> totals() {
        Map<String, Long> totals = new LinkedHashMap<>();
        verdicts.stream().filter(NodeVerdict::feasible).forEach(v -> totals.put(v.node(), v.total()));
        return totals;
    }

    /** Filter reasons per refused node. */
    public Map<String, List<String>> rejected() {
        Map<String, List<String>> rejected = new LinkedHashMap<>();
        verdicts.stream().filter(v -> !v.feasible()).forEach(v -> rejected.put(v.node(), v.rejections()));
        return rejected;
    }

    /** The node(s) the scheduler may pick: the predicted one, or every tied one. */
    public List<String> candidates() {
        if (node != null) {
            return List.of(node);
        }
        return tied;
    }
}
