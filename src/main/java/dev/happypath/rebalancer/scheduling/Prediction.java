package dev.happypath.rebalancer.scheduling;

import java.util.ArrayList;
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
 * @param scored      whether the feasible nodes were scored. They are not when the scheduler would score
 *                    only a sample of them: no score of ours then says which node it picks, and every
 *                    feasible node may be the one
 * @param complete    whether every node was filtered. Where the scheduler samples, a prediction stops, as it
 *                    does, once it has found more feasible nodes than it samples: the choice is then
 *                    uncertain whatever the other nodes say, and {@link #feasible}, {@link #rejected} and
 *                    {@link #candidates} cover the nodes filtered until then
 * @param verdicts    every node filtered, in node order (by name in a cluster where the scheduler samples)
 */
public record Prediction(String node, List<String> tied, String uncertainty, boolean scored, boolean complete,
                         List<NodeVerdict> verdicts) {

    public Prediction {
        // by name, not by the order the nodes were listed in: the same cluster gives the same words
        tied = tied.stream().sorted().toList();
        verdicts = List.copyOf(verdicts);
    }

    public boolean feasibleAnywhere() {
        return verdicts.stream().anyMatch(NodeVerdict::feasible);
    }

    /** The nodes that pass every filter, in node order. */
    public List<String> feasible() {
        List<String> feasible = new ArrayList<>();
        verdicts.forEach(v -> {
            if (v.feasible()) {
                feasible.add(v.node());
            }
        });
        return feasible;
    }

    /** Total score per feasible node; empty when the nodes were not {@link #scored}. */
    public Map<String, Long> totals() {
        Map<String, Long> totals = new LinkedHashMap<>();
        if (scored) {
            verdicts.stream().filter(NodeVerdict::feasible).forEach(v -> totals.put(v.node(), v.total()));
        }
        return totals;
    }

    /** The filters' refusals per refused node. */
    public Map<String, List<Rejection>> rejected() {
        Map<String, List<Rejection>> rejected = new LinkedHashMap<>();
        verdicts.stream().filter(v -> !v.feasible()).forEach(v -> rejected.put(v.node(), v.rejections()));
        return rejected;
    }

    /**
     * The node(s) the scheduler may pick: the predicted one; every feasible one when the choice is uncertain
     * (it scores only a sample, or another scheduler decides); else every tied one. By name, like {@link #tied}.
     * Empty when none is feasible.
     */
    public List<String> candidates() {
        if (node != null) {
            return List.of(node);
        }
        if (uncertainty != null) {
            return feasible().stream().sorted().toList();
        }
        return tied;
    }
}
