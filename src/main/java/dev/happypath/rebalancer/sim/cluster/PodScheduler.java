package dev.happypath.rebalancer.sim.cluster;

import dev.happypath.rebalancer.scheduling.ClusterView;
import dev.happypath.rebalancer.snapshot.PodState;

import java.util.List;

/**
 * The simulation's kube-scheduler: where a pending pod goes now. One implementation today
 * ({@link SimScheduler}); kept behind this interface so that a fuller model of the default profile
 * (the landing predictor) can take its place without touching the simulation around it.
 */
public interface PodScheduler {

    /** One scheduling cycle for {@code pod}: bind it, preempt lower-priority pods for it, or leave it Pending. */
    Decision schedule(PodState pod, ClusterView cluster);

    /** The outcome of one scheduling cycle. */
    sealed interface Decision permits Bind, Preempt, Unschedulable {
    }

    /** The pod fits on {@code node}: bind it there. */
    record Bind(String node) implements Decision {
    }

    /**
     * Nothing fits, but it would on {@code node} once {@code victims} (all of lower priority) are gone:
     * delete them gracefully and nominate the node.
     */
    record Preempt(String node, List<PodState> victims) implements Decision {
        public Preempt {
            victims = List.copyOf(victims);
        }
    }

    /** No node fits, and preemption would not help: the pod stays Pending (the scheduler's event message). */
    record Unschedulable(String message) implements Decision {
    }
}
