package dev.happypath.rebalancer.compare;

import dev.happypath.rebalancer.config.NodeRole;

import java.util.List;
import java.util.Map;

/**
 * Every managed pod's placement, the role of every node, and the cluster's state.
 *
 * @param placements sorted by namespace and name
 * @param roles      node name to role, in node order
 */
public record Comparison(List<Placement> placements, Map<String, NodeRole> roles, ClusterState state) {

    public Comparison {
        placements = List.copyOf(placements);
        roles = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(roles));
    }

    public List<Placement> strays() {
        return placements.stream().filter(Placement::isStray).toList();
    }

    /** Anything not HAPPY: strays and pods still waiting for a node. */
    public boolean hasDrift() {
        return placements.stream().anyMatch(p -> p.status() != Status.HAPPY);
    }
}
