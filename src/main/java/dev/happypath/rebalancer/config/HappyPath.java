package dev.happypath.rebalancer.config;

import dev.happypath.rebalancer.scheduling.SchedulerConfig;
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
 * @param scheduler        the kube-scheduler's configuration the landing predictions use (scheduler.configFile or
 *                         --scheduler-config; the v1.33 default profile when neither is given)
 */
public record HappyPath(String source, NodeRoles nodes, List<WorkloadRule> workloads,
                        List<SeparationRule> separations, Set<String> ignoreNamespaces,
                        Duration stableFor, EvictionPolicy eviction, AntiFlap antiFlap,
                        SchedulerConfig scheduler) {

    public HappyPath {
        workloads = List.copyOf(workloads);
        separations = List.copyOf(separations);
        ignoreNamespaces = Set.copyOf(ignoreNamespaces);
        scheduler = scheduler == null ? SchedulerConfig.DEFAULT : scheduler;
    }

    /** The same Happy Path predicting with another scheduler configuration (--scheduler-config). */
    public HappyPath withScheduler(SchedulerConfig other) {
        return new HappyPath(source, nodes, workloads, separations, ignoreNamespaces, stableFor, eviction, antiFlap, other);
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
