package dev.happypath.rebalancer.sim.cluster;

import dev.happypath.rebalancer.scheduling.ClusterView;
import dev.happypath.rebalancer.scheduling.Filters;
import dev.happypath.rebalancer.scheduling.PlacedPod;
import dev.happypath.rebalancer.snapshot.Claim;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.PreferredSchedulingTerm;
import dev.happypath.rebalancer.snapshot.Resources;
import dev.happypath.rebalancer.snapshot.Taint;
import dev.happypath.rebalancer.snapshot.Volume;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A small, deterministic stand-in for the kube-scheduler's default profile.
 *
 * <ul>
 *   <li><b>Filter</b>: the product's own {@link Filters#rejections} (NodeUnschedulable, NodeAffinity,
 *       TaintToleration, NodeResourcesFit counting Terminating pods, VolumeBinding, InterPodAffinity).</li>
 *   <li><b>Score</b>, in this order: the weight of the pod's preferred node affinity terms the node matches
 *       (NodeAffinity), the number of PreferNoSchedule taints it does not tolerate (TaintToleration), then
 *       the memory left after placing it (NodeResourcesFit's LeastAllocated); ties by node name. The real
 *       scheduler adds weighted, normalised scores; comparing them in order keeps the main behaviour and
 *       makes every choice explainable.</li>
 *   <li><b>Preempt</b> (DefaultPreemption) when nothing fits: on a node where only resources are lacking,
 *       remove every lower-priority pod, then give back, most important first, each that still lets the
 *       pod fit; the rest are the victims. The node whose victims have the lowest top priority, then the
 *       lowest sum of priorities, then the fewest victims, wins. Two simplifications: DaemonSet pods are
 *       never victims (their controller would put them straight back), and PodDisruptionBudgets are not
 *       consulted (the real scheduler only prefers not to violate them).</li>
 * </ul>
 */
public final class SimScheduler implements PodScheduler {

    @Override
    public Decision schedule(PodState pod, ClusterView cluster) {
        Map<String, List<String>> rejections = new LinkedHashMap<>();
        List<NodeState> feasible = new ArrayList<>();
        for (NodeState node : cluster.nodes()) {
            List<String> r = Filters.rejections(pod, node, cluster);
            if (r.isEmpty()) {
                feasible.add(node);
            } else {
                rejections.put(node.name(), r);
            }
        }
        if (!feasible.isEmpty()) {
            return new Bind(feasible.stream().min(byScore(pod, cluster)).orElseThrow().name());
        }
        Optional<Preempt> preempt = preemption(pod, cluster, rejections);
        if (preempt.isPresent()) {
            return preempt.get();
        }
        return new Unschedulable(message(cluster.nodes().size(), rejections));
    }

    /** Best node first. */
    private static Comparator<NodeState> byScore(PodState pod, ClusterView cluster) {
        return Comparator.comparingInt((NodeState n) -> -preferredWeight(pod, n))
                .thenComparingInt(n -> untoleratedPreferNoSchedule(pod, n))
                .thenComparingLong(n -> -memoryLeft(pod, n, cluster))
                .thenComparing(NodeState::name);
    }

    static int preferredWeight(PodState pod, NodeState node) {
        int sum = 0;
        for (PreferredSchedulingTerm t : pod.affinity().preferredNodeAffinity()) {
            if (t.preference().matches(node)) {
                sum += t.weight();
            }
        }
        return sum;
    }

    static int untoleratedPreferNoSchedule(PodState pod, NodeState node) {
        int count = 0;
        for (Taint taint : node.taints()) {
            if (taint.effect() == Taint.Effect.PreferNoSchedule && pod.tolerations().stream().noneMatch(t -> t.tolerates(taint))) {
                count++;
            }
        }
        return count;
    }

    private static long memoryLeft(PodState pod, NodeState node, ClusterView cluster) {
        return node.allocatable().memoryBytes() - cluster.requested(node.name()).memoryBytes() - pod.requests().memoryBytes();
    }

    // --- preemption --------------------------------------------------------------------------------

    private record Candidate(NodeState node, List<PodState> victims) {
        int topPriority() {
            return victims.stream().mapToInt(PodState::priority).max().orElse(Integer.MIN_VALUE);
        }

        long prioritySum() {
            return victims.stream().mapToLong(PodState::priority).sum();
        }
    }

    private static Optional<Preempt> preemption(PodState pod, ClusterView cluster, Map<String, List<String>> rejections) {
        List<Candidate> candidates = new ArrayList<>();
        for (NodeState node : cluster.nodes()) {
            List<String> r = rejections.get(node.name());
            // only a lack of resources can be cured by removing pods
            if (r == null || !r.stream().allMatch(x -> x.startsWith(Filters.NODE_RESOURCES_FIT.name()))) {
                continue;
            }
            List<PodState> lower = new ArrayList<>();
            for (PodState p : cluster.podsOn(node.name())) {
                if (p.priority() < pod.priority() && !p.isTerminating() && !p.isDaemonSetPod()) {
                    lower.add(p);
                }
            }
            Set<String> gone = new HashSet<>();
            lower.forEach(p -> gone.add(p.uid()));
            if (lower.isEmpty() || !Filters.rejections(pod, node, new Without(cluster, gone)).isEmpty()) {
                continue;
            }
            // most important first: higher priority, then the older pod, then the name
            lower.sort(Comparator.comparingInt((PodState p) -> -p.priority())
                    .thenComparing(p -> p.creationTimestamp() == null ? Instant.MAX : p.creationTimestamp())
                    .thenComparing(PodState::key));
            List<PodState> victims = new ArrayList<>();
            for (PodState p : lower) {
                gone.remove(p.uid());
                if (!Filters.rejections(pod, node, new Without(cluster, gone)).isEmpty()) {
                    gone.add(p.uid());
                    victims.add(p);
                }
            }
            candidates.add(new Candidate(node, victims));
        }
        return candidates.stream()
                .min(Comparator.comparingInt(Candidate::topPriority)
                        .thenComparingLong(Candidate::prioritySum)
                        .thenComparingInt(c -> c.victims().size())
                        .thenComparing(c -> c.node().name()))
                .map(c -> new Preempt(c.node().name(), c.victims()));
    }

    private static String message(int nodes, Map<String, List<String>> rejections) {
        List<String> parts = new ArrayList<>();
        rejections.forEach((node, reasons) -> parts.add(node + ": " + String.join(", ", reasons)));
        return "0/" + nodes + " nodes are available: " + String.join("; ", parts);
    }

    /** The cluster as if some pods were gone (the victims of a preemption being weighed). */
    private static final class Without implements ClusterView {
        private final ClusterView base;
        private final Set<String> gone;

        Without(ClusterView base, Set<String> gone) {
            this.base = base;
            this.gone = Set.copyOf(gone);
        }

        @Override
        public List<NodeState> nodes() {
            return base.nodes();
        }

        @Override
        public List<PodState> podsOn(String nodeName) {
            return base.podsOn(nodeName).stream().filter(p -> !gone.contains(p.uid())).toList();
        }

        @Override
        public Resources requested(String nodeName) {
            Resources sum = Resources.NONE;
            for (PodState p : podsOn(nodeName)) {
                sum = sum.plus(p.requests());
            }
            return sum;
        }

        @Override
        public List<NodeState> nodesInDomain(String key, String value) {
            return base.nodesInDomain(key, value);
        }

        @Override
        public Optional<NodeState> node(String name) {
            return base.node(name);
        }

        @Override
        public List<PlacedPod> podsWithRequiredAntiAffinity() {
            return base.podsWithRequiredAntiAffinity().stream().filter(p -> !gone.contains(p.pod().uid())).toList();
        }

        @Override
        public Optional<Claim> claim(String namespace, String name) {
            return base.claim(namespace, name);
        }

        @Override
        public Optional<Volume> volume(String name) {
            return base.volume(name);
        }
    }
}
