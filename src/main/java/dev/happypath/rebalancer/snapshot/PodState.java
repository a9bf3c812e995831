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
 */
public record PodState(String namespace, String name, String uid, Map<String, String> labels,
                       String nodeName, String phase, boolean ready, Instant creationTimestamp,
                       Instant deletionTimestamp, int priority, String priorityClassName,
                       OwnerRef controller, boolean mirror, Resources requests, Resources nonZeroRequests,
                       Map<String, String> nodeSelector, Affinity affinity, List<Toleration> tolerations,
                       List<TopologySpreadConstraint> topologySpreadConstraints,
                       List<String> claimNames, List<String> hostPathVolumes, String schedulerName) {

    /** system-cluster-critical: kube-system's own critical add-ons sit at or above it. */
    public static final int SYSTEM_CLUSTER_CRITICAL = 2_000_000_000;

    public PodState {
        labels = Map.copyOf(labels);
        // in key order: a mismatch is named by its first key, the same run after run, without sorting per node
        nodeSelector = nodeSelector.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(nodeSelector));
        tolerations = List.copyOf(tolerations);
        topologySpreadConstraints = List.copyOf(topologySpreadConstraints);
        claimNames = List.copyOf(claimNames);
        hostPathVolumes = List.copyOf(hostPathVolumes);
        affinity = affinity == null ? Affinity.NONE : affinity;
        requests = requests == null ? Resources.NONE : requests;
        nonZeroRequests = nonZeroRequests == null ? requests : nonZeroRequests;
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
        return new PodState(namespace, newName, "replacement-of-" + uid, labels, null, "Pending", false, null, null, priority,
                priorityClassName, controller, mirror, requests, nonZeroRequests, nodeSelector, affinity, tolerations,
                topologySpreadConstraints, claimNames, hostPathVolumes, schedulerName);
    }

    /** The same pod with another spec for scheduling, to ask "and if it preferred this?". */
    public PodState withAffinity(Affinity other) {
        return new PodState(namespace, name, uid, labels, nodeName, phase, ready, creationTimestamp, deletionTimestamp, priority,
                priorityClassName, controller, mirror, requests, nonZeroRequests, nodeSelector, other, tolerations,
                topologySpreadConstraints, claimNames, hostPathVolumes, schedulerName);
    }

    @Override
    public String toString() {
        return key();
    }
}
