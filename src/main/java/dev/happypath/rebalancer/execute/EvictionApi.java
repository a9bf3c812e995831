package dev.happypath.rebalancer.execute;

import dev.happypath.rebalancer.StopSignal;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.PodState;

import java.time.Duration;
import java.util.Set;

/** What the executor needs from the cluster: a fresh read, one eviction attempt, a replacement wait. */
public interface EvictionApi {

    /**
     * One policy/v1 Eviction request carrying {@code deleteOptions.preconditions.uid}: the API server
     * evicts this very pod or answers 409. Never retries, never deletes.
     */
    Attempt evict(PodState pod);

    /**
     * Waits (watching, not polling) for the controller's replacement of {@code evicted}: a pod of the same
     * controller that is not in {@code before} (a StatefulSet's: of the same name), Ready, with the
     * controller's Ready count back to {@code before.ready()}. Returns {@link Replacement.Ended#STOPPED}
     * as soon as {@code stop} is signalled.
     */
    Replacement awaitReplacement(PodState evicted, Siblings before, Duration timeout, StopSignal stop);

    /** Re-reads the whole cluster, as the pass's first read did: the re-check before each eviction. */
    ClusterSnapshot read();

    /**
     * The pods of the evicted pod's controller just before its eviction (from the re-check's fresh read).
     *
     * @param uids  every one of them, the evicted pod included: a replacement is a pod not among them
     * @param ready how many of them were Ready (and not Terminating)
     */
    record Siblings(Set<String> uids, int ready) {

        public Siblings {
            uids = Set.copyOf(uids);
        }

        /** The controller's pods in {@code snapshot}. */
        public static Siblings of(PodState evicted, ClusterSnapshot snapshot) {
            if (evicted.controller() == null) {
                return new Siblings(Set.of(evicted.uid()), evicted.ready() ? 1 : 0);
            }
            String owner = evicted.controller().uid();
            java.util.Set<String> uids = new java.util.HashSet<>();
            uids.add(evicted.uid());
            int ready = 0;
            for (PodState p : snapshot.pods()) {
                if (p.controller() != null && owner.equals(p.controller().uid())) {
                    uids.add(p.uid());
                    if (p.ready() && p.isBound() && !p.isTerminating()) {
                        ready++;
                    }
                }
            }
            return new Siblings(uids, ready);
        }
    }

    /** The API's answer to one eviction request. */
    record Attempt(Kind kind, int code, String message) {

        public enum Kind {
            /** 201: the pod is being deleted gracefully. */
            EVICTED,
            /** 429: a PodDisruptionBudget does not allow it now. */
            REFUSED_BY_BUDGET,
            /** 404: the pod is gone already. */
            NOT_FOUND,
            /** 409: the UID precondition failed: a pod of that name exists, but it is another pod. */
            CONFLICT,
            /** No answer (connection lost, timed out): the eviction may or may not have happened. */
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
            /** The pass was told to stop (SIGTERM, the Lease lost): see its {@link StopSignal}. */
            STOPPED,
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
