package dev.happypath.rebalancer.snapshot;

/** A preferred node affinity term with its weight (1-100). */
public record PreferredSchedulingTerm(int weight, NodeSelectorTerm preference) {
}
