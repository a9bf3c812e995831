package dev.happypath.rebalancer.compare;

/** The seeds' vocabulary for the state of the whole cluster (seed 001, section 3). */
public enum ClusterState {
    /** Every worker Ready and every managed pod home. */
    GREEN,
    /** Every worker Ready, but pods are still away from home: the rebalancer's job. */
    RECOVERING,
    /** Some worker is not Ready: degraded, pods co-located or lifeboated by design. */
    YELLOW,
    /** No worker is Ready: only the lifeboat carries the platform. */
    RED,
    /** No node is Ready at all. */
    BLACK
}
