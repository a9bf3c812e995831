package dev.happypath.rebalancer.plan;

import dev.happypath.rebalancer.config.EvictionPolicy;
import dev.happypath.rebalancer.snapshot.PodState;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The per-run, per-node and per-namespace eviction limits, in one place. Mutable; owned by one plan.
 *
 * <p>A node's count is the planned moves that touch it: each move counts once on the node it leaves and
 * once on each node its replacement may land on (one, unless the scheduler's choice is a tie). A node that
 * loses maxPerNode pods, or is to receive maxPerNode replacements, takes part in no more moves this pass.
 */
final class EvictionBudget {

    private final EvictionPolicy policy;
    private int total;
    private final Map<String, Integer> perNode = new HashMap<>();
    private final Map<String, Integer> perNamespace = new HashMap<>();

    EvictionBudget(EvictionPolicy policy) {
        this.policy = policy;
    }

    /** The limit this eviction would exceed, if any, before we know where it lands. */
    Optional<String> exceeded(PodState pod) {
        if (total >= policy.maxPerRun()) {
            return Optional.of("limit eviction.maxPerRun (" + policy.maxPerRun() + ") reached for this run");
        }
        if (perNode.getOrDefault(pod.nodeName(), 0) >= policy.maxPerNode()) {
            return Optional.of(nodeLimit(pod.nodeName(), "source"));
        }
        if (perNamespace.getOrDefault(pod.namespace(), 0) >= policy.maxPerNamespace()) {
            return Optional.of("limit eviction.maxPerNamespace (" + policy.maxPerNamespace() + ") reached for namespace " + pod.namespace());
        }
        return Optional.empty();
    }

    /** The limit a move onto these nodes (where its replacement may land) would exceed, if any. */
    Optional<String> exceededAsTarget(PodState pod, Collection<String> targets) {
        for (String t : targets) {
            if (!t.equals(pod.nodeName()) && perNode.getOrDefault(t, 0) >= policy.maxPerNode()) {
                return Optional.of(nodeLimit(t, "target"));
            }
        }
        return Optional.empty();
    }

    private String nodeLimit(String node, String as) {
        return "limit eviction.maxPerNode (" + policy.maxPerNode() + ") reached for " + node + " as " + as
                + " (each planned move counts on the node it leaves and on the node its replacement lands on)";
    }

    void consume(PodState pod, Collection<String> targets) {
        total++;
        perNode.merge(pod.nodeName(), 1, Integer::sum);
        for (String t : targets) {
            if (!t.equals(pod.nodeName())) {
                perNode.merge(t, 1, Integer::sum);
            }
        }
        perNamespace.merge(pod.namespace(), 1, Integer::sum);
    }
}
