package dev.happypath.rebalancer.execute;

import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;

import java.time.Duration;
import java.util.List;

/** What the executor needs from the cluster: one eviction attempt, a replacement wait, fresh nodes. */
public interface EvictionApi {

    /** One policy/v1 Eviction request; never retries, never deletes. */
    Attempt evict(PodState pod);

    /** Waits (watching, not polling) for the controller's replacement of {@code evicted} to be Ready. */
    Replacement awaitReplacement(PodState evicted, Duration timeout);

    /** Re-reads the nodes, for the gate check before each eviction. */
    List<NodeState> readNodes();

    /** The API's answer to one eviction request. */
    record Attempt(Kind kind, int code, String message) {

        public enum Kind {
            /** 201: the pod is being deleted gracefully. */
            EVICTED,
            /** 429: a PodDisruptionBudget does not allow it now. */
            REFUSED_BY_BUDGET,
            /** 404: the pod is gone already. */
            NOT_FOUND,
            /** Anything else: the eviction did not happen and the cause is unknown. */
            ERROR
        }

        public static Attempt evicted() {
            return new Attempt(Kind.EVICTED, 201, "");
        }
    }

    /**
     * @param pod  the replacement, or null when none became Ready in time
     * @param node where the replacement runs
     */
    record Replacement(String pod, String node, String problem) {

        public boolean ready() {
            return pod != null && problem == null;
        }
    }
}
