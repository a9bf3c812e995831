package dev.happypath.rebalancer.config;

import dev.happypath.rebalancer.snapshot.LabelSelector;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.Taint;

import java.util.List;

/**
 * How nodes are told apart: workers by labels; lifeboats by labels and/or by a taint they carry.
 * A node that looks like both is a lifeboat: it is never a home for worker workloads.
 *
 * @param lifeboatSelector null when lifeboats are recognised by taints only
 */
public record NodeRoles(LabelSelector workers, LabelSelector lifeboatSelector, List<TaintPattern> lifeboatTaints) {

    public NodeRoles {
        lifeboatTaints = List.copyOf(lifeboatTaints);
    }

    public NodeRole roleOf(NodeState node) {
        if (isLifeboat(node)) {
            return NodeRole.LIFEBOAT;
        }
        return workers.matches(node.labels()) ? NodeRole.WORKER : NodeRole.OTHER;
    }

    private boolean isLifeboat(NodeState node) {
        if (lifeboatSelector != null && lifeboatSelector.matches(node.labels())) {
            return true;
        }
        for (Taint t : node.taints()) {
            for (TaintPattern p : lifeboatTaints) {
                if (p.matches(t)) {
                    return true;
                }
            }
        }
        return false;
    }
}
