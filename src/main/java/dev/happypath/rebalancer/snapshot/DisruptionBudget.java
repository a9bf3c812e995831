package dev.happypath.rebalancer.snapshot;

/**
 * A policy/v1 PodDisruptionBudget with the status the disruption controller computed.
 *
 * @param selector null selects no pod; an empty selector selects every pod of the namespace (policy/v1)
 */
public record DisruptionBudget(String namespace, String name, LabelSelector selector, int disruptionsAllowed,
                               int currentHealthy, int desiredHealthy, int expectedPods,
                               String minAvailable, String maxUnavailable) {

    public boolean covers(PodState pod) {
        return selector != null && namespace.equals(pod.namespace()) && selector.matches(pod.labels());
    }

    public String key() {
        return namespace + "/" + name;
    }
}
