package dev.happypath.rebalancer.config;

import dev.happypath.rebalancer.snapshot.LabelSelector;

/**
 * Where a workload belongs.
 *
 * @param workerSelector for {@link Kind#WORKERS}: which workers; null otherwise
 */
public record Home(Kind kind, LabelSelector workerSelector) {

    public enum Kind {
        /** The workers matching a label selector. */
        WORKERS,
        /** Any worker. */
        ANY_WORKER,
        /** The lifeboat nodes, by design: such pods are never moved. */
        CONTROL_PLANE
    }

    public static final Home ANY_WORKER = new Home(Kind.ANY_WORKER, null);
    public static final Home CONTROL_PLANE = new Home(Kind.CONTROL_PLANE, null);

    public static Home workers(LabelSelector selector) {
        return new Home(Kind.WORKERS, selector);
    }

    public boolean admits(NodeRole role, java.util.Map<String, String> nodeLabels) {
        return switch (kind) {
            case WORKERS -> role == NodeRole.WORKER && workerSelector.matches(nodeLabels);
            case ANY_WORKER -> role == NodeRole.WORKER;
            case CONTROL_PLANE -> role == NodeRole.LIFEBOAT;
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case WORKERS -> "worker " + workerSelector;
            case ANY_WORKER -> "any worker";
            case CONTROL_PLANE -> "control plane";
        };
    }
}
