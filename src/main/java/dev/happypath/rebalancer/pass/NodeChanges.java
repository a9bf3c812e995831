package dev.happypath.rebalancer.pass;

import dev.happypath.rebalancer.snapshot.NodeState;

import java.util.List;
import java.util.function.Consumer;

/**
 * The nodes as they change (a watch on a cluster: cluster/NodeWatch), each change handed as the whole
 * current list. Feeds the gate's opening ({@code --wait-for-gate}, the daemon's {@code --on-node-recovery}).
 */
@FunctionalInterface
public interface NodeChanges {

    /** Starts watching; returns once the first list was handed to {@code onChange}. May throw RuntimeFailure. */
    Watching watch(Consumer<List<NodeState>> onChange);

    /** A running watch; closing it stops it. */
    @FunctionalInterface
    interface Watching extends AutoCloseable {
        @Override
        void close();
    }
}
