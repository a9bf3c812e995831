package dev.happypath.rebalancer.scheduling;

import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;

import java.util.Optional;

/**
 * One kube-scheduler filter plugin, reimplemented on snapshot records: may this pod be placed on this
 * node? As in the scheduler, what depends only on the pod and the cluster is computed once (PreFilter)
 * and each node is then checked cheaply.
 */
public interface NodeFilter {

    /** The kube-scheduler plugin name, so that reasons read like the scheduler's own events. */
    String name();

    /** PreFilter: prepares the check of every node for this pod. */
    NodeCheck prepare(PodState pod, ClusterView view);

    /** The reason this filter refuses the node, if it does. */
    @FunctionalInterface
    interface NodeCheck {
        Optional<String> reject(NodeState node);
    }
}
