package dev.happypath.rebalancer.snapshot;

import java.util.Set;

/**
 * A pod (anti-)affinity term: pods matching {@code selector}, in the term's namespaces, within the
 * topology domain {@code topologyKey}.
 *
 * <p>Namespaces: an explicit list, else the pod's own namespace; {@code namespaceSelector: {}} means all
 * namespaces. A non-empty namespaceSelector needs Namespace labels, which a snapshot does not hold: it is
 * marked {@code namespaceSelectorUnknown} and each caller decides conservatively.
 *
 * @param selector null selects no pod (as in Kubernetes)
 */
public record PodAffinityTerm(LabelSelector selector, Set<String> namespaces, boolean allNamespaces,
                              boolean namespaceSelectorUnknown, String topologyKey) {

    public PodAffinityTerm {
        namespaces = Set.copyOf(namespaces);
    }

    /**
     * Whether {@code candidate} is selected by this term declared on a pod of {@code ownerNamespace}.
     *
     * @param widenUnknown how to treat a namespaceSelector we cannot evaluate: true counts every namespace
     *                     (the safe side for anti-affinity), false only the explicit ones (safe for affinity)
     */
    public boolean selects(PodState candidate, String ownerNamespace, boolean widenUnknown) {
        if (selector == null || !selector.matches(candidate.labels())) {
            return false;
        }
        return coversNamespace(candidate.namespace(), ownerNamespace, widenUnknown);
    }

    public boolean coversNamespace(String namespace, String ownerNamespace, boolean widenUnknown) {
        if (allNamespaces || (namespaceSelectorUnknown && widenUnknown)) {
            return true;
        }
        if (namespaces.isEmpty() && !namespaceSelectorUnknown) {
            return namespace.equals(ownerNamespace);
        }
        return namespaces.contains(namespace);
    }

    @Override
    public String toString() {
        return (selector == null ? "(none)" : selector.toString()) + " per " + topologyKey;
    }
}
