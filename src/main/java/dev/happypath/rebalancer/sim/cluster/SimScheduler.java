package dev.happypath.rebalancer.sim.cluster;

import dev.happypath.rebalancer.scheduling.ClusterView;
import dev.happypath.rebalancer.scheduling.Filters;
import dev.happypath.rebalancer.scheduling.LandingPredictor;
import dev.happypath.rebalancer.scheduling.NodeVerdict;
import dev.happypath.rebalancer.scheduling.Rejection;
import dev.happypath.rebalancer.scheduling.Prediction;
import dev.happypath.rebalancer.scheduling.Preemption;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

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
 *   <li><b>Preempt</b> (DefaultPreemption) when nothing fits, by the planner's own steps ({@link Preemption}): on a
 *       node where only resources are lacking,
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

    /**
     * DefaultPreemption with the planner's own steps ({@link Preemption#victims}, {@link Preemption#choose}):
     * every node the pod lacks only resources on, its lower-priority pods that are neither Terminating nor of
     * a DaemonSet as the candidates.
     */
    private static Optional<Preempt> preemption(PodState pod, ClusterView cluster, Map<String, List<Rejection>> rejections) {
        List<Preemption.Plan> candidates = new ArrayList<>();
        for (NodeState node : cluster.nodes()) {
            List<Rejection> r = rejections.get(node.name());
            // only a lack of resources can be cured by removing pods
            if (r == null || !r.stream().allMatch(x -> x.by(Filters.NODE_RESOURCES_FIT))) {
                continue;
            }
            List<PodState> lower = new ArrayList<>();
            Set<String> gone = new HashSet<>();
            for (PodState p : cluster.podsOn(node.name())) {
                if (p.priority() < pod.priority() && !p.isTerminating() && !p.isDaemonSetPod()) {
                    lower.add(p);
                    gone.add(p.uid());
                }
            }
            Predicate<ClusterView> fits = view -> Filters.rejections(pod, node, view).isEmpty();
            if (lower.isEmpty() || !fits.test(Preemption.without(cluster, gone))) {
                continue;
            }
            candidates.add(new Preemption.Plan(node.name(), Preemption.victims(cluster, lower, fits)));
        }
        return Preemption.choose(candidates).map(c -> new Preempt(c.node(), c.victims()));
    }

    private static String message(int nodes, Map<String, List<Rejection>> rejections) {
        List<String> parts = new ArrayList<>();
        rejections.forEach((node, reasons) -> parts.add(node + ": " + String.join(", ", reasons.stream().map(Rejection::toString).toList())));
        return "0/" + nodes + " nodes are available: " + String.join("; ", parts);
    }
}
