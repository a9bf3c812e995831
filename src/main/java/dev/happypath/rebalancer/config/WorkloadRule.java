package dev.happypath.rebalancer.config;

import dev.happypath.rebalancer.snapshot.LabelSelector;
import dev.happypath.rebalancer.snapshot.PodState;

/**
 * Names a set of pods (a namespace and, optionally, a label selector) and where they belong.
 *
 * @param selector null: every pod of the namespace
 */
public record WorkloadRule(String name, String namespace, LabelSelector selector, Home home) {

    public boolean selects(PodState pod) {
        return namespace.equals(pod.namespace()) && (selector == null || selector.matches(pod.labels()));
    }
}
