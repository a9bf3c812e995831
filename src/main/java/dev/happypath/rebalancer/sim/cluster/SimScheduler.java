package dev.happypath.rebalancer.sim.cluster;

import dev.happypath.rebalancer.scheduling.ClusterView;
import dev.happypath.rebalancer.scheduling.Filters;
import dev.happypath.rebalancer.scheduling.LandingPredictor;
import dev.happypath.rebalancer.scheduling.NodeVerdict;
import dev.happypath.rebalancer.scheduling.Rejection;
import dev.happypath.rebalancer.scheduling.Prediction;
import dev.happypath.rebalancer.scheduling.PlacedPod;
import dev.happypath.rebalancer.snapshot.Claim;
import dev.happypath.rebalancer.snapshot.LabelSelector;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.Resources;
import dev.happypath.rebalancer.snapshot.Volume;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The simulation's kube-scheduler: the product's own model of the default profile, plus preemption.
 *
 * <ul>
 *   <li><b>Filter and score</b>: {@link LandingPredictor}, the same filters and weighted, normalised score
 *       plugins the planner uses to predict where an evicted pod lands (docs/how-it-decides.md,
 *       "Where an evicted pod lands"). The simulated cluster therefore behaves as the planner expects;
 *       the tests that check predictions against the real scheduler's rules are PredictionTest's.</li>
 *   <li><b>Ties</b>: the real scheduler picks at random among the nodes sharing the top score; the
 *       simulation picks the first by node name, so that a demo tells the same story every time. The
 *       planner only plans a move whose tie is between nodes that are all acceptable, so either choice
 *       keeps the pod at home.</li>
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
        // it binds, so it must pick one node even where the real scheduler would score only a sample
        Prediction prediction = LandingPredictor.predictScoringAll(pod, cluster);
        Optional<String> best = prediction.verdicts().stream()
                .filter(NodeVerdict::feasible)
                .max(Comparator.comparingLong(NodeVerdict::total)
                        .thenComparing(NodeVerdict::node, Comparator.reverseOrder()))
                .map(NodeVerdict::node);
        if (best.isPresent()) {
            return new Bind(best.get());
        }
        Map<String, List<Rejection>> rejections = prediction.rejected();
        Optional<Preempt> preempt = preemption(pod, cluster, rejections);
        if (preempt.isPresent()) {
            return preempt.get();
        }
        return new Unschedulable(message(cluster.nodes().size(), rejections));
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

    private static Optional<Preempt> preemption(PodState pod, ClusterView cluster, Map<String, List<Rejection>> rejections) {
        List<Candidate> candidates = new ArrayList<>();
        for (NodeState node : cluster.nodes()) {
            List<Rejection> r = rejections.get(node.name());
            // only a lack of resources can be cured by removing pods
            if (r == null || !r.stream().allMatch(x -> x.by(Filters.NODE_RESOURCES_FIT))) {
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

    private static String message(int nodes, Map<String, List<Rejection>> rejections) {
        List<String> parts = new ArrayList<>();
        rejections.forEach((node, reasons) -> parts.add(node + ": " + String.join(", ", reasons.stream().map(Rejection::toString).toList())));
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
        public boolean terminating(PodState pod) {
            return base.terminating(pod);
        }

        @Override
        public Resources nonZeroRequested(String nodeName) {
            Resources sum = Resources.NONE;
            for (PodState p : podsOn(nodeName)) {
                sum = sum.plus(p.nonZeroRequests());
            }
            return sum;
        }

        @Override
        public List<PlacedPod> podsWithAffinityTerms() {
            return present(base.podsWithAffinityTerms());
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
            return present(base.podsWithRequiredAntiAffinity());
        }

        // The base view answers these from its indexes; leaving out the gone pods keeps each answer what
        // the interface's scan over this view would give, in the same order, without that scan.

        @Override
        public List<PlacedPod> requiredAntiAffinityCandidates(PodState incoming) {
            return present(base.requiredAntiAffinityCandidates(incoming));
        }

        @Override
        public List<PlacedPod> affinityTermCandidates(PodState incoming) {
            return present(base.affinityTermCandidates(incoming));
        }

        @Override
        public List<PlacedPod> podsSelectable(LabelSelector selector) {
            return present(base.podsSelectable(selector));
        }

        @Override
        public List<PlacedPod> podsOwnedBy(String controllerUid) {
            return present(base.podsOwnedBy(controllerUid));
        }

        private List<PlacedPod> present(List<PlacedPod> pods) {
            return pods.stream().filter(p -> !gone.contains(p.pod().uid())).toList();
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
