package dev.happypath.rebalancer.plan;

/** What became, or would become, of a proposed move. */
public enum Outcome {
    /** A live run would evict it now (dry-run), or is about to (live, before execution). */
    PLANNED,
    /** Evicted through the Eviction API; its replacement came up. */
    EVICTED,
    /** A PodDisruptionBudget refused the eviction. */
    BLOCKED,
    /** Unsafe or impossible: never evicted, see the details. */
    SKIPPED,
    /** Safe, but not now: the gate is closed, a limit is reached, or the run stopped early. */
    DEFERRED,
    /** The eviction or the replacement went wrong; the run stopped. */
    FAILED
}
