package dev.happypath.rebalancer.snapshot;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the rebalancer knows of a pod: where it is, what it asks for, and what constrains where it may go.
 *
 * @param nodeName           null while the pod is not bound to a node
 * @param deletionTimestamp  non-null once the pod is Terminating
 * @param controller         null for a pod no controller owns
 * @param mirror             a static pod's mirror (kubelet-managed; the API cannot move it)
 * @param requests           effective requests as the scheduler counts them: max(sum of containers, any
 *                           init container) plus pod overhead
 * @param nonZeroRequests    the same, with the scheduler's scoring defaults (100m CPU, 200Mi memory) for
 *                           every container that requests nothing of a resource
 * @param claimNames         PersistentVolumeClaims the pod mounts (including generic ephemeral volumes)
 * @param hostPathVolumes    names of hostPath volumes: data that lives on the node's own disk
 * @param emptyDirs          emptyDir volumes: node-local data an eviction discards
 * @param disruptionAnnotations only the annotations that say whether the pod may be disrupted
 *                           ({@link #DISRUPTION_ANNOTATIONS}); the rest are not kept (memory, at 30,000 pods)
 * @param unsimulatedResources names of the resources its containers request that the scheduling model does not
 *                           simulate (extended resources such as nvidia.com/gpu, ephemeral-storage, hugepages-*),
 *                           sorted
 * @param hostPorts          the host ports its containers bind, as "port/protocol", sorted
 * @param nominatedNodeName  status.nominatedNodeName: the node a preemption has promised it, or null
 * @param waitingReason      why the first waiting container waits (CrashLoopBackOff, ImagePullBackOff, ...), or null
 * @param restarts           restarts of its containers, summed
 * @param images             the image of each container, then of each init container, as written in the spec
 *                           (what the ImageLocality score reads)
 * @param preemptionPolicy   spec.preemptionPolicy (admission copies it from the PriorityClass): "Never" means the
 *                           pod never preempts others; null or PreemptLowerPriority, it may
 */
public record PodState(String namespace, String name, String uid, Map<String, String> labels,
                       String nodeName, String phase, boolean ready, Instant creationTimestamp,
                       Instant deletionTimestamp, int priority, String priorityClassName,
                       OwnerRef controller, boolean mirror, Resources requests, Resources nonZeroRequests,
                       Map<String, String> nodeSelector, Affinity affinity, List<Toleration> tolerations,
                       List<TopologySpreadConstraint> topologySpreadConstraints,
                       List<String> claimNames, List<String> hostPathVolumes, String schedulerName,
                       List<EmptyDir> emptyDirs, Map<String, String> disruptionAnnotations, List<String> unsimulatedResources,
                       List<String> hostPorts, String nominatedNodeName, String waitingReason, int restarts,
                       List<String> images, String preemptionPolicy) {

    /** How a replacement's uid is made from its original's ({@link #replacement()}). */
    public static final String REPLACEMENT_UID_PREFIX = "replacement-of-";

    /** system-cluster-critical: kube-system's own critical add-ons sit at or above it. */
    public static final int SYSTEM_CLUSTER_CRITICAL = 2_000_000_000;

    /** The cluster autoscaler's opt-in ("true") and opt-out ("false") of eviction. */
    public static final String SAFE_TO_EVICT = "cluster-autoscaler.kubernetes.io/safe-to-evict";
    /** Karpenter's opt-out ("true"). */
    public static final String DO_NOT_DISRUPT = "karpenter.sh/do-not-disrupt";
    /** Our own opt-out ("never"). */
    public static final String HAPPYPATH_EVICT = "happypath.dev/evict";
    /** The only annotations a pod's record keeps. */
    public static final java.util.Set<String> DISRUPTION_ANNOTATIONS = java.util.Set.of(SAFE_TO_EVICT, DO_NOT_DISRUPT, HAPPYPATH_EVICT);

    public PodState {
        labels = Map.copyOf(labels);
        // in key order: a mismatch is named by its first key, the same run after run, without sorting per node
        nodeSelector = nodeSelector.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(nodeSelector));
        tolerations = List.copyOf(tolerations);
        topologySpreadConstraints = List.copyOf(topologySpreadConstraints);
        claimNames = List.copyOf(claimNames);
        hostPathVolumes = List.copyOf(hostPathVolumes);
        emptyDirs = List.copyOf(emptyDirs);
        disruptionAnnotations = disruptionAnnotations.isEmpty() ? Map.of() : Map.copyOf(disruptionAnnotations);
        unsimulatedResources = List.copyOf(unsimulatedResources);
        hostPorts = List.copyOf(hostPorts);
        images = images == null ? List.of() : List.copyOf(images);
        affinity = affinity == null ? Affinity.NONE : affinity;
        requests = requests == null ? Resources.NONE : requests;
        nonZeroRequests = nonZeroRequests == null ? requests : nonZeroRequests;
    }

    /** A pod whose container images are not known and that may preempt (no spec.preemptionPolicy): built in code. */
    public PodState(String namespace, String name, String uid, Map<String, String> labels,
                    String nodeName, String phase, boolean ready, Instant creationTimestamp,
                    Instant deletionTimestamp, int priority, String priorityClassName,
                    OwnerRef controller, boolean mirror, Resources requests, Resources nonZeroRequests,
                    Map<String, String> nodeSelector, Affinity affinity, List<Toleration> tolerations,
                    List<TopologySpreadConstraint> topologySpreadConstraints,
                    List<String> claimNames, List<String> hostPathVolumes, String schedulerName,
                    List<EmptyDir> emptyDirs, Map<String, String> disruptionAnnotations, List<String> unsimulatedResources,
                    List<String> hostPorts, String nominatedNodeName, String waitingReason, int restarts) {
        this(namespace, name, uid, labels, nodeName, phase, ready, creationTimestamp, deletionTimestamp, priority, priorityClassName,
                controller, mirror, requests, nonZeroRequests, nodeSelector, affinity, tolerations, topologySpreadConstraints,
                claimNames, hostPathVolumes, schedulerName, emptyDirs, disruptionAnnotations, unsimulatedResources, hostPorts,
                nominatedNodeName, waitingReason, restarts, List.of(), null);
    }

    /** Whether the scheduler may preempt lower-priority pods to place it (spec.preemptionPolicy is not Never). */
    public boolean mayPreempt() {
        return !"Never".equals(preemptionPolicy);
    }

    /**
     * A pod built in code with none of what the disruption rules read (no emptyDir, no opt-out, nothing the
     * model does not simulate, no container waiting).
     */
    public PodState(String namespace, String name, String uid, Map<String, String> labels,
                    String nodeName, String phase, boolean ready, Instant creationTimestamp,
                    Instant deletionTimestamp, int priority, String priorityClassName,
                    OwnerRef controller, boolean mirror, Resources requests, Resources nonZeroRequests,
                    Map<String, String> nodeSelector, Affinity affinity, List<Toleration> tolerations,
                    List<TopologySpreadConstraint> topologySpreadConstraints,
                    List<String> claimNames, List<String> hostPathVolumes, String schedulerName) {
        this(namespace, name, uid, labels, nodeName, phase, ready, creationTimestamp, deletionTimestamp, priority, priorityClassName,
                controller, mirror, requests, nonZeroRequests, nodeSelector, affinity, tolerations, topologySpreadConstraints,
                claimNames, hostPathVolumes, schedulerName, List.of(), Map.of(), List.of(), List.of(), null, null, 0);
    }

    /** The value of one of {@link #DISRUPTION_ANNOTATIONS}, or null. */
    public String annotation(String key) {
        return disruptionAnnotations.get(key);
    }

    /**
     * What a pod is doing, in the words kubectl would show: "Pending, not scheduled", "CrashLoopBackOff, 4
     * restarts", "Running but not Ready: its readiness checks fail".
     */
    public String whatItIsDoing() {
        String restartCount = restarts == 0 ? "" : ", " + restarts + (restarts == 1 ? " restart" : " restarts");
        if (!isBound()) {
            return "Pending, not scheduled";
        }
        if (waitingReason != null) {
            return waitingReason + restartCount;
        }
        if ("Running".equals(phase)) {
            return (ready ? "Running and Ready" : "Running but not Ready: its readiness checks fail") + restartCount;
        }
        return (phase == null ? "no phase" : phase) + restartCount;
    }

    public String key() {
        return namespace + "/" + name;
    }

    public boolean isBound() {
        return nodeName != null && !nodeName.isEmpty();
    }

    public boolean isTerminating() {
        return deletionTimestamp != null;
    }

    /** Succeeded or Failed: such pods no longer hold node resources. */
    public boolean isTerminal() {
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    public boolean isDaemonSetPod() {
        return controller != null && "DaemonSet".equals(controller.kind());
    }

    /**
     * The workload a person would name: a ReplicaSet created by a Deployment is reported as the
     * Deployment (its name is the Deployment's plus "-" and the pod-template-hash label), so that no
     * ReplicaSet read is needed.
     */
    public String workload() {
        if (controller == null) {
            return "Pod/" + name;
        }
        if ("ReplicaSet".equals(controller.kind())) {
            String hash = labels.get("pod-template-hash");
            if (hash != null && controller.name().endsWith("-" + hash)) {
                return "Deployment/" + controller.name().substring(0, controller.name().length() - hash.length() - 1);
            }
        }
        return controller.kind() + "/" + controller.name();
    }

    /**
     * The pod the controller will create to replace this one: same spec, not bound, new identity (a
     * StatefulSet keeps the name).
     */
    public PodState replacement() {
        String newName = controller != null && "StatefulSet".equals(controller.kind()) ? name : name + "-replacement";
        // a new pod: not nominated anywhere, no container has run or waited yet
        return new PodState(namespace, newName, REPLACEMENT_UID_PREFIX + uid, labels, null, "Pending", false, null, null, priority,
                priorityClassName, controller, mirror, requests, nonZeroRequests, nodeSelector, affinity, tolerations,
                topologySpreadConstraints, claimNames, hostPathVolumes, schedulerName, emptyDirs, disruptionAnnotations,
                unsimulatedResources, hostPorts, null, null, 0, images, preemptionPolicy);
    }

    /** The same pod with another spec for scheduling, to ask "and if it preferred this?". */
    public PodState withAffinity(Affinity other) {
        return new PodState(namespace, name, uid, labels, nodeName, phase, ready, creationTimestamp, deletionTimestamp, priority,
                priorityClassName, controller, mirror, requests, nonZeroRequests, nodeSelector, other, tolerations,
                topologySpreadConstraints, claimNames, hostPathVolumes, schedulerName, emptyDirs, disruptionAnnotations,
                unsimulatedResources, hostPorts, nominatedNodeName, waitingReason, restarts, images, preemptionPolicy);
    }

    @Override
    public String toString() {
        return key();
    }
}
