package dev.happypath.rebalancer.testing;

import dev.happypath.rebalancer.StopSignal;
import dev.happypath.rebalancer.execute.EvictionApi;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.SnapshotSource;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The pass's cluster ports in memory: the snapshot source and the Eviction API. An eviction removes the
 * pod and, when {@link #landing} names a node, its controller's replacement appears there at once, Ready;
 * scripted answers (a PodDisruptionBudget's 429, a 500) come first; hooks let a test change the world
 * between two reads or at an eviction (the Lease lost, SIGTERM, someone else moving the pod).
 */
public final class InMemoryCluster implements SnapshotSource, EvictionApi {

    private final Clock clock;
    private ClusterSnapshot current;
    private Function<PodState, String> landing = p -> null;
    private final Map<String, Deque<Attempt>> scripted = new HashMap<>();
    private final List<String> evictionRequests = new ArrayList<>();
    private final Map<Integer, Consumer<InMemoryCluster>> afterRead = new HashMap<>();
    private Consumer<PodState> onEvicted = p -> { };
    private int reads;

    public InMemoryCluster(ClusterSnapshot start, Clock clock) {
        this.current = start;
        this.clock = clock;
    }

    /** Where each evicted pod's replacement lands, Ready (null: none appears, the wait runs to its end). */
    public synchronized InMemoryCluster landing(Function<PodState, String> where) {
        this.landing = where;
        return this;
    }

    /** The next answers to evictions of {@code podKey} (ns/name), before the cluster's own. */
    public synchronized InMemoryCluster answer(String podKey, Attempt... answers) {
        scripted.computeIfAbsent(podKey, k -> new ArrayDeque<>()).addAll(List.of(answers));
        return this;
    }

    /** Runs {@code change} right after the {@code n}-th read (1-based). */
    public synchronized InMemoryCluster afterRead(int n, Consumer<InMemoryCluster> change) {
        afterRead.put(n, change);
        return this;
    }

    /** Runs {@code hook} after each eviction that happened (outside this object's lock). */
    public synchronized InMemoryCluster onEvicted(Consumer<PodState> hook) {
        this.onEvicted = hook;
        return this;
    }

    /** Moves a pod to {@code node} as a controller would: a new pod (new name and uid) in its place, Ready. */
    public synchronized void recreateOn(String podKey, String node) {
        PodState p = pod(podKey);
        List<PodState> pods = new ArrayList<>(current.pods());
        pods.remove(p);
        pods.add(landed(p, node));
        current = with(pods);
    }

    public synchronized List<String> evictionRequests() {
        return List.copyOf(evictionRequests);
    }

    public synchronized int reads() {
        return reads;
    }

    public synchronized ClusterSnapshot now() {
        return current;
    }

    @Override
    public ClusterSnapshot read() {
        Consumer<InMemoryCluster> change;
        ClusterSnapshot seen;
        synchronized (this) {
            reads++;
            seen = with(current.pods());
            change = afterRead.remove(reads);
        }
        if (change != null) {
            change.accept(this);
        }
        return seen;
    }

    @Override
    public Attempt evict(PodState pod) {
        PodState gone;
        synchronized (this) {
            evictionRequests.add(pod.key());
            Deque<Attempt> answers = scripted.get(pod.key());
            if (answers != null && !answers.isEmpty()) {
                return answers.poll();
            }
            PodState now = current.pods().stream().filter(p -> p.key().equals(pod.key())).findFirst().orElse(null);
            if (now == null) {
                return new Attempt(Attempt.Kind.NOT_FOUND, 404, "pods \"" + pod.name() + "\" not found");
            }
            if (!now.uid().equals(pod.uid())) {
                return new Attempt(Attempt.Kind.CONFLICT, 409, "Precondition failed: UID in precondition: " + pod.uid());
            }
            List<PodState> pods = new ArrayList<>(current.pods());
            pods.remove(now);
            String node = landing.apply(now);
            if (node != null) {
                pods.add(landed(now, node));
            }
            current = with(pods);
            gone = now;
        }
        onEvicted.accept(gone);
        return Attempt.evicted();
    }

    @Override
    public Replacement awaitReplacement(PodState evicted, Siblings before, Duration timeout, StopSignal stop) {
        Replacement found = replacement(evicted, before);
        if (found != null) {
            return found;
        }
        // nothing will appear by itself: the wait lasts until its timeout, or the stop
        if (stop.await(timeout)) {
            return Replacement.notReady(Replacement.Ended.STOPPED, "");
        }
        found = replacement(evicted, before);
        return found != null ? found : Replacement.notReady(Replacement.Ended.TIMED_OUT, "no replacement pod appeared");
    }

    private synchronized Replacement replacement(PodState evicted, Siblings before) {
        if (evicted.controller() == null) {
            return Replacement.notReady(Replacement.Ended.NO_CONTROLLER, "no controller to recreate it");
        }
        for (PodState p : current.pods()) {
            if (p.controller() != null && p.controller().uid().equals(evicted.controller().uid()) && !before.uids().contains(p.uid())
                    && p.ready() && p.isBound()) {
                return Replacement.ready(p.key(), p.nodeName());
            }
        }
        return null;
    }

    private PodState pod(String key) {
        return current.pods().stream().filter(p -> p.key().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no pod " + key));
    }

    private ClusterSnapshot with(List<PodState> pods) {
        return new ClusterSnapshot(clock.instant(), current.nodes(), pods, current.budgets(), current.claims(), current.volumes());
    }

    /** The controller's new pod for {@code p}: "-r" added to its name, a new uid, bound to {@code node}, Ready. */
    private PodState landed(PodState p, String node) {
        return new PodState(p.namespace(), p.name() + "-r", "new-" + p.uid(), p.labels(), node, "Running", true, clock.instant(), null,
                p.priority(), p.priorityClassName(), p.controller(), p.mirror(), p.requests(), p.nonZeroRequests(), p.nodeSelector(),
                p.affinity(), p.tolerations(), p.topologySpreadConstraints(), p.claimNames(), p.hostPathVolumes(), p.schedulerName(),
                p.emptyDirs(), p.disruptionAnnotations(), p.unsimulatedResources(), p.hostPorts(), null, null, 0, p.images(),
                p.preemptionPolicy());
    }
}
