package dev.happypath.rebalancer.plan;

import dev.happypath.rebalancer.compare.Comparison;
import dev.happypath.rebalancer.compare.Drift;
import dev.happypath.rebalancer.compare.Placement;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.config.SeparationRule;
import dev.happypath.rebalancer.gate.GateVerdict;
import dev.happypath.rebalancer.scheduling.Filters;
import dev.happypath.rebalancer.scheduling.PlanningView;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.DisruptionBudget;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.Quantity;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides, for every stray pod, whether moving it is safe and where it goes. Pure: returns a value and
 * touches nothing; the executor acts on it.
 *
 * <p>Order: lifeboated before co-located before misplaced (the control plane is relieved first), higher
 * priority first, then by namespace and name so that the same snapshot always gives the same plan.
 */
public final class Planner {

    private static final Comparator<Placement> ORDER = Comparator
            .comparing((Placement p) -> p.drift().ordinal())
            .thenComparing(p -> -p.pod().priority())
            .thenComparing(p -> p.pod().namespace())
            .thenComparing(p -> p.pod().name());

    private Planner() {
    }

    public static Plan plan(ClusterSnapshot snapshot, HappyPath happyPath, Comparison comparison, GateVerdict gate) {
        List<Placement> strays = new ArrayList<>(comparison.strays());
        strays.sort(ORDER);
        PlanningView view = new PlanningView(snapshot);
        EvictionBudget budget = new EvictionBudget(happyPath.eviction());
        List<Move> moves = new ArrayList<>();
        for (Placement stray : strays) {
            moves.add(decide(stray, snapshot, happyPath, gate, view, budget));
        }
        return new Plan(moves);
    }

    private static Move decide(Placement stray, ClusterSnapshot snapshot, HappyPath happyPath, GateVerdict gate,
                               PlanningView view, EvictionBudget budget) {
        PodState pod = stray.pod();
        List<String> unsafe = EvictionSafety.violations(stray, happyPath.eviction());
        if (!unsafe.isEmpty()) {
            return new Move(stray, null, Outcome.SKIPPED, unsafe);
        }
        if (!gate.open()) {
            return new Move(stray, null, Outcome.DEFERRED, List.of("gate " + gate.summary()));
        }
        List<DisruptionBudget> pdbs = snapshot.budgetsCovering(pod);
        if (pdbs.size() > 1) {
            return new Move(stray, null, Outcome.SKIPPED, List.of("covered by " + pdbs.size() + " PodDisruptionBudgets ("
                    + String.join(", ", pdbs.stream().map(DisruptionBudget::key).toList())
                    + "): the Eviction API refuses to evict such a pod"));
        }
        if (pdbs.size() == 1 && pdbs.get(0).disruptionsAllowed() <= 0) {
            DisruptionBudget b = pdbs.get(0);
            return new Move(stray, null, Outcome.BLOCKED, List.of("PodDisruptionBudget " + b.key() + " allows no disruption now"
                    + " (currentHealthy " + b.currentHealthy() + ", desiredHealthy " + b.desiredHealthy()
                    + ", expectedPods " + b.expectedPods() + ")"));
        }

        List<String> refusals = new ArrayList<>();
        NodeState best = null;
        double bestFree = -1;
        for (String name : stray.homeNodes()) {
            if (name.equals(pod.nodeName())) {
                continue;
            }
            NodeState node = view.node(name).orElseThrow();
            List<String> reasons = targetRefusals(stray, node, happyPath, view);
            if (!reasons.isEmpty()) {
                refusals.add(name + ": " + String.join("; ", reasons));
                continue;
            }
            double free = freeMemoryAfter(pod, node, view);
            if (free > bestFree) {
                best = node;
                bestFree = free;
            }
        }
        if (best == null) {
            List<String> details = new ArrayList<>();
            details.add(refusals.isEmpty() ? "no other home node exists (home: " + stray.home() + ")" : "no home node can take it");
            details.addAll(refusals);
            return new Move(stray, null, Outcome.SKIPPED, details);
        }
        Optional<String> limit = budget.exceeded(pod);
        if (limit.isPresent()) {
            return new Move(stray, best.name(), Outcome.DEFERRED, List.of(limit.get()));
        }
        budget.consume(pod);
        String detail = describeFit(pod, best, view);
        view.arrive(pod, best.name());
        return new Move(stray, best.name(), Outcome.PLANNED, List.of(detail));
    }

    /**
     * Why a home node cannot take the pod: the scheduler's own filters, the headroom rule, and the
     * separation rules (the target must not hold, nor expect, the other side).
     */
    static List<String> targetRefusals(Placement stray, NodeState node, HappyPath happyPath, PlanningView view) {
        PodState pod = stray.pod();
        List<String> reasons = new ArrayList<>();
        if (!node.isReady()) {
            reasons.add("not Ready");
        }
        List<String> rejections = Filters.rejections(pod, node, view);
        reasons.addAll(rejections);
        // The scheduler would accept a node filled to 100%; we leave headroom (seed 000: defend the host).
        if (rejections.stream().noneMatch(r -> r.startsWith(Filters.NODE_RESOURCES_FIT.name()))) {
            Filters.insufficient(pod, node, view, happyPath.eviction().maxUtilization())
                    .ifPresent(r -> reasons.add("headroom: " + r + " (eviction.maxUtilization)"));
        }
        separationPartner(stray, node, happyPath, view)
                .ifPresent(r -> reasons.add("separation: " + r));
        return reasons;
    }

    private static Optional<String> separationPartner(Placement stray, NodeState node, HappyPath happyPath, PlanningView view) {
        if (stray.rule() == null) {
            return Optional.empty();
        }
        Set<String> partners = new HashSet<>();
        for (SeparationRule sep : happyPath.separations()) {
            if (sep.involves(stray.rule())) {
                partners.add(sep.partnerOf(stray.rule()));
            }
        }
        if (partners.isEmpty()) {
            return Optional.empty();
        }
        for (PodState other : view.podsOn(node.name())) {
            if (other.isTerminating()) {
                continue;
            }
            Optional<String> rule = happyPath.ruleFor(other).map(r -> r.name());
            if (rule.isPresent() && partners.contains(rule.get())) {
                return Optional.of(other.key() + " (" + rule.get() + ") is there");
            }
        }
        return Optional.empty();
    }

    private static double freeMemoryAfter(PodState pod, NodeState node, PlanningView view) {
        long cap = node.allocatable().memoryBytes();
        if (cap <= 0) {
            return 0;
        }
        return (cap - view.requested(node.name()).memoryBytes() - pod.requests().memoryBytes()) / (double) cap;
    }

    private static String describeFit(PodState pod, NodeState node, PlanningView view) {
        long after = view.requested(node.name()).memoryBytes() + pod.requests().memoryBytes();
        long cap = node.allocatable().memoryBytes();
        long pct = cap > 0 ? Math.round(after * 100.0 / cap) : 0;
        return "to " + node.name() + ": fits, memory " + Quantity.bytes(after) + " of " + Quantity.bytes(cap)
                + " requested after the move (" + pct + "%)";
    }

}
