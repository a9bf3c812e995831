package dev.happypath.rebalancer.config;

/** What a node is to the Happy Path. */
public enum NodeRole {
    /** Where workloads belong when the cluster is healthy. */
    WORKER,
    /** A node (the control plane) that takes critical pods in only while workers are down. */
    LIFEBOAT,
    /** Neither: never a home, never part of the gate. */
    OTHER
}
