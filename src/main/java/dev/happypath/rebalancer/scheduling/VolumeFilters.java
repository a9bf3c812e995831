package dev.happypath.rebalancer.scheduling;

import dev.happypath.rebalancer.snapshot.Claim;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.Volume;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The default profile's volume filters beyond VolumeBinding, as far as a dump can say (kubectl get
 * nodes,pods,pdb,pvc,pv):
 * <ul>
 *   <li><b>VolumeZone</b>: a bound PersistentVolume's zone and region labels must match the node's (a value
 *       may list several zones joined by "__"). A node with no zone or region label at all passes: a
 *       single-zone cluster's nodes often have none. An unbound claim that names no StorageClass refuses every
 *       node, as upstream: nothing will provision it where the pod lands.</li>
 *   <li><b>VolumeRestrictions</b>: a ReadWriteOncePod claim already used by another pod, or a claim that is
 *       missing, refuses every node.
 *       The pod being replaced does not count: the scheduler waits for it to be gone, then places its
 *       replacement. (The in-tree inline-volume conflicts, GCE PD, AWS EBS, RBD, iSCSI, are not modelled:
 *       the snapshot does not read inline volumes, and Kubernetes has migrated them to CSI.)</li>
 *   <li><b>NodeVolumeLimits</b>: a CSI volume counts against the node's attach limit for its driver, which
 *       is in CSINode objects a dump does not hold. Not judged: {@link #cannotJudge} names it, and the
 *       planner does not count such a landing as certain. A missing claim refuses every node, as upstream.</li>
 * </ul>
 */
public final class VolumeFilters {

    private VolumeFilters() {
    }

    public static final NodeFilter VOLUME_ZONE = new NodeFilter() {
        @Override
        public String name() {
            return "VolumeZone";
        }

        @Override
        public NodeCheck prepare(PodState pod, ClusterView view) {
            List<Volume> zoned = new ArrayList<>();
            for (String claimName : pod.claimNames()) {
                Optional<Claim> claim = view.claim(pod.namespace(), claimName);
                if (claim.isEmpty()) {
                    continue; // missing: VolumeBinding's
                }
                if (claim.get().volumeName() == null) {
                    String storageClass = claim.get().storageClassName();
                    if (storageClass == null || storageClass.isEmpty()) {
                        // no class, so no provisioning where the pod lands: the scheduler refuses it outright
                        // (a class in the beta annotation only is not read: refusing errs on the side of not moving)
                        Optional<String> refusal = Optional.of("PersistentVolumeClaim " + claimName
                                + " is bound to no PersistentVolume and names no StorageClass");
                        return node -> refusal;
                    }
                    continue; // unbound with a class: provisioned where the pod lands (WaitForFirstConsumer)
                }
                view.volume(claim.get().volumeName()).filter(v -> !v.zoneLabels().isEmpty()).ifPresent(zoned::add);
            }
            if (zoned.isEmpty()) {
                return node -> Optional.empty();
            }
            return node -> zoneConflict(zoned, node);
        }
    };

    public static final NodeFilter VOLUME_RESTRICTIONS = new NodeFilter() {
        @Override
        public String name() {
            return "VolumeRestrictions";
        }

        @Override
        public NodeCheck prepare(PodState pod, ClusterView view) {
            // the scheduler looks each claim up to read its access modes: one that is missing refuses the pod
            Optional<String> conflict = missingClaim(pod, view).or(() -> readWriteOncePodInUse(pod, view));
            return node -> conflict;
        }
    };

    /**
     * Enabled or disabled like any filter. It refuses only a pod whose claim is missing (the scheduler cannot count
     * a volume it cannot look up); the attach limits themselves are not in a dump (see {@link #cannotJudge}).
     */
    public static final NodeFilter NODE_VOLUME_LIMITS = new NodeFilter() {
        @Override
        public String name() {
            return "NodeVolumeLimits";
        }

        @Override
        public NodeCheck prepare(PodState pod, ClusterView view) {
            Optional<String> missing = missingClaim(pod, view);
            return node -> missing;
        }
    };

    private static Optional<String> missingClaim(PodState pod, ClusterView view) {
        for (String claimName : pod.claimNames()) {
            if (view.claim(pod.namespace(), claimName).isEmpty()) {
                return Optional.of("PersistentVolumeClaim " + claimName + " not found");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> zoneConflict(List<Volume> zoned, NodeState node) {
        boolean nodeHasTopology = Volume.ZONE_LABELS.stream().anyMatch(node.labels()::containsKey);
        if (!nodeHasTopology) {
            return Optional.empty();
        }
        for (Volume v : zoned) {
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(v.zoneLabels()).entrySet()) {
                String nodeValue = node.labels().get(e.getKey());
                if (nodeValue == null) {
                    nodeValue = node.labels().get(gaForm(e.getKey())); // a beta label on the PV matches the node's GA one
                }
                Set<String> allowed = Set.of(e.getValue().split("__"));
                if (nodeValue == null || !allowed.contains(nodeValue)) {
                    return Optional.of("PersistentVolume " + v.name() + " is in " + e.getKey() + "=" + e.getValue() + ", the node "
                            + (nodeValue == null ? "has no such label" : "is in " + nodeValue));
                }
            }
        }
        return Optional.empty();
    }

    private static String gaForm(String key) {
        return key.replace("failure-domain.beta.kubernetes.io/", "topology.kubernetes.io/");
    }

    /** A ReadWriteOncePod claim of the pod that another pod (not the one it replaces) already uses. */
    private static Optional<String> readWriteOncePodInUse(PodState pod, ClusterView view) {
        List<String> exclusive = new ArrayList<>();
        for (String claimName : pod.claimNames()) {
            view.claim(pod.namespace(), claimName).filter(Claim::readWriteOncePod).ifPresent(c -> exclusive.add(c.name()));
        }
        if (exclusive.isEmpty()) {
            return Optional.empty();
        }
        // rare (only pods with such a claim ask), so a scan of the pods is affordable
        for (NodeState n : view.nodesByName()) {
            for (PodState other : view.podsOn(n.name())) {
                if (other.uid().equals(pod.uid()) || pod.uid().equals(PodState.REPLACEMENT_UID_PREFIX + other.uid())
                        || !other.namespace().equals(pod.namespace())) {
                    continue;
                }
                for (String c : exclusive) {
                    if (other.claimNames().contains(c)) {
                        return Optional.of("PersistentVolumeClaim " + c + " is ReadWriteOncePod and " + other.key() + " on " + n.name() + " uses it");
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The filter that would have to judge the pod's landing on what a dump does not hold, if one does: a bound
     * claim on a CSI volume counts against the node's attach limit (CSINode), which is not read.
     */
    public static Optional<String> cannotJudge(PodState pod, ClusterView view, SchedulerProfile profile) {
        if (!profile.filters().contains(NODE_VOLUME_LIMITS)) {
            return Optional.empty();
        }
        for (String claimName : pod.claimNames()) {
            Optional<Volume> volume = view.claim(pod.namespace(), claimName).map(Claim::volumeName).flatMap(view::volume);
            if (volume.isPresent() && volume.get().csiDriver() != null) {
                return Optional.of("cannot judge NodeVolumeLimits: claim " + claimName + " is on CSI volume " + volume.get().name()
                        + " (driver " + volume.get().csiDriver() + "), which counts against each node's attach limit for that driver;"
                        + " the limits are in CSINode objects, which a dump does not hold");
            }
        }
        return Optional.empty();
    }
}
