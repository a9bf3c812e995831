package dev.happypath.rebalancer.config;

import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The declared layout of a healthy cluster and the rules for getting back to it. Immutable, validated
 * at load time.
 *
 * @param source           where it was read from, for messages
 * @param ignoreNamespaces pods here are never managed unless a workload rule names them
 * @param stableFor        how long every worker must have been healthy before anything moves
 * @param antiFlap         cooldown, daily cap and where the ledger of moves is kept
 */
public record HappyPath(String source, NodeRoles nodes, List<WorkloadRule> workloads,
                        List<SeparationRule> separations, Set<String> ignoreNamespaces,
                        Duration stableFor, EvictionPolicy eviction, AntiFlap antiFlap) {

    public HappyPath {
        workloads = List.copyOf(workloads);
        separations = List.copyOf(separations);
        ignoreNamespaces = Set.copyOf(ignoreNamespaces);
    }

    public NodeRole roleOf(NodeState node) {
        return nodes.roleOf(node);
    }

    /** The first rule (in file order) that selects the pod. */
    public Optional<WorkloadRule> ruleFor(PodState pod) {
        for (WorkloadRule r : workloads) {
            if (r.selects(pod)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    public Optional<WorkloadRule> rule(String name) {
        return workloads.stream().filter(r -> r.name().equals(name)).findFirst();
    }
}
