package dev.happypath.rebalancer.compare;

/** Why a pod is off the Happy Path, which is also the reason a move is proposed. Declared in eviction order. */
public enum Drift {
    LIFEBOATED,
    COLOCATED,
    MISPLACED
}
