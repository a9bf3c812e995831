package dev.happypath.rebalancer.config;

import dev.happypath.rebalancer.snapshot.LabelSelector;
import dev.happypath.rebalancer.snapshot.PodState;

/**
 * Names a set of pods (a namespace and, optionally, a label selector) and where they belong.
 *
 * @param selector      null: every pod of the namespace
 * @param localData     what a move may do to the pods' emptyDir data: KEEP (the default) refuses to move a pod
 *                      that has any, DISCARD lets it go and every such move says what is lost
 * @param allowDowntime whether the only replica (no PodDisruptionBudget covers it) may be moved, accepting
 *                      downtime until its replacement is Ready; null: eviction.allowDowntime decides
 */
public record WorkloadRule(String name, String namespace, LabelSelector selector, Home home, LocalData localData,
                           Boolean allowDowntime) {

    /** What may happen to a pod's node-local data (emptyDir) when it is moved. */
    public enum LocalData {
        /** Never evict a pod that has emptyDir data (unless the pod itself says safe-to-evict "true"). */
        KEEP,
        /** The data is scratch or can be rebuilt: evict, and say in every move that it is discarded. */
        DISCARD
    }

    public WorkloadRule {
        localData = localData == null ? LocalData.KEEP : localData;
    }

    /** A rule with the defaults: local data kept, downtime as eviction.allowDowntime says. */
    public WorkloadRule(String name, String namespace, LabelSelector selector, Home home) {
        this(name, namespace, selector, home, LocalData.KEEP, null);
    }

    public boolean selects(PodState pod) {
        return namespace.equals(pod.namespace()) && (selector == null || selector.matches(pod.labels()));
    }
}
