package dev.happypath.rebalancer.scheduling;

import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;

import java.util.Optional;

/**
 * One kube-scheduler filter plugin, reimplemented on snapshot records: may this pod be placed on this
 * node? Returns the reason it may not.
 */
public interface NodeFilter {

    /** The kube-scheduler plugin name, so that reasons read like the scheduler's own events. */
    String name();

    Optional<String> reject(PodState pod, NodeState node, ClusterView view);
}
