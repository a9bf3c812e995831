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
            /** No answer (connection lost, timed out, stopping): the eviction may or may not have happened. */
            NO_ANSWER,
            /** Anything else: the eviction did not happen and the cause is unknown. */
            ERROR
        }

        public static Attempt evicted() {
            return new Attempt(Kind.EVICTED, 201, "");
        }
    }

    /**
     * How the wait for a replacement ended.
     *
     * @param pod    the replacement, when one became Ready
     * @param node   where the replacement runs, when one became Ready
     * @param ended  why the wait ended
     * @param detail what was seen: the replacement's state when none became Ready in time, the API's
     *               answer when the watch failed; empty otherwise
     */
    record Replacement(String pod, String node, Ended ended, String detail) {

        public enum Ended {
            /** A replacement is Ready. */
            READY,
            /** eviction.readyTimeout passed first. */
            TIMED_OUT,
            /** The API did not let us watch the pods. */
            WATCH_FAILED,
            /** This process is stopping (SIGTERM, the Lease lost). */
            INTERRUPTED,
            /** Nothing would recreate the pod. */
            NO_CONTROLLER
        }

        public static Replacement ready(String pod, String node) {
            return new Replacement(pod, node, Ended.READY, "");
        }

        public static Replacement notReady(Ended ended, String detail) {
            return new Replacement(null, null, ended, detail);
        }

        public boolean ready() {
            return ended == Ended.READY;
        }
    }
}
