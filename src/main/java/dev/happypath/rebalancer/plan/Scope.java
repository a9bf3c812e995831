package dev.happypath.rebalancer.plan;

import dev.happypath.rebalancer.compare.Placement;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which workloads a pass may move (--namespace, --rule): a cautious first live run on ArgoCD alone.
 * Everything else is still read, compared and counted (capacity, budgets, separations: the safety rules
 * see the whole cluster), only never moved: its strays are reported SKIPPED {@link MoveCode#OUT_OF_SCOPE}.
 *
 * @param namespaces the namespaces whose pods may move; empty: every namespace
 * @param rules      the workload rules whose pods may move; empty: every rule
 */
public record Scope(Set<String> namespaces, Set<String> rules) {

    /** No restriction: the whole Happy Path. */
    public static final Scope ALL = new Scope(Set.of(), Set.of());

    public Scope {
        namespaces = Set.copyOf(namespaces);
        rules = Set.copyOf(rules);
    }

    public boolean everything() {
        return namespaces.isEmpty() && rules.isEmpty();
    }

    /** A pod is in scope when its namespace and its rule are among those given (an empty list admits all). */
    public boolean includes(Placement p) {
        return (namespaces.isEmpty() || namespaces.contains(p.pod().namespace()))
                && (rules.isEmpty() || rules.contains(p.ruleName()));
    }

    /** As the options were given, for the detail of an out-of-scope move and the report. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (!namespaces.isEmpty()) {
            parts.add("--namespace " + String.join(",", namespaces.stream().sorted().toList()));
        }
        if (!rules.isEmpty()) {
            parts.add("--rule " + String.join(",", rules.stream().sorted().toList()));
        }
        return parts.isEmpty() ? "everything" : String.join(" ", parts);
    }
}
