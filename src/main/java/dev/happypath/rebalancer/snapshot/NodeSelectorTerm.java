package dev.happypath.rebalancer.snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One term of a node selector: all expressions (on labels) and all fields (only {@code metadata.name}) must hold.
 * As in Kubernetes, a term with no requirement at all matches no node, nor does one with an invalid expression.
 */
public record NodeSelectorTerm(List<Requirement> matchExpressions, List<Requirement> matchFields) {

    public NodeSelectorTerm {
        matchExpressions = List.copyOf(matchExpressions);
        matchFields = List.copyOf(matchFields);
    }

    public boolean matches(NodeState node) {
        if (matchExpressions.isEmpty() && matchFields.isEmpty()) {
            return false;
        }
        for (Requirement r : matchExpressions) {
            if (!r.valid() || !r.matches(node.labels())) {
                return false;
            }
        }
        if (matchFields.isEmpty()) {
            return true;
        }
        Map<String, String> fields = Map.of("metadata.name", node.name());
        for (Requirement r : matchFields) {
            if (!r.matches(fields)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        matchExpressions.forEach(r -> parts.add(r.toString()));
        matchFields.forEach(r -> parts.add(r.toString()));
        return parts.isEmpty() ? "(no requirement)" : String.join(",", parts);
    }
}
