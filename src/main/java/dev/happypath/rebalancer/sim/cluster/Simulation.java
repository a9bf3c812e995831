package dev.happypath.rebalancer.sim.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.happypath.rebalancer.cluster.ModelConverter;
import dev.happypath.rebalancer.scheduling.PlanningView;
import dev.happypath.rebalancer.sim.InProcessApi;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.PodState;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small cluster around the in-process API: the controllers a node failure and a recovery exercise,
 * each acting the way its Kubernetes counterpart does, all writing straight into the API's store (never
 * over HTTP: the API's dispatcher must not call itself).
 *
 * <p>Each tick advances the {@link SimClock} by {@link Timings#tick()} and runs, in this order, under the
 * API's write lock:
 * <ol>
 *   <li>the <b>taint manager</b>: a pod on a node with a NoExecute taint it does not tolerate is deleted,
 *       at once or after its {@code tolerationSeconds} (counted from the taint's {@code timeAdded});</li>
 *   <li>the <b>pod garbage collector</b>: Terminating pods on a node that is not Ready and carries
 *       {@code node.kubernetes.io/out-of-service} are force-deleted (non-graceful node shutdown);</li>
 *   <li>the <b>kubelets</b> of reachable nodes: a Terminating pod is gone {@link Timings#podShutdown()}
 *       after its deletion, a bound pod is Ready {@link Timings#podStartup()} after it was bound (or after
 *       its node came back); an unreachable node's kubelet does nothing, so its pods stay as they are;</li>
 *   <li>the <b>workload controllers</b> ({@link Workloads}): missing ReplicaSet, StatefulSet and DaemonSet
 *       pods are created;</li>
 *   <li>the <b>scheduler</b>: Pending pods, highest priority first then oldest, go through the
 *       {@link PodScheduler} and are bound, preempt, or stay Pending;</li>
 *   <li>the <b>disruption controller</b>: every PodDisruptionBudget's status is recomputed.</li>
 * </ol>
 * Node failure and recovery are what the node lifecycle controller and a returning kubelet write.
 */
public final class Simulation implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Simulation.class);

    /** The taint the node lifecycle controller puts on a node whose kubelet stopped reporting. */
    public static final String UNREACHABLE = "node.kubernetes.io/unreachable";
    /** The taint a person adds to say "this node is down for good" (non-graceful node shutdown, GA in 1.28). */
    public static final String OUT_OF_SERVICE = "node.kubernetes.io/out-of-service";
    /** The taint the node controller keeps on a cordoned node. */
    public static final String UNSCHEDULABLE = "node.kubernetes.io/unschedulable";

    /**
     * @param tick        simulated time per tick
     * @param tickWall    real time between ticks
     * @param podStartup  from binding (or the node's return) to Ready
     * @param podShutdown from deletion to the pod object being gone, on a reachable node
     */
    public record Timings(Duration tick, Duration tickWall, Duration podStartup, Duration podShutdown) {
        /** 2 s of cluster time every 10 ms (and the time a tick takes): about a hundred times faster than life. */
        public static final Timings DEMO = new Timings(Duration.ofSeconds(2), Duration.ofMillis(10),
                Duration.ofSeconds(4), Duration.ofSeconds(4));
    }

    private final InProcessApi api;
    private final SimClock clock;
    private final PodScheduler scheduler;
    private final Timings timings;
    private final Set<String> unreachable = ConcurrentHashMap.newKeySet();
    /** Pods (UIDs) whose containers crash-loop, and workloads (controller UIDs) whose new pods do. */
    private final Set<String> crashLooping = ConcurrentHashMap.newKeySet();
    private final Set<String> crashLoopingWorkloads = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> queueOrder = new HashMap<>();
    /**
     * When the taint manager first saw each NoExecute taint that carries no {@code timeAdded} (one a client
     * such as {@code kubectl taint} added): tolerationSeconds count from then, as the taint-eviction
     * controller counts them from when it first handled the pod. Key: node, then the taint.
     */
    private final Map<String, Instant> noExecuteSeen = new HashMap<>();
    private final SimEvents events;
    private Workloads workloads = Workloads.learn(List.of());
    private long arrivals;
    /** The store's change count when the scheduler last ran: with no change since, it would decide the same. */
    private long scheduledAt = -1;

    private final Object progress = new Object();
    private long ticks;
    private long lastQuietTick = -1;
    private RuntimeException failure;
    private volatile Thread ticker;
    /** Stops the ticking thread: checked between ticks and waited on instead of sleeping. */
    private final dev.happypath.rebalancer.StopSignal ticking = new dev.happypath.rebalancer.StopSignal();
    private volatile boolean realTime;
    private static final Duration REAL_TIME_TICK = Duration.ofMillis(100);

    public Simulation(InProcessApi api, SimClock clock, PodScheduler scheduler, Timings timings) {
        this.api = api;
        this.clock = clock;
        this.scheduler = scheduler;
        this.timings = timings;
        this.events = new SimEvents(clock);
        api.useClock(clock);
        api.gracefulPodDeletion(true);
    }

    public SimClock clock() {
        return clock;
    }

    public InProcessApi api() {
        return api;
    }

    public SimEvents events() {
        return events;
    }

    /**
     * Also write what happens as core/v1 Events into the API ({@code kubectl get events}), as the
     * Kubernetes components do; off by default (the stories and tests read {@link #events()}).
     */
    public void recordClusterEvents(boolean on) {
        events.onEvent(on ? new ClusterEvents(api) : null);
    }

    /**
     * Loads the cluster: namespaces for every namespaced object, then the objects as given (pods bound
     * and Ready as the dump says). The controllers learn their workloads from the pods' owners.
     */
    public void seed(List<HasMetadata> objects) {
        api.atomically(() -> {
            Set<String> namespaces = new TreeSet<>();
            for (HasMetadata o : objects) {
                if (o.getMetadata().getNamespace() != null) {
                    namespaces.add(o.getMetadata().getNamespace());
                }
            }
            for (String ns : namespaces) {
                Namespace n = new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().withNewStatus().withPhase("Active").endStatus().build();
                api.create(n);
            }
            List<Pod> pods = new ArrayList<>();
            for (HasMetadata o : objects) {
                if (o instanceof Namespace) {
                    continue;
                }
                api.create(o);
                if (o instanceof Pod p) {
                    pods.add(p);
                }
            }
            workloads = Workloads.learn(pods);
        });
    }

    // --- running -----------------------------------------------------------------------------------

    /** Starts ticking on a daemon thread. */
    public synchronized void start() {
        if (ticker != null) {
            return;
        }
        Thread t = new Thread(this::run, "cluster-simulation");
        t.setDaemon(true);
        ticker = t;
        t.start();
    }

    private void run() {
        try {
            while (ticker == Thread.currentThread() && !ticking.isStopped()) {
                tick();
                ticking.await(realTime ? REAL_TIME_TICK : timings.tickWall());
            }
        } catch (RuntimeException e) {
            LOG.error("the cluster simulation stopped", e);
            synchronized (progress) {
                failure = e;
                progress.notifyAll();
            }
        }
    }

    /**
     * One tick: time moves on by {@link Timings#tick()}, then every controller runs once.
     *
     * @return whether the tick found the cluster quiet (nothing done, nothing under way): a driver may then
     *         fast-forward to the next instant something is due ({@link #nextDue()})
     */
    public boolean tick() {
        if (realTime) {
            clock.advanceTo(Instant.now());
        } else {
            clock.advance(timings.tick());
        }
        boolean quiet;
        try {
            quiet = api.atomically(this::step);
        } catch (RuntimeException e) {
            if (!notifyingAClosingWatch(e)) {
                throw e;
            }
            // The write was made, but a watch closing at that instant refused the event (the mock server's
            // race, see WatchCloseOffTheEventLoop). The controllers work from the store's state, so the
            // next tick simply carries on from there.
            LOG.debug("a tick was cut short by a closing watch: {}", e.toString());
            quiet = false;
        }
        synchronized (progress) {
            ticks++;
            if (quiet) {
                lastQuietTick = ticks;
            }
            progress.notifyAll();
        }
        return quiet;
    }

    /**
     * The next instant a quiet cluster changes by itself: a pod's NoExecute toleration running out on a
     * tainted node. Empty when nothing is due. A driver that skips idle time stops there, so that the
     * taint manager acts when Kubernetes' would, not at the end of the skipped stretch.
     */
    public Optional<Instant> nextDue() {
        return api.atomically(() -> {
            Map<String, Node> nodes = new HashMap<>();
            for (Node n : api.nodes()) {
                nodes.put(n.getMetadata().getName(), n);
            }
            Instant next = null;
            for (Pod p : api.pods()) {
                Node node = p.getSpec().getNodeName() == null ? null : nodes.get(p.getSpec().getNodeName());
                if (node == null || p.getMetadata().getDeletionTimestamp() != null || finished(p)) {
                    continue;
                }
                Optional<Instant> due = tolerationRunsOut(p, node);
                if (due.isPresent() && (next == null || due.get().isBefore(next))) {
                    next = due.get();
                }
            }
            return Optional.ofNullable(next);
        });
    }

    /**
     * From now on simulated time is the wall clock's, for programs outside (kubectl, a rebalancer in another
     * process) that judge timestamps by their own clock. The simulated clock must not be ahead of it.
     */
    public void runInRealTime() {
        if (clock.instant().isAfter(Instant.now())) {
            throw new IllegalStateException("simulated time " + clock.instant() + " is ahead of the wall clock");
        }
        clock.advanceTo(Instant.now());
        realTime = true;
    }

    /** Fast-forward over an idle stretch (a toleration, a stability window): the next tick catches up. */
    public void advance(Duration d) {
        clock.advance(d);
    }

    private static boolean notifyingAClosingWatch(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.util.concurrent.RejectedExecutionException) {
                return true;
            }
        }
        return false;
    }

    /** Fast-forward to {@code t} (nothing happens if it is past). */
    public void advanceTo(Instant t) {
        clock.advanceTo(t);
    }

    /**
     * Waits until a tick that started after this call found nothing to do and nothing under way (no pod
     * starting or stopping on a reachable node, nothing to create, bind or preempt). Pods that cannot be
     * scheduled anywhere, and evictions waiting for a toleration to run out, do not count as under way.
     */
    public void awaitSettled(Duration wallLimit) {
        long deadline = System.nanoTime() + wallLimit.toNanos();
        synchronized (progress) {
            long from = ticks;
            while (lastQuietTick <= from + 1) {
                if (failure != null) {
                    throw new IllegalStateException("the simulation stopped: " + failure, failure);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("the simulated cluster did not settle within " + wallLimit.toMillis() + " ms");
                }
                try {
                    progress.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the simulated cluster", e);
                }
            }
        }
    }

    @Override
    public void close() {
        Thread t = ticker;
        ticker = null;
        ticking.stop(dev.happypath.rebalancer.StopSignal.Reason.CLOSED);
        if (t != null) {
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // --- nodes failing and coming back -------------------------------------------------------------

    /**
     * The node's kubelet stops reporting. As the node lifecycle controller does once the grace period is
     * over: every condition Unknown, the {@code unreachable} taints (NoSchedule, and NoExecute stamped
     * with the time, from which tolerationSeconds count), and every pod on it no longer Ready.
     */
    public void failNodes(List<String> names) {
        api.atomically(() -> names.forEach(this::failNode));
    }

    public void failNode(String name) {
        api.atomically(() -> {
            Node node = requireNode(name);
            Instant now = clock.instant();
            for (NodeCondition c : node.getStatus().getConditions()) {
                c.setStatus("Unknown");
                c.setReason("NodeStatusUnknown");
                c.setMessage("Kubelet stopped posting node status.");
                c.setLastTransitionTime(now.toString());
                c.setLastHeartbeatTime(now.toString());
            }
            List<Taint> taints = taints(node);
            taints.removeIf(t -> UNREACHABLE.equals(t.getKey()));
            taints.add(new TaintBuilder().withKey(UNREACHABLE).withEffect("NoSchedule").withTimeAdded(now.toString()).build());
            taints.add(new TaintBuilder().withKey(UNREACHABLE).withEffect("NoExecute").withTimeAdded(now.toString()).build());
            node.getSpec().setTaints(taints);
            api.update(node);
            unreachable.add(name);
            for (Pod p : api.pods()) {
                if (name.equals(p.getSpec().getNodeName())) {
                    setReady(p, false, "NodeNotReady", now);
                    api.update(p);
                }
            }
            events.add(SimEvents.Kind.NODE_FAILED, name, null, "stopped reporting: Ready=Unknown, tainted " + UNREACHABLE + " (NoSchedule, NoExecute)");
        });
    }

    /**
     * A person declares the node down for good ({@code node.kubernetes.io/out-of-service=nodeshutdown:NoExecute}):
     * its pods are evicted at once and the pod garbage collector force-deletes the Terminating ones, so
     * that StatefulSets may recreate theirs elsewhere.
     */
    public void declareOutOfService(List<String> names) {
        api.atomically(() -> names.forEach(this::declareOutOfService));
    }

    public void declareOutOfService(String name) {
        api.atomically(() -> {
            Node node = requireNode(name);
            List<Taint> taints = taints(node);
            taints.removeIf(t -> OUT_OF_SERVICE.equals(t.getKey()));
            taints.add(new TaintBuilder().withKey(OUT_OF_SERVICE).withValue("nodeshutdown").withEffect("NoExecute")
                    .withTimeAdded(clock.instant().toString()).build());
            node.getSpec().setTaints(taints);
            api.update(node);
            events.add(SimEvents.Kind.OUT_OF_SERVICE, name, null, "declared out of service (" + OUT_OF_SERVICE + "=nodeshutdown:NoExecute)");
        });
    }

    /**
     * The node is back: its kubelet reports Ready again (a fresh lastTransitionTime, from which the gate
     * counts stableFor), the unreachable taints go, and so does the out-of-service taint (a person removes
     * it once the node is healthy). Its pods become Ready again after the start-up delay; the ones that
     * were deleted while it was away finish terminating.
     */
    public void recoverNodes(List<String> names) {
        api.atomically(() -> names.forEach(this::recoverNode));
    }

    public void recoverNode(String name) {
        api.atomically(() -> {
            Node node = requireNode(name);
            Instant now = clock.instant();
            for (NodeCondition c : node.getStatus().getConditions()) {
                boolean ready = "Ready".equals(c.getType());
                c.setStatus(ready ? "True" : "False");
                c.setReason(ready ? "KubeletReady" : "Kubelet" + (c.getType().equals("MemoryPressure") ? "HasSufficientMemory"
                        : c.getType().equals("DiskPressure") ? "HasNoDiskPressure" : c.getType().equals("PIDPressure") ? "HasSufficientPID" : "Ready"));
                c.setMessage(ready ? "kubelet is posting ready status" : "kubelet is healthy");
                c.setLastTransitionTime(now.toString());
                c.setLastHeartbeatTime(now.toString());
            }
            List<Taint> taints = taints(node);
            taints.removeIf(t -> UNREACHABLE.equals(t.getKey()) || OUT_OF_SERVICE.equals(t.getKey()));
            node.getSpec().setTaints(taints);
            api.update(node);
            unreachable.remove(name);
            for (Pod p : api.pods()) {
                if (name.equals(p.getSpec().getNodeName()) && p.getMetadata().getDeletionTimestamp() == null) {
                    setReady(p, false, "ContainersNotReady", now);
                    api.update(p);
                }
            }
            events.add(SimEvents.Kind.NODE_RECOVERED, name, null, "Ready again; " + UNREACHABLE + " and " + OUT_OF_SERVICE + " taints removed");
        });
    }

    // --- what people and workloads do to a running cluster (the soak's events) -----------------------

    /**
     * {@code kubectl cordon}: spec.unschedulable and the {@code node.kubernetes.io/unschedulable:NoSchedule}
     * taint the node controller adds with it. Pods already there stay.
     */
    public void cordon(String name) {
        api.atomically(() -> {
            Node node = requireNode(name);
            node.getSpec().setUnschedulable(true);
            List<Taint> taints = taints(node);
            taints.removeIf(t -> UNSCHEDULABLE.equals(t.getKey()));
            taints.add(new TaintBuilder().withKey(UNSCHEDULABLE).withEffect("NoSchedule").withTimeAdded(clock.instant().toString()).build());
            node.getSpec().setTaints(taints);
            api.update(node);
            events.add(SimEvents.Kind.CORDONED, name, null, "cordoned (spec.unschedulable)");
        });
    }

    /** {@code kubectl uncordon}. */
    public void uncordon(String name) {
        api.atomically(() -> {
            Node node = requireNode(name);
            node.getSpec().setUnschedulable(null);
            List<Taint> taints = taints(node);
            taints.removeIf(t -> UNSCHEDULABLE.equals(t.getKey()));
            node.getSpec().setTaints(taints);
            api.update(node);
            events.add(SimEvents.Kind.UNCORDONED, name, null, "uncordoned");
        });
    }

    /**
     * The pod's containers start crash-looping: not Ready, {@code CrashLoopBackOff}, restarted several
     * times; the kubelet never makes it Ready again until {@link #heal}. Same pod, same UID.
     */
    public void crashLoop(String namespace, String name) {
        api.atomically(() -> {
            Pod p = requirePod(namespace, name);
            crashLooping.add(p.getMetadata().getUid());
            showCrashLoop(p, clock.instant());
            api.update(p);
            events.add(SimEvents.Kind.CRASH_LOOPING, p.getSpec().getNodeName(), p, "CrashLoopBackOff");
        });
    }

    /**
     * Every pod the workload (controller UID) creates from now on crash-loops once started (a bad image,
     * a missing secret): what a replacement does when the rollout behind it is broken. Off again with
     * {@code false}; the pods already crash-looping stay so until healed.
     */
    public void crashLoopNewPods(String controllerUid, boolean on) {
        if (on) {
            crashLoopingWorkloads.add(controllerUid);
        } else {
            crashLoopingWorkloads.remove(controllerUid);
        }
    }

    /** The crash loop is fixed: the containers start and the pod is Ready after the start-up delay. */
    public void heal(String namespace, String name) {
        api.atomically(() -> {
            Pod p = requirePod(namespace, name);
            crashLooping.remove(p.getMetadata().getUid());
            p.getStatus().setContainerStatuses(new ArrayList<>());
            setReady(p, false, "ContainersNotReady", clock.instant());
            api.update(p);
            events.add(SimEvents.Kind.HEALED, p.getSpec().getNodeName(), p, "containers start again");
        });
    }

    /** The pod's containers restart in place (an OOM kill, a liveness probe): not Ready until started again. */
    public void restartContainers(String namespace, String name) {
        api.atomically(() -> {
            Pod p = requirePod(namespace, name);
            setReady(p, false, "ContainersNotReady", clock.instant());
            api.update(p);
            events.add(SimEvents.Kind.RESTARTED, p.getSpec().getNodeName(), p, "containers restarted");
        });
    }

    /** {@code kubectl delete pod} (graceful): its controller creates a new one (a StatefulSet: same name, new UID). */
    public void deletePod(String namespace, String name) {
        api.atomically(() -> {
            Pod p = requirePod(namespace, name);
            api.markTerminating(p);
            events.add(SimEvents.Kind.POD_DELETED, p.getSpec().getNodeName(), p, "deleted");
        });
    }

    /**
     * A new ReplicaSet arrives with {@code replicas} pods like {@code template} (its labels, requests,
     * tolerations, affinity, priority): the controller creates them on the next tick, the scheduler places
     * them. Returns its UID.
     */
    public String addWorkload(String namespace, String name, Pod template, int replicas) {
        return api.atomically(() -> {
            String uid = java.util.UUID.nameUUIDFromBytes(("replicaset/" + namespace + "/" + name).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
            Pod owned = new io.fabric8.kubernetes.api.model.PodBuilder(template).editMetadata().withNamespace(namespace)
                    .withOwnerReferences(new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder().withApiVersion("apps/v1")
                            .withKind("ReplicaSet").withName(name).withUid(uid).withController(true).withBlockOwnerDeletion(true).build())
                    .endMetadata().build();
            workloads.adopt(namespace, name, uid, owned, replicas);
            events.add(SimEvents.Kind.WORKLOAD_ADDED, null, null, "ReplicaSet " + namespace + "/" + name + " with " + replicas + " replicas");
            return uid;
        });
    }

    /** The workload is deleted: its pods are deleted gracefully and not replaced. */
    public void removeWorkload(String controllerUid) {
        api.atomically(() -> {
            workloads.forget(controllerUid);
            crashLoopingWorkloads.remove(controllerUid);
            for (Pod p : api.pods()) {
                OwnerReference o = Workloads.controller(p);
                if (o != null && controllerUid.equals(o.getUid()) && p.getMetadata().getDeletionTimestamp() == null) {
                    api.markTerminating(p);
                }
            }
            events.add(SimEvents.Kind.WORKLOAD_REMOVED, null, null, "workload " + controllerUid + " deleted");
        });
    }

    /** A PodDisruptionBudget's minAvailable changes (a chart upgrade, a person tightening it before maintenance). */
    public void changeBudget(String namespace, String name, int minAvailable) {
        api.atomically(() -> {
            var b = api.budget(namespace, name);
            if (b == null) {
                throw new IllegalArgumentException("no PodDisruptionBudget " + namespace + "/" + name);
            }
            b.getSpec().setMinAvailable(new io.fabric8.kubernetes.api.model.IntOrString(minAvailable));
            b.getSpec().setMaxUnavailable(null);
            api.update(b);
            api.refreshBudgets();
            events.add(SimEvents.Kind.BUDGET_CHANGED, null, null, namespace + "/" + name + " minAvailable " + minAvailable);
        });
    }

    private Pod requirePod(String namespace, String name) {
        Pod p = api.pod(namespace, name);
        if (p == null) {
            throw new IllegalArgumentException("no pod " + namespace + "/" + name);
        }
        return p;
    }

    private boolean crashLoops(Pod p) {
        if (crashLooping.contains(p.getMetadata().getUid())) {
            return true;
        }
        OwnerReference o = Workloads.controller(p);
        if (o != null && crashLoopingWorkloads.contains(o.getUid())) {
            crashLooping.add(p.getMetadata().getUid());
            return true;
        }
        return false;
    }

    /** What the kubelet reports for a pod whose containers keep exiting. */
    private static void showCrashLoop(Pod p, Instant now) {
        setReady(p, false, "ContainersNotReady", now);
        p.getStatus().setPhase("Running");
        List<io.fabric8.kubernetes.api.model.ContainerStatus> statuses = new ArrayList<>();
        for (var c : p.getSpec().getContainers()) {
            statuses.add(new io.fabric8.kubernetes.api.model.ContainerStatusBuilder().withName(c.getName()).withReady(false)
                    .withRestartCount(5).withImage(c.getImage()).withNewState().withNewWaiting()
                    .withReason("CrashLoopBackOff").withMessage("back-off 5m0s restarting failed container").endWaiting().endState().build());
        }
        p.getStatus().setContainerStatuses(statuses);
    }

    private static boolean showsCrashLoop(Pod p) {
        return p.getStatus() != null && p.getStatus().getContainerStatuses() != null && p.getStatus().getContainerStatuses().stream()
                .anyMatch(c -> c.getState() != null && c.getState().getWaiting() != null
                        && "CrashLoopBackOff".equals(c.getState().getWaiting().getReason()));
    }

    private Node requireNode(String name) {
        Node node = api.node(name);
        if (node == null) {
            throw new IllegalArgumentException("no node " + name);
        }
        return node;
    }

    private static List<Taint> taints(Node node) {
        return node.getSpec().getTaints() == null ? new ArrayList<>() : new ArrayList<>(node.getSpec().getTaints());
    }

    // --- one tick ------------------------------------------------------------------------------------

    /** @return whether the cluster is quiet: nothing done, nothing under way */
    private boolean step() {
        Instant now = clock.instant();
        Map<String, Node> nodes = new HashMap<>();
        for (Node n : api.nodes()) {
            nodes.put(n.getMetadata().getName(), n);
        }
        int actions = nodeLifecycle(nodes, now);
        boolean underWay = false;

        List<Pod> pods = sorted(api.pods());
        for (Pod p : pods) {
            Node node = p.getSpec().getNodeName() == null ? null : nodes.get(p.getSpec().getNodeName());
            if (node == null) {
                continue;
            }
            String nodeName = node.getMetadata().getName();
            boolean terminating = p.getMetadata().getDeletionTimestamp() != null;
            // taint manager
            if (!terminating && !finished(p)) {
                Optional<String> evict = taintEviction(p, withTimesSeen(node), now);
                if (evict.isPresent()) {
                    api.markTerminating(p);
                    events.add(SimEvents.Kind.TAINT_EVICTED, nodeName, p, evict.get());
                    actions++;
                    continue;
                }
            }
            // pod garbage collector
            if (terminating && hasTaint(node, OUT_OF_SERVICE) && !isReady(node)) {
                api.finishDeletion(p);
                events.add(SimEvents.Kind.FORCE_DELETED, nodeName, p, "Terminating on out-of-service " + nodeName);
                actions++;
                continue;
            }
            // kubelet
            if (unreachable.contains(nodeName)) {
                continue;
            }
            if (terminating) {
                if (!now.isBefore(Instant.parse(p.getMetadata().getDeletionTimestamp()).plus(timings.podShutdown()))) {
                    api.finishDeletion(p);
                    events.add(SimEvents.Kind.DELETED, nodeName, p, "stopped");
                    actions++;
                } else {
                    underWay = true;
                }
            } else if (!podReady(p) && !finished(p)) {
                if (crashLoops(p)) {
                    // the kubelet keeps restarting it with back-off: nothing a tick would wait for
                    if (!showsCrashLoop(p) && !now.isBefore(notReadySince(p).plus(timings.podStartup()))) {
                        showCrashLoop(p, now);
                        api.update(p);
                        events.add(SimEvents.Kind.CRASH_LOOPING, nodeName, p, "CrashLoopBackOff");
                        actions++;
                    }
                } else if (!now.isBefore(notReadySince(p).plus(timings.podStartup()))) {
                    setReady(p, true, null, now);
                    p.getStatus().setPhase("Running");
                    if (p.getStatus().getStartTime() == null) {
                        p.getStatus().setStartTime(now.toString());
                    }
                    api.update(p);
                    events.add(SimEvents.Kind.READY, nodeName, p, "Ready");
                    actions++;
                } else {
                    underWay = true;
                }
            }
        }

        if (actions > 0) {
            pods = sorted(api.pods());
        }
        for (Pod p : workloads.missing(pods)) {
            api.create(p);
            events.add(SimEvents.Kind.CREATED, null, p, "created by " + Workloads.controller(p).getKind() + "/" + Workloads.controller(p).getName());
            actions++;
        }
        if (actions > 0) {
            pods = sorted(api.pods());
        }
        actions += schedule(pods, nodes, now);

        if (!api.budgets().isEmpty()) {
            api.refreshBudgets();
        }
        return actions == 0 && !underWay;
    }

    /**
     * What the node lifecycle controller does for a node a client cordoned or uncordoned ({@code kubectl
     * cordon} sets only spec.unschedulable): the {@code node.kubernetes.io/unschedulable:NoSchedule} taint
     * follows it. Also notes when each NoExecute taint without {@code timeAdded} was first seen.
     */
    private int nodeLifecycle(Map<String, Node> nodes, Instant now) {
        int actions = 0;
        java.util.Set<String> present = new java.util.HashSet<>();
        for (Node node : List.copyOf(nodes.values())) {
            String name = node.getMetadata().getName();
            for (Taint t : taints(node)) {
                if ("NoExecute".equals(t.getEffect()) && t.getTimeAdded() == null) {
                    String key = name + "|" + t.getKey() + "=" + t.getValue();
                    present.add(key);
                    noExecuteSeen.putIfAbsent(key, now);
                }
            }
            boolean cordoned = Boolean.TRUE.equals(node.getSpec().getUnschedulable());
            if (cordoned == hasTaint(node, UNSCHEDULABLE)) {
                continue;
            }
            List<Taint> taints = taints(node);
            taints.removeIf(t -> UNSCHEDULABLE.equals(t.getKey()));
            if (cordoned) {
                taints.add(new TaintBuilder().withKey(UNSCHEDULABLE).withEffect("NoSchedule").withTimeAdded(now.toString()).build());
            }
            node.getSpec().setTaints(taints);
            api.update(node);
            nodes.put(name, api.node(name));
            events.add(cordoned ? SimEvents.Kind.CORDONED : SimEvents.Kind.UNCORDONED, name, null,
                    cordoned ? "cordoned (spec.unschedulable set by a client)" : "uncordoned (by a client)");
            actions++;
        }
        noExecuteSeen.keySet().retainAll(present);
        return actions;
    }

    /** The node as the taint manager sees it: a NoExecute taint without timeAdded dates from when it was first seen. */
    private Node withTimesSeen(Node node) {
        if (taints(node).stream().noneMatch(t -> "NoExecute".equals(t.getEffect()) && t.getTimeAdded() == null)) {
            return node;
        }
        Node copy = new io.fabric8.kubernetes.api.model.NodeBuilder(node).build();
        List<Taint> dated = new ArrayList<>();
        for (Taint t : taints(node)) {
            Instant seen = noExecuteSeen.get(node.getMetadata().getName() + "|" + t.getKey() + "=" + t.getValue());
            dated.add("NoExecute".equals(t.getEffect()) && t.getTimeAdded() == null && seen != null
                    ? new TaintBuilder(t).withTimeAdded(seen.toString()).build() : t);
        }
        copy.getSpec().setTaints(dated);
        return copy;
    }

    /** The scheduling queue: Pending pods by priority, then by arrival; each goes through the scheduler once. */
    private int schedule(List<Pod> pods, Map<String, Node> nodes, Instant now) {
        List<Pod> pending = new ArrayList<>();
        for (Pod p : pods) {
            if (p.getSpec().getNodeName() == null && p.getMetadata().getDeletionTimestamp() == null && !finished(p)) {
                queueOrder.computeIfAbsent(p.getMetadata().getUid(), k -> arrivals++);
                pending.add(p);
            }
        }
        if (pending.isEmpty() || api.dispatcher().changes() == scheduledAt) {
            return 0;
        }
        pending.sort(Comparator.comparingInt((Pod p) -> -(p.getSpec().getPriority() == null ? 0 : p.getSpec().getPriority()))
                .thenComparingLong(p -> queueOrder.get(p.getMetadata().getUid()))
                .thenComparing(p -> p.getMetadata().getName()));

        ClusterSnapshot snapshot = snapshot(nodes, pods, now);
        PlanningView view = new PlanningView(snapshot);
        Map<String, PodState> states = new HashMap<>();
        for (PodState s : snapshot.pods()) {
            states.put(s.uid(), s);
        }
        int actions = 0;
        for (Pod p : pending) {
            PodState pod = states.get(p.getMetadata().getUid());
            String nominated = p.getStatus() == null ? null : p.getStatus().getNominatedNodeName();
            if (nominated != null && view.podsOn(nominated).stream().anyMatch(o -> o.isTerminating() && o.priority() < pod.priority())) {
                // Its victims are still going away: no second preemption (the kube-scheduler waits too), and
                // the room is kept for it: pods of lower priority see it as if it were there already.
                view.arrive(pod, nominated);
                continue;
            }
            PodScheduler.Decision d = scheduler.schedule(pod, view);
            if (d instanceof PodScheduler.Bind bind) {
                p.getSpec().setNodeName(bind.node());
                p.getStatus().setNominatedNodeName(null);
                setCondition(p, "PodScheduled", "True", null, null, now);
                api.update(p);
                view.arrive(pod, bind.node());
                queueOrder.remove(p.getMetadata().getUid());
                events.add(SimEvents.Kind.BOUND, bind.node(), p, "bound to " + bind.node());
                actions++;
            } else if (d instanceof PodScheduler.Preempt preempt) {
                for (PodState v : preempt.victims()) {
                    Pod victim = api.pod(v.namespace(), v.name());
                    if (victim != null) {
                        api.markTerminating(victim);
                        events.add(SimEvents.Kind.PREEMPTED, preempt.node(), p, "preempts " + v.key()
                                + " (priority " + pod.priority() + " > " + v.priority() + ")");
                    }
                }
                p.getStatus().setNominatedNodeName(preempt.node());
                setCondition(p, "PodScheduled", "False", "Unschedulable", "preempting on " + preempt.node(), now);
                api.update(p);
                view.arrive(pod, preempt.node());
                actions++;
            } else if (d instanceof PodScheduler.Unschedulable u) {
                if (setCondition(p, "PodScheduled", "False", "Unschedulable", u.message(), now)) {
                    api.update(p);
                    events.add(SimEvents.Kind.UNSCHEDULABLE, null, p, u.message());
                }
            }
        }
        scheduledAt = api.dispatcher().changes();
        return actions;
    }

    private ClusterSnapshot snapshot(Map<String, Node> nodes, List<Pod> pods, Instant now) {
        List<PersistentVolumeClaim> claims = listClaims();
        List<PersistentVolume> volumes = listVolumes();
        return new ClusterSnapshot(now,
                nodes.values().stream().sorted(Comparator.comparing(n -> n.getMetadata().getName())).map(n -> ModelConverter.node(wire(n))).toList(),
                pods.stream().map(p -> ModelConverter.pod(wire(p))).toList(), List.of(),
                claims.stream().map(c -> ModelConverter.claim(wire(c))).toList(), volumes.stream().map(v -> ModelConverter.volume(wire(v))).toList());
    }

    /**
     * The converter reads objects as they travel: the simulation holds the store's model objects, so
     * they go back to their JSON form first, as the node watch's do; the scheduler's snapshot is then
     * the very one a pass would read from the API.
     */
    private static JsonNode wire(HasMetadata object) {
        return Serialization.jsonMapper().valueToTree(object);
    }

    private List<PersistentVolumeClaim> listClaims() {
        return api.claims();
    }

    private List<PersistentVolume> listVolumes() {
        return api.volumes();
    }

    // --- the taint manager's arithmetic ---------------------------------------------------------------

    /** Why the pod must go now, or empty (it tolerates every NoExecute taint, or its time is not up yet). */
    static Optional<String> taintEviction(Pod pod, Node node, Instant now) {
        Instant due = null;
        String why = null;
        for (Taint taint : node.getSpec().getTaints() == null ? List.<Taint>of() : node.getSpec().getTaints()) {
            if (!"NoExecute".equals(taint.getEffect())) {
                continue;
            }
            Long seconds = null;
            boolean tolerated = false;
            for (Toleration t : pod.getSpec().getTolerations() == null ? List.<Toleration>of() : pod.getSpec().getTolerations()) {
                if (tolerates(t, taint)) {
                    tolerated = true;
                    if (t.getTolerationSeconds() == null) {
                        seconds = null;
                        break; // tolerated for ever
                    }
                    seconds = seconds == null ? t.getTolerationSeconds() : Math.min(seconds, t.getTolerationSeconds());
                }
            }
            String label = taint.getKey() + (taint.getValue() == null || taint.getValue().isEmpty() ? "" : "=" + taint.getValue()) + ":NoExecute";
            if (!tolerated) {
                return Optional.of("not tolerating " + label);
            }
            if (seconds != null) {
                Instant added = taint.getTimeAdded() == null ? now : Instant.parse(taint.getTimeAdded());
                Instant at = added.plusSeconds(Math.max(0, seconds));
                if (due == null || at.isBefore(due)) {
                    due = at;
                    why = "tolerationSeconds " + seconds + " for " + label + " ran out";
                }
            }
        }
        return due != null && !now.isBefore(due) ? Optional.of(why) : Optional.empty();
    }

    /** When the pod's shortest NoExecute toleration on this node runs out, if one does. */
    static Optional<Instant> tolerationRunsOut(Pod pod, Node node) {
        Instant due = null;
        for (Taint taint : node.getSpec().getTaints() == null ? List.<Taint>of() : node.getSpec().getTaints()) {
            if (!"NoExecute".equals(taint.getEffect())) {
                continue;
            }
            Long seconds = null;
            boolean forever = false;
            for (Toleration t : pod.getSpec().getTolerations() == null ? List.<Toleration>of() : pod.getSpec().getTolerations()) {
                if (tolerates(t, taint)) {
                    if (t.getTolerationSeconds() == null) {
                        forever = true;
                        break;
                    }
                    seconds = seconds == null ? t.getTolerationSeconds() : Math.min(seconds, t.getTolerationSeconds());
                }
            }
            if (forever || seconds == null) {
                continue; // tolerated for ever, or not at all (then the taint manager acts on the next tick)
            }
            Instant added = taint.getTimeAdded() == null ? Instant.EPOCH : Instant.parse(taint.getTimeAdded());
            Instant at = added.plusSeconds(Math.max(0, seconds));
            due = due == null || at.isBefore(due) ? at : due;
        }
        return Optional.ofNullable(due);
    }

    private static boolean tolerates(Toleration t, Taint taint) {
        if (t.getEffect() != null && !t.getEffect().isEmpty() && !t.getEffect().equals(taint.getEffect())) {
            return false;
        }
        if (t.getKey() == null || t.getKey().isEmpty()) {
            return "Exists".equals(t.getOperator());
        }
        if (!t.getKey().equals(taint.getKey())) {
            return false;
        }
        return "Exists".equals(t.getOperator()) || Objects.equals(Objects.requireNonNullElse(t.getValue(), ""),
                Objects.requireNonNullElse(taint.getValue(), ""));
    }

    // --- small helpers -------------------------------------------------------------------------------

    private static List<Pod> sorted(List<Pod> pods) {
        List<Pod> copy = new ArrayList<>(pods);
        copy.sort(Comparator.comparing((Pod p) -> p.getMetadata().getNamespace()).thenComparing(p -> p.getMetadata().getName()));
        return copy;
    }

    private static boolean hasTaint(Node node, String key) {
        return node.getSpec().getTaints() != null && node.getSpec().getTaints().stream().anyMatch(t -> key.equals(t.getKey()));
    }

    private static boolean isReady(Node node) {
        return node.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    static boolean podReady(Pod p) {
        return condition(p, "Ready").map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    private static boolean finished(Pod p) {
        String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    /** Since when the pod has been waiting to be Ready on its node: its Ready=False transition, or its binding. */
    private static Instant notReadySince(Pod p) {
        Instant since = Instant.EPOCH;
        for (String type : List.of("Ready", "PodScheduled")) {
            Optional<PodCondition> c = condition(p, type);
            if (c.isPresent() && c.get().getLastTransitionTime() != null) {
                Instant t = Instant.parse(c.get().getLastTransitionTime());
                since = t.isAfter(since) ? t : since;
            }
        }
        return since;
    }

    private static Optional<PodCondition> condition(Pod p, String type) {
        if (p.getStatus() == null || p.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return p.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    /** Ready and ContainersReady, stamped now even when unchanged: the kubelet's start-up delay counts from it. */
    private static void setReady(Pod p, boolean ready, String reason, Instant now) {
        replaceCondition(p, "Ready", ready ? "True" : "False", reason, null, now);
        replaceCondition(p, "ContainersReady", ready ? "True" : "False", reason, null, now);
        if (ready) {
            replaceCondition(p, "Initialized", "True", null, null, now);
        }
    }

    /** @return whether anything changed */
    private static boolean setCondition(Pod p, String type, String status, String reason, String message, Instant now) {
        Optional<PodCondition> existing = condition(p, type);
        if (existing.isPresent() && status.equals(existing.get().getStatus()) && Objects.equals(reason, existing.get().getReason())
                && Objects.equals(message, existing.get().getMessage())) {
            return false;
        }
        replaceCondition(p, type, status, reason, message, now);
        return true;
    }

    private static void replaceCondition(Pod p, String type, String status, String reason, String message, Instant now) {
        if (p.getStatus() == null) {
            p.setStatus(new io.fabric8.kubernetes.api.model.PodStatus());
        }
        List<PodCondition> conditions = new ArrayList<>(p.getStatus().getConditions() == null ? List.of() : p.getStatus().getConditions());
        conditions.removeIf(c -> type.equals(c.getType()));
        conditions.add(new PodConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastTransitionTime(now.toString()).build());
        p.getStatus().setConditions(conditions);
    }

    /** Why the simulation stopped ticking, if it did. */
    public Optional<RuntimeException> failure() {
        synchronized (progress) {
            return Optional.ofNullable(failure);
        }
    }
}
