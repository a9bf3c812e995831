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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The kube-scheduler filters that decide whether a pod can land on a node, on snapshot records.
 * Each mirrors the plugin of the same name in the default profile.
 */
public final class Filters {

    private Filters() {
    }

    public static final NodeFilter NODE_UNSCHEDULABLE = simple("NodeUnschedulable", (pod, node, view) -> {
        if (!node.unschedulable()) {
            return Optional.empty();
        }
        Taint cordon = new Taint("node.kubernetes.io/unschedulable", "", Taint.Effect.NoSchedule);
        boolean tolerated = pod.tolerations().stream().anyMatch(t -> t.tolerates(cordon));
        return tolerated ? Optional.empty() : Optional.of("node is cordoned (spec.unschedulable)");
    });

    public static final NodeFilter NODE_NAME = simple("NodeName", (pod, node, view) ->
            pod.nodeName() != null && !pod.nodeName().equals(node.name())
                    ? Optional.of("the pod names node " + pod.nodeName()) : Optional.empty());

    /** Each refusing taint's words built once per pod: a lifeboat's taint refuses most pods of a cluster. */
    public static final NodeFilter TAINT_TOLERATION = prepared("TaintToleration", (pod, view) -> {
        Map<Taint, Optional<String>> words = new HashMap<>(4);
        return node -> untoleratedTaint(pod, node)
                .flatMap(t -> words.computeIfAbsent(t, k -> Optional.of("untolerated taint " + k)));
    });

    /** The words of a required node affinity that does not match are the same on every node: built once per pod. */
    public static final NodeFilter NODE_AFFINITY = prepared("NodeAffinity", (pod, view) -> {
        NodeSelector required = pod.affinity().requiredNodeAffinity();
        Optional<String> affinityWords = required == null ? Optional.empty() : Optional.of(affinityMismatch(required));
        return node -> {
            Map.Entry<String, String> selector = mismatchedSelector(pod, node);
            if (selector != null) {
                return Optional.of(selectorMismatch(selector));
            }
            return required == null || required.matches(node) ? Optional.empty() : affinityWords;
        };
    });

    public static final NodeFilter NODE_PORTS = prepared("NodePorts", PortsCheck::new);

    public static final NodeFilter NODE_RESOURCES_FIT = simple("NodeResourcesFit", (pod, node, view) ->
            insufficient(pod, node, view, 1.0));

    public static final NodeFilter VOLUME_BINDING = simple("VolumeBinding", Filters::volumeNodeAffinity);

    public static final NodeFilter POD_TOPOLOGY_SPREAD = prepared("PodTopologySpread", SpreadCheck::new);

    public static final NodeFilter INTER_POD_AFFINITY = prepared("InterPodAffinity", InterPodAffinityCheck::new);

    /** The filters of the default profile that a pod's landing depends on, in the scheduler's order. */
    public static final List<NodeFilter> DEFAULT = List.of(
            NODE_UNSCHEDULABLE, NODE_NAME, TAINT_TOLERATION, NODE_AFFINITY, NODE_PORTS, NODE_RESOURCES_FIT,
            VolumeFilters.VOLUME_RESTRICTIONS, VolumeFilters.NODE_VOLUME_LIMITS, VOLUME_BINDING, VolumeFilters.VOLUME_ZONE,
            POD_TOPOLOGY_SPREAD, INTER_POD_AFFINITY);

    /** Every filter that refuses the node, with its reason. */
    public static List<Rejection> rejections(PodState pod, NodeState node, ClusterView view) {
        return prepare(pod, view).rejections(node);
    }

    /** The default filters prepared once for this pod, to check many nodes. */
    public static Prepared prepare(PodState pod, ClusterView view) {
        return prepare(pod, view, DEFAULT);
    }

    /** These filters (a scheduler profile's) prepared once for this pod, to check many nodes. */
    public static Prepared prepare(PodState pod, ClusterView view, List<NodeFilter> filters) {
        List<NodeFilter.NodeCheck> checks = new ArrayList<>(filters.size());
        for (NodeFilter f : filters) {
            checks.add(f.prepare(pod, view));
        }
        return new Prepared(filters, checks);
    }

    /** Filters, prepared for one pod. */
    public static final class Prepared {
        private final List<NodeFilter> filters;
        private final List<NodeFilter.NodeCheck> checks;

        private Prepared(List<NodeFilter> filters, List<NodeFilter.NodeCheck> checks) {
            this.filters = filters;
            this.checks = checks;
        }

        /** Every filter that refuses the node, with its reason, in filter order. */
        public List<Rejection> rejections(NodeState node) {
            List<Rejection> reasons = null;
            for (int i = 0; i < checks.size(); i++) {
                Optional<String> r = checks.get(i).reject(node);
                if (r.isPresent()) {
                    if (reasons == null) {
                        reasons = new ArrayList<>(2);
                    }
                    reasons.add(new Rejection(filters.get(i).name(), node.name(), r.get()));
                }
            }
            return reasons == null ? List.of() : reasons;
        }
    }

    /** Of two ways to say why, the first by name: the same cluster, however it was listed, gives the same words. */
    private static String first(String a, String b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** The first NoSchedule/NoExecute taint of the node that the pod does not tolerate. */
    public static Optional<Taint> untoleratedTaint(PodState pod, NodeState node) {
        // indexed loops: asked for every node of every prediction, and the iterators were not always optimised away
        List<Taint> taints = node.taints();
        List<Toleration> tolerations = pod.tolerations();
        for (int i = 0; i < taints.size(); i++) {
            Taint taint = taints.get(i);
            if (!taint.effect().filters()) {
                continue;
            }
            boolean tolerated = false;
            for (int j = 0; j < tolerations.size(); j++) {
                if (tolerations.get(j).tolerates(taint)) {
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

    /** Whether nodeSelector and required node affinity both hold ({@link #requiredNodeMismatch} without the words). */
    public static boolean requiredNodeMatches(PodState pod, NodeState node) {
        NodeSelector required = pod.affinity().requiredNodeAffinity();
        return mismatchedSelector(pod, node) == null && (required == null || required.matches(node));
    }

    /** nodeSelector and required node affinity: both must hold. */
    public static Optional<String> requiredNodeMismatch(PodState pod, NodeState node) {
        Map.Entry<String, String> selector = mismatchedSelector(pod, node);
        if (selector != null) {
            return Optional.of(selectorMismatch(selector));
        }
        NodeSelector required = pod.affinity().requiredNodeAffinity();
        if (required != null && !required.matches(node)) {
            return Optional.of(affinityMismatch(required));
        }
        return Optional.empty();
    }

    /** The first nodeSelector entry the node's labels do not hold, or null. */
    private static Map.Entry<String, String> mismatchedSelector(PodState pod, NodeState node) {
        // in key order (PodState keeps it so), so that the first mismatch named is the same run after run
        for (Map.Entry<String, String> e : pod.nodeSelector().entrySet()) {
            if (!e.getValue().equals(node.labels().get(e.getKey()))) {
                return e;
            }
        }
        return null;
    }

    private static String selectorMismatch(Map.Entry<String, String> selector) {
        return "nodeSelector " + selector.getKey() + "=" + selector.getValue() + " does not match";
    }

    private static String affinityMismatch(NodeSelector required) {
        return "required node affinity (" + required + ") does not match";
    }

    /**
     * Requests of the pods on the node plus this pod's, against {@code fraction} of allocatable. At the full
     * fraction (the scheduler's own check, fitsRequest) only the resources the pod requests are checked (a node
     * already over-committed on a resource the pod asks none of is no reason to refuse it), and the pod count
     * against allocatable pods; below it (the planner's headroom), CPU and memory always.
     */
    public static Optional<String> insufficient(PodState pod, NodeState node, ClusterView view, double fraction) {
        Resources used = view.requested(node.name());
        Resources need = pod.requests();
        Resources cap = node.allocatable();
        // Below the full fraction this is the planner's headroom rule, not the scheduler's check: a node past
        // maxUtilization stays refused whatever the pod asks.
        boolean headroom = fraction < 1.0;
        boolean memoryShort = (need.memoryBytes() > 0 || headroom) && used.memoryBytes() + need.memoryBytes() > (long) Math.floor(cap.memoryBytes() * fraction);
        boolean cpuShort = (need.milliCpu() > 0 || headroom) && used.milliCpu() + need.milliCpu() > (long) Math.floor(cap.milliCpu() * fraction);
        if (!memoryShort && !cpuShort && need.others().isEmpty() && (fraction < 1.0 || node.allocatablePods() <= 0
                || view.podsOn(node.name()).size() + 1 <= node.allocatablePods())) {
            return Optional.empty(); // the common case, asked for every node of every prediction: no words built
        }
        List<String> lacking = new ArrayList<>();
        String of = fraction >= 1.0 ? "allocatable " : percent(fraction) + " of allocatable ";
        if (memoryShort) {
            lacking.add("memory " + Quantity.bytes(used.memoryBytes()) + " requested + " + Quantity.bytes(need.memoryBytes())
                    + " > " + of + Quantity.bytes(cap.memoryBytes()));
        }
        if (cpuShort) {
            lacking.add("cpu " + Quantity.cpu(used.milliCpu()) + " requested + " + Quantity.cpu(need.milliCpu())
                    + " > " + of + Quantity.cpu(cap.milliCpu()));
        }
        // ephemeral-storage, hugepages-*, extended resources: a node that does not list one has none of it
        for (Map.Entry<String, Long> e : need.others().entrySet()) {
            String name = e.getKey();
            long has = cap.amount(name);
            long usedOf = used.amount(name);
            if (e.getValue() > 0 && usedOf + e.getValue() > (long) Math.floor(has * fraction)) {
                lacking.add(name + " " + Quantity.amount(name, usedOf) + " requested + " + Quantity.amount(name, e.getValue())
                        + " > " + of + Quantity.amount(name, has));
            }
        }
        if (fraction >= 1.0 && node.allocatablePods() > 0) {
            int pods = view.podsOn(node.name()).size();
            if (pods + 1 > node.allocatablePods()) {
                lacking.add("pods " + pods + " + 1 > allocatable " + node.allocatablePods());
            }
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
            if (volume.isEmpty()) {
                // the scheduler refuses every node: "pvc(s) bound to non-existent pv(s)"
                return Optional.of("PersistentVolumeClaim " + claimName + " is bound to PersistentVolume " + volumeName
                        + ", which does not exist");
            }
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
        return new InterPodAffinityCheck(pod, view).reject(node);
    }

    /** DoNotSchedule topology spread constraints: the skew placing the pod here would cause. */
    public static Optional<String> spread(PodState pod, NodeState node, ClusterView view) {
        return new SpreadCheck(pod, view).reject(node);
    }

    /**
     * InterPodAffinity's PreFilter: which topology domains the pods already placed forbid to this pod
     * (their required anti-affinity), which domains hold a pod its own anti-affinity refuses, and which
     * hold one its own affinity needs. Each node is then a few lookups.
     */
    private static final class InterPodAffinityCheck implements NodeFilter.NodeCheck {
        private final PodState pod;
        /** topologyKey -> domain value -> why it is forbidden (the first culprit). */
        private final Map<String, Map<String, String>> forbidden = new HashMap<>();
        private final List<PodAffinityTerm> anti;
        private final List<Map<String, String>> antiMatches = new ArrayList<>();
        private final List<PodAffinityTerm> affinity;
        /**
         * "topologyKey=value" -> how many placed pods matching ALL the required affinity terms sit in that domain
         * (affinityCounts: each such pod counts once per term, on a node that carries the term's key).
         */
        private final Map<String, Integer> affinityCounts = new HashMap<>();
        private final boolean selfMatchesAllTerms;

        InterPodAffinityCheck(PodState pod, ClusterView view) {
            this.pod = pod;
            for (PlacedPod placed : view.requiredAntiAffinityCandidates(pod)) {
                PodState existing = placed.pod();
                NodeState there = existing.uid().equals(pod.uid()) ? null : view.node(placed.node()).orElse(null);
                if (there == null) {
                    continue;
                }
                for (PodAffinityTerm term : existing.affinity().requiredPodAntiAffinity()) {
                    String value = there.labels().get(term.topologyKey());
                    if (value != null && term.selects(pod, existing.namespace(), true)) {
                        forbidden.computeIfAbsent(term.topologyKey(), k -> new HashMap<>()).merge(value,
                                "anti-affinity of " + existing.key() + " on " + placed.node() + " forbids it (" + term + ")", Filters::first);
                    }
                }
            }
            this.anti = pod.affinity().requiredPodAntiAffinity();
            this.affinity = pod.affinity().requiredPodAffinity();
            for (PodAffinityTerm term : anti) {
                antiMatches.add(new HashMap<>());
            }
            // Term by term over the pods its selector can match, in node order then pod order: the first
            // matching pod of each domain is the one named, as when scanning every pod of every node.
            for (int i = 0; i < anti.size(); i++) {
                PodAffinityTerm term = anti.get(i);
                for (PlacedPod placed : view.podsSelectable(term.selector())) {
                    PodState other = placed.pod();
                    if (other.uid().equals(pod.uid())) {
                        continue;
                    }
                    NodeState n = view.node(placed.node()).orElseThrow();
                    String value = n.labels().get(term.topologyKey());
                    if (value != null && term.selects(other, pod.namespace(), true)) {
                        antiMatches.get(i).merge(value, other.key() + " on " + n.name(), Filters::first);
                    }
                }
            }
            // A pod counts only if it matches every term (podMatchesAllAffinityTerms): those the first term's
            // selector can match are enough to look at.
            if (!affinity.isEmpty()) {
                for (PlacedPod placed : view.podsSelectable(affinity.get(0).selector())) {
                    PodState other = placed.pod();
                    if (other.uid().equals(pod.uid()) || !matchesAll(affinity, other, pod.namespace())) {
                        continue;
                    }
                    NodeState n = view.node(placed.node()).orElseThrow();
                    for (PodAffinityTerm term : affinity) {
                        String value = n.labels().get(term.topologyKey());
                        if (value != null) {
                            affinityCounts.merge(term.topologyKey() + "=" + value, 1, Integer::sum);
                        }
                    }
                }
            }
            this.selfMatchesAllTerms = matchesAll(affinity, pod, pod.namespace());
        }

        private static boolean matchesAll(List<PodAffinityTerm> terms, PodState candidate, String ownerNamespace) {
            for (PodAffinityTerm term : terms) {
                if (!term.selects(candidate, ownerNamespace, false)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public Optional<String> reject(NodeState node) {
            for (Map.Entry<String, Map<String, String>> e : forbidden.entrySet()) {
                String value = node.labels().get(e.getKey());
                if (value != null && e.getValue().containsKey(value)) {
                    return Optional.of(e.getValue().get(value));
                }
            }
            for (int i = 0; i < anti.size(); i++) {
                String value = node.labels().get(anti.get(i).topologyKey());
                if (value != null && antiMatches.get(i).containsKey(value)) {
                    return Optional.of("its anti-affinity (" + anti.get(i) + ") matches " + antiMatches.get(i).get(value));
                }
            }
            PodAffinityTerm missing = null;
            for (PodAffinityTerm term : affinity) {
                String value = node.labels().get(term.topologyKey());
                if (value == null) {
                    return Optional.of("node has no " + term.topologyKey() + " label, required by its pod affinity");
                }
                if (missing == null && affinityCounts.getOrDefault(term.topologyKey() + "=" + value, 0) <= 0) {
                    missing = term;
                }
            }
            // The first pod of a group that selects itself may go anywhere, but only while no pod matching all
            // its terms sits in any domain (satisfyPodAffinity: len(affinityCounts) == 0).
            if (missing != null && !(affinityCounts.isEmpty() && selfMatchesAllTerms)) {
                return Optional.of("its pod affinity (" + missing + ") finds no matching pod in that "
                        + missing.topologyKey() + " domain");
            }
            return Optional.empty();
        }
    }

    /** PodTopologySpread's PreFilter: matching pods per domain and the global minimum, per DoNotSchedule constraint. */
    private static final class SpreadCheck implements NodeFilter.NodeCheck {
        private final List<TopologySpread.Spread> spreads;
        private final List<Map<String, Integer>> counts = new ArrayList<>();
        private final List<Integer> minimums = new ArrayList<>();
        private final List<Integer> selfMatches = new ArrayList<>();

        SpreadCheck(PodState pod, ClusterView view) {
            this.spreads = TopologySpread.own(pod, true);
            for (TopologySpread.Spread s : spreads) {
                Map<String, Integer> byDomain = TopologySpread.countsByDomain(s, pod, view, false, TopologySpread.countsByNode(s, pod, view));
                int min = byDomain.values().stream().min(Integer::compare).orElse(0);
                Integer minDomains = s.constraint().minDomains();
                if (minDomains != null && byDomain.size() < minDomains) {
                    min = 0;
                }
                counts.add(byDomain);
                minimums.add(min);
                selfMatches.add(s.matches(pod, pod) ? 1 : 0);
            }
        }

        @Override
        public Optional<String> reject(NodeState node) {
            for (int i = 0; i < spreads.size(); i++) {
                TopologySpread.Spread s = spreads.get(i);
                String key = s.constraint().topologyKey();
                String value = node.labels().get(key);
                if (value == null) {
                    return Optional.of("node has no " + key + " label, required by a topology spread constraint");
                }
                int skew = counts.get(i).getOrDefault(value, 0) + selfMatches.get(i) - minimums.get(i);
                if (skew > s.constraint().maxSkew()) {
                    return Optional.of("spreading on " + key + " (maxSkew " + s.constraint().maxSkew() + "): " + key + "=" + value
                            + " would have skew " + skew);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * NodePorts: a host port the pod wants (protocol, port, address) must not be held on the node by a pod already
     * there. Two claims on the same protocol and port conflict when their addresses are the same or either is every
     * address (0.0.0.0). A pod that wants no host port skips the filter (PreFilter Skip).
     */
    private static final class PortsCheck implements NodeFilter.NodeCheck {
        private final List<HostPort> wanted;
        private final ClusterView view;

        PortsCheck(PodState pod, ClusterView view) {
            this.view = view;
            this.wanted = pod.hostPorts().stream().map(HostPort::parse).toList();
        }

        @Override
        public Optional<String> reject(NodeState node) {
            if (wanted.isEmpty()) {
                return Optional.empty();
            }
            for (PodState other : view.podsOn(node.name())) {
                for (String held : other.hostPorts()) {
                    HostPort h = HostPort.parse(held);
                    for (HostPort w : wanted) {
                        if (w.conflicts(h)) {
                            return Optional.of("host port " + w + " is held by " + other.key() + " (" + h + ")");
                        }
                    }
                }
            }
            return Optional.empty();
        }
    }

    /** A host port as PodState keeps it: "8080/TCP" (every address) or "127.0.0.1:8080/TCP". */
    record HostPort(String address, int port, String protocol) {

        static HostPort parse(String text) {
            int slash = text.lastIndexOf('/');
            String left = text.substring(0, slash);
            int colon = left.lastIndexOf(':');
            String address = colon < 0 ? "0.0.0.0" : left.substring(0, colon);
            return new HostPort(address, Integer.parseInt(left.substring(colon + 1)), text.substring(slash + 1));
        }

        boolean conflicts(HostPort other) {
            return port == other.port && protocol.equals(other.protocol)
                    && (address.equals(other.address) || address.equals("0.0.0.0") || other.address.equals("0.0.0.0"));
        }

        @Override
        public String toString() {
            return (address.equals("0.0.0.0") ? "" : address + ":") + port + "/" + protocol;
        }
    }

    /** A filter that needs nothing prepared: each node is judged on its own. */
    @FunctionalInterface
    private interface PerNode {
        Optional<String> reject(PodState pod, NodeState node, ClusterView view);
    }

    private static NodeFilter simple(String name, PerNode check) {
        return new NodeFilter() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public NodeCheck prepare(PodState pod, ClusterView view) {
                return node -> check.reject(pod, node, view);
            }
        };
    }

    private static NodeFilter prepared(String name, java.util.function.BiFunction<PodState, ClusterView, NodeFilter.NodeCheck> prepare) {
        return new NodeFilter() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public NodeCheck prepare(PodState pod, ClusterView view) {
                return prepare.apply(pod, view);
            }
        };
    }
}
