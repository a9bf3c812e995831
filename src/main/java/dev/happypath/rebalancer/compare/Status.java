package dev.happypath.rebalancer.compare;

/** Where a managed pod stands against the Happy Path. */
public enum Status {
    /** On one of its home nodes. */
    HAPPY,
    /** On a lifeboat node although its home is a worker. */
    LIFEBOATED,
    /** Shares a node with the other side of a separation rule, and is the one that must move. */
    COLOCATED,
    /** On a worker (or other node) that is not its home. */
    MISPLACED,
    /** Off its home but tied where it is: a PersistentVolume's node affinity, a hostPath, its own required node affinity. */
    PINNED,
    /** Not bound to any node yet. */
    PENDING
}
