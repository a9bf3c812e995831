package dev.happypath.rebalancer.scheduling;

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
import java.util.Optional;
import java.util.Set;

/**
 * What the kube-scheduler's DefaultPreemption would do for a pod no node accepts: on each node where only a
 * lack of resources refuses it, remove every pod of lower priority, then give back, most important first
 * (higher priority, then the older), each that still lets the pod fit; those left are the victims. The node
 * whose victims have the lowest top priority, then the lowest sum of priorities, then the fewest victims,
 * then the first by name, is chosen. Pure.
 *
 * <p>Simplified against upstream, each on the side of saying "would preempt" less often, never more: only
 * nodes that NodeResourcesFit alone refuses are candidates (upstream also tries nodes that a removable pod's
 * anti-affinity or a spread constraint refuses), and PodDisruptionBudgets are not weighed in the choice of
 * victims (upstream prefers victims whose budget allows it; either way it evicts them).
 */
public final class Preemption {

    private Preemption() {
    }

    /** The node the scheduler would make room on, and the pods it would preempt there, by importance. */
    public record Plan(String node, List<PodState> victims) {
        public Plan {
            victims = List.copyOf(victims);
        }
    }

    /**
     * The preemption the scheduler would attempt for {@code pod}, if any: none when it fits somewhere, when its
     * spec.preemptionPolicy is Never, or when no lower-priority pods' removal would make room.
     */
    public static Optional<Plan> wouldPreempt(PodState pod, ClusterView view, SchedulerConfig config, Prediction prediction) {
        if (prediction.feasibleAnywhere() || !pod.mayPreempt()) {
            return Optional.empty();
        }
        SchedulerProfile profile = config.profileFor(pod).orElse(SchedulerProfile.defaults());
        List<Plan> candidates = new ArrayList<>();
        for (NodeVerdict verdict : prediction.verdicts()) {
            // only a lack of resources is cured by removing pods
            if (verdict.feasible() || !verdict.rejections().stream().allMatch(r -> r.by(Filters.NODE_RESOURCES_FIT))) {
                continue;
            }
            NodeState node = view.node(verdict.node()).orElse(null);
            if (node == null) {
                continue;
            }
            List<PodState> lower = new ArrayList<>();
            for (PodState p : view.podsOn(node.name())) {
                if (p.priority() < pod.priority() && !view.terminating(p)) {
                    lower.add(p);
                }
            }
            Set<String> gone = new HashSet<>();
            lower.forEach(p -> gone.add(p.uid()));
            if (lower.isEmpty()) {
                continue;
            }
            Without withoutLower = new Without(view, gone);
            // resources first, on their own (cheap), before every filter: most nodes of a large cluster stop here
            if (Filters.NODE_RESOURCES_FIT.prepare(pod, withoutLower).reject(node).isPresent() || !fits(pod, node, withoutLower, profile)) {
                continue;
            }
            lower.sort(Comparator.comparingInt((PodState p) -> -p.priority())
                    .thenComparing(p -> p.creationTimestamp() == null ? Instant.MAX : p.creationTimestamp())
                    .thenComparing(PodState::key));
            List<PodState> victims = new ArrayList<>();
            for (PodState p : lower) {
                gone.remove(p.uid());
                if (!fits(pod, node, new Without(view, gone), profile)) {
                    gone.add(p.uid());
                    victims.add(p);
                }
            }
            candidates.add(new Plan(node.name(), victims));
        }
        return candidates.stream().min(Comparator
                .comparingInt((Plan c) -> c.victims().stream().mapToInt(PodState::priority).max().orElse(Integer.MIN_VALUE))
                .thenComparingLong(c -> c.victims().stream().mapToLong(PodState::priority).sum())
                .thenComparingInt(c -> c.victims().size())
                .thenComparing(Plan::node));
    }

    private static boolean fits(PodState pod, NodeState node, ClusterView view, SchedulerProfile profile) {
        List<Rejection> without = Filters.prepare(pod, view, profile.filters()).rejections(node);
        return LandingPredictor.withNominated(pod, node, view, profile, without).isEmpty();
    }

    /** The view as if some pods were gone (the victims being weighed). */
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
        public List<NodeState> nodesByName() {
            return base.nodesByName();
        }

        @Override
        public Optional<NodeState> node(String name) {
            return base.node(name);
        }

        @Override
        public List<PodState> podsOn(String nodeName) {
            return base.podsOn(nodeName).stream().filter(p -> !gone.contains(p.uid())).toList();
        }

        // summed again over the pods left (as the scheduler's NodeInfo does once a victim is removed)
        @Override
        public Resources requested(String nodeName) {
            Resources sum = Resources.NONE;
            for (PodState p : podsOn(nodeName)) {
                sum = sum.plus(p.requests());
            }
            return sum;
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
        public List<NodeState> nodesInDomain(String key, String value) {
            return base.nodesInDomain(key, value);
        }

        @Override
        public List<PlacedPod> podsWithRequiredAntiAffinity() {
            return present(base.podsWithRequiredAntiAffinity());
        }

        @Override
        public List<PlacedPod> podsWithAffinityTerms() {
            return present(base.podsWithAffinityTerms());
        }

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

        @Override
        public boolean terminating(PodState pod) {
            return base.terminating(pod);
        }

        @Override
        public List<PodState> nominatedTo(String nodeName) {
            return base.nominatedTo(nodeName);
        }

        @Override
        public Optional<Claim> claim(String namespace, String name) {
            return base.claim(namespace, name);
        }

        @Override
        public Optional<Volume> volume(String name) {
            return base.volume(name);
        }

        private List<PlacedPod> present(List<PlacedPod> from) {
            return from.stream().filter(p -> !gone.contains(p.pod().uid())).toList();
        }
    }
}
