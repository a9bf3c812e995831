package dev.happypath.rebalancer.plan;

import dev.happypath.rebalancer.config.EvictionPolicy;
import dev.happypath.rebalancer.snapshot.PodState;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The per-run, per-node and per-namespace eviction limits, in one place. Mutable; owned by one plan. */
final class EvictionBudget {

    private final EvictionPolicy policy;
    private int total;
    private final Map<String, Integer> perNode = new HashMap<>();
    private final Map<String, Integer> perNamespace = new HashMap<>();

    EvictionBudget(EvictionPolicy policy) {
        this.policy = policy;
    }

    /** The limit this eviction would exceed, if any. */
    Optional<String> exceeded(PodState pod) {
        if (total >= policy.maxPerRun()) {
            return Optional.of("limit eviction.maxPerRun (" + policy.maxPerRun() + ") reached for this run");
        }
        if (perNode.getOrDefault(pod.nodeName(), 0) >= policy.maxPerNode()) {
            return Optional.of("limit eviction.maxPerNode (" + policy.maxPerNode() + ") reached for " + pod.nodeName());
        }
        if (perNamespace.getOrDefault(pod.namespace(), 0) >= policy.maxPerNamespace()) {
            return Optional.of("limit eviction.maxPerNamespace (" + policy.maxPerNamespace() + ") reached for namespace " + pod.namespace());
        }
        return Optional.empty();
    }

    void consume(PodState pod) {
        total++;
        perNode.merge(pod.nodeName(), 1, Integer::sum);
        perNamespace.merge(pod.namespace(), 1, Integer::sum);
    }
}
