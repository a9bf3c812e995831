package dev.happypath.rebalancer.scheduling;

import dev.happypath.rebalancer.snapshot.Claim;
import dev.happypath.rebalancer.snapshot.NodeSelector;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodAffinityTerm;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.Quantity;
import dev.happypath.rebalancer.snapshot.Resources;
import dev.happypath.rebalancer.snapshot.Taint;
import dev.happypath.rebalancer.snapshot.Toleration;
import dev.happypath.rebalancer.snapshot.Volume;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The kube-scheduler filters that decide whether a pod can land on a node, on snapshot records.
 * Each mirrors the plugin of the same name in the default profile.
 */
public final class Filters {

    private Filters() {
    }

    public static final NodeFilter NODE_UNSCHEDULABLE = new Named("NodeUnschedulable") {
        @Override
        public Optional<String> reject(PodState pod, NodeState node, ClusterView view) {
            if (!node.unschedulable()) {
                return Optional.empty();
            }
            Taint cordon = new Taint("node.kubernetes.io/unschedulable", "", Taint.Effect.NoSchedule);
            boolean tolerated = pod.tolerations().stream().anyMatch(t -> t.tolerates(cordon));
            return tolerated ? Optional.empty() : Optional.of("node is cordoned (spec.unschedulable)");
        }
    };

    public static final NodeFilter TAINT_TOLERATION = new Named("TaintToleration") {
        @Override
        public Optional<String> reject(PodState pod, NodeState node, ClusterView view) {
            return untoleratedTaint(pod, node).map(t -> "untolerated taint " + t);
        }
    };

    public static final NodeFilter NODE_AFFINITY = new Named("NodeAffinity") {
        @Override
        public Optional<String> reject(PodState pod, NodeState node, ClusterView view) {
            return requiredNodeMismatch(pod, node);
        }
    };

    public static final NodeFilter NODE_RESOURCES_FIT = new Named("NodeResourcesFit") {
        @Override
        public Optional<String> reject(PodState pod, NodeState node, ClusterView view) {
            return insufficient(pod, node, view, 1.0);
        }
    };

    public static final NodeFilter INTER_POD_AFFINITY = new Named("InterPodAffinity") {
        @Override
        public Optional<String> reject(PodState pod, NodeState node, ClusterView view) {
            return interPodAffinity(pod, node, view);
        }
    };

    public static final NodeFilter VOLUME_BINDING = new Named("VolumeBinding") {
        @Override
        public Optional<String> reject(PodState pod, NodeState node, ClusterView view) {
            return volumeNodeAffinity(pod, node, view);
        }
    };

    public static final NodeFilter NODE_NAME = new Named("NodeName") {
        @Override
        public Optional<String> reject(PodState pod, NodeState node, ClusterView view) {
            return pod.nodeName() != null && !pod.nodeName().equals(node.name())
                    ? Optional.of("the pod names node " + pod.nodeName()) : Optional.empty();
        }
    };

    public static final NodeFilter POD_TOPOLOGY_SPREAD = new Named("PodTopologySpread") {
        @Override
        public Optional<String> reject(PodState pod, NodeState node, ClusterView view) {
            return spread(pod, node, view);
        }
    };

    /** The filters of the default profile that a pod's landing depends on, in the scheduler's order. */
    public static final List<NodeFilter> DEFAULT = List.of(
            NODE_UNSCHEDULABLE, NODE_NAME, TAINT_TOLERATION, NODE_AFFINITY, NODE_RESOURCES_FIT, VOLUME_BINDING,
            POD_TOPOLOGY_SPREAD, INTER_POD_AFFINITY);

    /** Every reason the node is refused, each prefixed with the filter's name. */
    public static List<String> rejections(PodState pod, NodeState node, ClusterView view) {
        List<String> reasons = new ArrayList<>();
        for (NodeFilter f : DEFAULT) {
            f.reject(pod, node, view).ifPresent(r -> reasons.add(f.name() + ": " + r));
        }
        return reasons;
    }

    /** The first NoSchedule/NoExecute taint of the node that the pod does not tolerate. */
    public static Optional<Taint> untoleratedTaint(PodState pod, NodeState node) {
        for (Taint taint : node.taints()) {
            if (!taint.effect().filters()) {
                continue;
            }
            boolean tolerated = false;
            for (Toleration t : pod.tolerations()) {
                if (t.tolerates(taint)) {
                    tolerated = true;
                    break;
                }
            }
            if (!tolerated) {
                return Optional.of(taint);
            }
        }
        return Optional.empty();
    }

    /** nodeSelector and required node affinity: both must hold. */
    public static Optional<String> requiredNodeMismatch(PodState pod, NodeState node) {
        for (Map.Entry<String, String> e : pod.nodeSelector().entrySet()) {
            if (!e.getValue().equals(node.labels().get(e.getKey()))) {
                return Optional.of("nodeSelector " + e.getKey() + "=" + e.getValue() + " does not match");
            }
        }
        NodeSelector required = pod.affinity().requiredNodeAffinity();
        if (required != null && !required.matches(node)) {
            return Optional.of("required node affinity (" + required + ") does not match");
        }
        return Optional.empty();
    }

    /**
     * Requests of the pods on the node plus this pod's, against {@code fraction} of allocatable CPU and
     * memory; at the full fraction (the scheduler's own check), also the pod count against allocatable pods.
     */
    public static Optional<String> insufficient(PodState pod, NodeState node, ClusterView view, double fraction) {
        Resources used = view.requested(node.name());
        Resources need = pod.requests();
        Resources cap = node.allocatable();
        List<String> lacking = new ArrayList<>();
        long memLimit = (long) Math.floor(cap.memoryBytes() * fraction);
        long cpuLimit = (long) Math.floor(cap.milliCpu() * fraction);
        String of = fraction >= 1.0 ? "allocatable " : percent(fraction) + " of allocatable ";
        if (used.memoryBytes() + need.memoryBytes() > memLimit) {
            lacking.add("memory " + Quantity.bytes(used.memoryBytes()) + " requested + " + Quantity.bytes(need.memoryBytes())
                    + " > " + of + Quantity.bytes(cap.memoryBytes()));
        }
        if (used.milliCpu() + need.milliCpu() > cpuLimit) {
            lacking.add("cpu " + Quantity.cpu(used.milliCpu()) + " requested + " + Quantity.cpu(need.milliCpu())
                    + " > " + of + Quantity.cpu(cap.milliCpu()));
        }
        if (fraction >= 1.0 && node.allocatablePods() > 0 && view.podsOn(node.name()).size() + 1 > node.allocatablePods()) {
            lacking.add("pods " + view.podsOn(node.name()).size() + " + 1 > allocatable " + node.allocatablePods());
        }
        return lacking.isEmpty() ? Optional.empty() : Optional.of("insufficient " + String.join(", ", lacking));
    }

    private static String percent(double fraction) {
        return Math.round(fraction * 100) + "%";
    }

    /** A bound PersistentVolume's node affinity must admit the node (local-path PVs pin to one node). */
    public static Optional<String> volumeNodeAffinity(PodState pod, NodeState node, ClusterView view) {
        for (String claimName : pod.claimNames()) {
            Optional<Claim> claim = view.claim(pod.namespace(), claimName);
            if (claim.isEmpty()) {
                return Optional.of("PersistentVolumeClaim " + claimName + " not found");
            }
            String volumeName = claim.get().volumeName();
            if (volumeName == null) {
                continue; // unbound: the volume is provisioned where the pod lands (WaitForFirstConsumer)
            }
            Optional<Volume> volume = view.volume(volumeName);
            if (volume.isPresent() && volume.get().nodeAffinity() != null && !volume.get().nodeAffinity().matches(node)) {
                return Optional.of("PersistentVolume " + volumeName + " (claim " + claimName + ") is pinned by node affinity to "
                        + describePin(volume.get().nodeAffinity()));
            }
        }
        return Optional.empty();
    }

    /** "node k3d-idp-demo-agent-0" for the common hostname pin, otherwise the selector. */
    public static String describePin(NodeSelector affinity) {
        if (affinity.terms().size() == 1 && affinity.terms().get(0).matchExpressions().size() == 1) {
            var r = affinity.terms().get(0).matchExpressions().get(0);
            if (r.key().equals("kubernetes.io/hostname") && r.values().size() == 1) {
                return "node " + r.values().get(0);
            }
        }
        return "(" + affinity + ")";
    }

    /** Required pod affinity and anti-affinity, both the newcomer's and the existing pods'. */
    public static Optional<String> interPodAffinity(PodState pod, NodeState node, ClusterView view) {
        // Existing pods whose required anti-affinity selects the newcomer forbid their whole domain.
        for (PlacedPod placed : view.podsWithRequiredAntiAffinity()) {
            PodState existing = placed.pod();
            String where = placed.node();
            if (existing.uid().equals(pod.uid())) {
                continue;
            }
            NodeState there = view.node(where).orElse(null);
            if (there == null) {
                continue;
            }
            for (PodAffinityTerm term : existing.affinity().requiredPodAntiAffinity()) {
                if (term.selects(pod, existing.namespace(), true) && sameDomain(node, there, term.topologyKey())) {
                    return Optional.of("anti-affinity of " + existing.key() + " on " + where + " forbids it (" + term + ")");
                }
            }
        }
        for (PodAffinityTerm term : pod.affinity().requiredPodAntiAffinity()) {
            String value = node.labels().get(term.topologyKey());
            if (value == null) {
                continue;
            }
            for (NodeState member : view.nodesInDomain(term.topologyKey(), value)) {
                for (PodState other : view.podsOn(member.name())) {
                    if (!other.uid().equals(pod.uid()) && term.selects(other, pod.namespace(), true)) {
                        return Optional.of("its anti-affinity (" + term + ") matches " + other.key() + " on " + member.name());
                    }
                }
            }
        }
        for (PodAffinityTerm term : pod.affinity().requiredPodAffinity()) {
            String value = node.labels().get(term.topologyKey());
            if (value == null) {
                return Optional.of("node has no " + term.topologyKey() + " label, required by its pod affinity");
            }
            if (!affinitySatisfied(pod, term, value, view)) {
                return Optional.of("its pod affinity (" + term + ") finds no matching pod in that " + term.topologyKey() + " domain");
            }
        }
        return Optional.empty();
    }

    /** DoNotSchedule topology spread constraints: the skew placing the pod here would cause. */
    public static Optional<String> spread(PodState pod, NodeState node, ClusterView view) {
        for (TopologySpread.Spread s : TopologySpread.own(pod, true)) {
            String key = s.constraint().topologyKey();
            String value = node.labels().get(key);
            if (value == null) {
                return Optional.of("node has no " + key + " label, required by a topology spread constraint");
            }
            java.util.Map<String, Integer> counts = TopologySpread.countsByDomain(s, pod, view, false);
            int min = counts.values().stream().min(Integer::compare).orElse(0);
            Integer minDomains = s.constraint().minDomains();
            if (minDomains != null && counts.size() < minDomains) {
                min = 0;
            }
            int self = s.matches(pod, pod) ? 1 : 0;
            int skew = counts.getOrDefault(value, 0) + self - min;
            if (skew > s.constraint().maxSkew()) {
                return Optional.of("spreading on " + key + " (maxSkew " + s.constraint().maxSkew() + "): " + key + "=" + value
                        + " would have skew " + skew);
            }
        }
        return Optional.empty();
    }

    private static boolean affinitySatisfied(PodState pod, PodAffinityTerm term, String value, ClusterView view) {
        for (NodeState member : view.nodesInDomain(term.topologyKey(), value)) {
            for (PodState other : view.podsOn(member.name())) {
                if (!other.uid().equals(pod.uid()) && term.selects(other, pod.namespace(), false)) {
                    return true;
                }
            }
        }
        // The first pod of a group that selects itself may go anywhere, as long as no matching pod exists yet.
        if (!term.selects(pod, pod.namespace(), false)) {
            return false;
        }
        for (NodeState n : view.nodes()) {
            for (PodState other : view.podsOn(n.name())) {
                if (!other.uid().equals(pod.uid()) && term.selects(other, pod.namespace(), false)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean sameDomain(NodeState a, NodeState b, String key) {
        String va = a.labels().get(key);
        return va != null && va.equals(b.labels().get(key));
    }

    private abstract static class Named implements NodeFilter {
        private final String name;

        Named(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }
    }
}
