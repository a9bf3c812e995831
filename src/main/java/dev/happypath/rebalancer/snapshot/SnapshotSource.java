package dev.happypath.rebalancer.snapshot;

/**
 * Where a pass reads the cluster from, once per look: the API server (cluster/ClusterReader), a dump, a
 * test's fake. May throw RuntimeFailure when the cluster cannot be read.
 */
@FunctionalInterface
public interface SnapshotSource {

    ClusterSnapshot read();
}
