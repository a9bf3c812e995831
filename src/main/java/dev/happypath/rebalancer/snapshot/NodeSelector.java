package dev.happypath.rebalancer.snapshot;

import java.util.List;
import java.util.stream.Collectors;

/** Terms are ORed: a node matches when any term matches. No term matches nothing. */
public record NodeSelector(List<NodeSelectorTerm> terms) {

    public NodeSelector {
        terms = List.copyOf(terms);
    }

    public boolean matches(NodeState node) {
        for (NodeSelectorTerm t : terms) {
            if (t.matches(node)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return terms.stream().map(NodeSelectorTerm::toString).collect(Collectors.joining(" or "));
    }
}
