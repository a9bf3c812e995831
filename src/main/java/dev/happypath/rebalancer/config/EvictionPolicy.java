package dev.happypath.rebalancer.config;

import java.time.Duration;
import java.util.Set;

/**
 * Limits and timeouts of the eviction stage.
 *
 * @param maxPerRun       evictions in one pass
 * @param maxPerNode      planned moves per node in one pass, counting the node each leaves and each node its
 *                        replacement may land on
 * @param maxPerNamespace evictions in one namespace in one pass
 * @param maxUtilization  fraction of a target's allocatable CPU and memory that requests may reach
 * @param pdbTimeout      how long to retry an eviction a PodDisruptionBudget refuses (HTTP 429)
 * @param readyTimeout    how long to wait for the replacement pod to be Ready
 * @param controllerKinds owner kinds trusted to recreate an evicted pod
 * @param allowDowntime   whether the only replica of a workload no PodDisruptionBudget covers may be moved
 *                        (downtime until its replacement is Ready); a workload rule may say otherwise
 */
public record EvictionPolicy(int maxPerRun, int maxPerNode, int maxPerNamespace, double maxUtilization,
                             Duration pdbTimeout, Duration readyTimeout, Set<String> controllerKinds, boolean allowDowntime) {

    public static final Set<String> DEFAULT_CONTROLLER_KINDS = Set.of("ReplicaSet", "StatefulSet", "ReplicationController");

    public EvictionPolicy {
        controllerKinds = Set.copyOf(controllerKinds);
    }

    /** With the default for the only replica: downtime allowed. */
    public EvictionPolicy(int maxPerRun, int maxPerNode, int maxPerNamespace, double maxUtilization,
                          Duration pdbTimeout, Duration readyTimeout, Set<String> controllerKinds) {
        this(maxPerRun, maxPerNode, maxPerNamespace, maxUtilization, pdbTimeout, readyTimeout, controllerKinds, true);
    }
}
