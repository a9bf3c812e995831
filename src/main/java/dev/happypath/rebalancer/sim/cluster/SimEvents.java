package dev.happypath.rebalancer.sim.cluster;

import io.fabric8.kubernetes.api.model.Pod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * What the simulated controllers did, in order: the material of the demo's narration (and of the
 * assertions about it). Bounded: the oldest events are dropped past {@link #LIMIT}.
 */
public final class SimEvents {

    public static final int LIMIT = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(SimEvents.class);

    public enum Kind {
        NODE_FAILED, OUT_OF_SERVICE, NODE_RECOVERED,
        /** The taint manager deleted a pod (it did not tolerate a NoExecute taint, or its toleration ran out). */
        TAINT_EVICTED,
        /** The pod garbage collector force-deleted a Terminating pod of an out-of-service node. */
        FORCE_DELETED,
        /** A workload controller created a pod. */
        CREATED,
        BOUND,
        /** The scheduler deleted a lower-priority pod to make room. */
        PREEMPTED,
        /** The scheduler found no node (the message says why). */
        UNSCHEDULABLE,
        READY,
        /** A kubelet finished a pod's termination. */
        DELETED,
        /** A person cordoned a node (spec.unschedulable) or uncordoned it. */
        CORDONED, UNCORDONED,
        /** A pod's containers crash-loop (CrashLoopBackOff, never Ready) until healed. */
        CRASH_LOOPING, HEALED,
        /** A pod's containers restarted in place (same pod, same UID): not Ready until started again. */
        RESTARTED,
        /** Someone deleted a pod (kubectl delete, a rollout): its controller makes a new one. */
        POD_DELETED,
        /** A new workload (a ReplicaSet) arrived, or one was deleted with its pods. */
        WORKLOAD_ADDED, WORKLOAD_REMOVED,
        /** A PodDisruptionBudget's minAvailable was changed. */
        BUDGET_CHANGED
    }

    /**
     * @param node where it happened (the pod's node, the node failing), when there is one
     * @param pod  namespace/name, when a pod is concerned
     */
    public record Event(long seq, Instant at, Kind kind, String node, String pod, int priority, String detail) {
    }

    private final Clock clock;
    private final Deque<Event> events = new ArrayDeque<>();
    private long seq;

    SimEvents(Clock clock) {
        this.clock = clock;
    }

    /** Told of each event with the pod it concerns (or null); see {@link #onEvent}. */
    @FunctionalInterface
    public interface Listener {
        void happened(Event event, Pod pod);
    }

    private volatile Listener listener;

    void add(Kind kind, String node, Pod pod, String detail) {
        String key = pod == null ? null : pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
        int priority = pod == null || pod.getSpec().getPriority() == null ? 0 : pod.getSpec().getPriority();
        Event e;
        synchronized (this) {
            e = new Event(seq++, clock.instant(), kind, node, key, priority, detail);
            events.addLast(e);
            while (events.size() > LIMIT) {
                events.removeFirst();
            }
        }
        LOG.debug("{} {} {} {}: {}", e.at(), kind, node == null ? "-" : node, key == null ? "-" : key, detail);
        Listener l = listener;
        if (l != null) {
            // outside this object's lock: a listener writing to the API takes the API's write lock
            l.happened(e, pod);
        }
    }

    /** One listener (null: none), told of each event after it is recorded, on the thread that caused it. */
    void onEvent(Listener l) {
        this.listener = l;
    }

    /** A mark to ask later what happened since. */
    public synchronized long mark() {
        return seq;
    }

    public synchronized List<Event> since(long mark) {
        return events.stream().filter(e -> e.seq() >= mark).toList();
    }
}
