package dev.happypath.rebalancer.scheduling;

import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

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
            if (lower.isEmpty()) {
                continue;
            }
            ClusterView withoutLower = without(view, uids(lower));
            // resources first, on their own (cheap), before every filter: most nodes of a large cluster stop here
            if (Filters.NODE_RESOURCES_FIT.prepare(pod, withoutLower).reject(node).isPresent() || !fits(pod, node, withoutLower, profile)) {
                continue;
            }
            candidates.add(new Plan(node.name(), victims(view, lower, v -> fits(pod, node, v, profile))));
        }
        return choose(candidates);
    }

    /**
     * The victims on one node, of {@code lower} (the pods that may be preempted there, every one of which gone
     * lets the pod fit, as the caller has checked): each given back, most important first (higher priority,
     * then the older, then by name), that still lets the pod fit; those left, in that order.
     *
     * @param fits whether the pod fits the node in a view of the cluster with some pods gone
     */
    public static List<PodState> victims(ClusterView view, List<PodState> lower, Predicate<ClusterView> fits) {
        List<PodState> byImportance = new ArrayList<>(lower);
        byImportance.sort(Comparator.comparingInt((PodState p) -> -p.priority())
                .thenComparing(p -> p.creationTimestamp() == null ? Instant.MAX : p.creationTimestamp())
                .thenComparing(PodState::key));
        Set<String> gone = uids(lower);
        List<PodState> victims = new ArrayList<>();
        for (PodState p : byImportance) {
            gone.remove(p.uid());
            if (!fits.test(without(view, gone))) {
                gone.add(p.uid());
                victims.add(p);
            }
        }
        return victims;
    }

    /** Of the nodes room can be made on, the scheduler's: the lowest top priority of victims, then the lowest sum, then the fewest, then the first by name. */
    public static Optional<Plan> choose(List<Plan> candidates) {
        return candidates.stream().min(Comparator
                .comparingInt((Plan c) -> c.victims().stream().mapToInt(PodState::priority).max().orElse(Integer.MIN_VALUE))
                .thenComparingLong(c -> c.victims().stream().mapToLong(PodState::priority).sum())
                .thenComparingInt(c -> c.victims().size())
                .thenComparing(Plan::node));
    }

    /** The view as if the pods of these UIDs were gone (the victims being weighed). */
    public static ClusterView without(ClusterView view, Set<String> uids) {
        return new WithoutPods(view, uids);
    }

    private static Set<String> uids(List<PodState> pods) {
        Set<String> uids = new HashSet<>();
        pods.forEach(p -> uids.add(p.uid()));
        return uids;
    }

    private static boolean fits(PodState pod, NodeState node, ClusterView view, SchedulerProfile profile) {
        List<Rejection> without = Filters.prepare(pod, view, profile.filters()).rejections(node);
        return LandingPredictor.withNominated(pod, node, view, profile, without).isEmpty();
    }
}
