package dev.happypath.rebalancer.plan;

import dev.happypath.rebalancer.compare.Comparison;
import dev.happypath.rebalancer.compare.Placement;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.config.SeparationRule;
import dev.happypath.rebalancer.gate.GateVerdict;
import dev.happypath.rebalancer.ledger.AntiFlapCheck;
import dev.happypath.rebalancer.ledger.Ledger;
import dev.happypath.rebalancer.scheduling.Filters;
import dev.happypath.rebalancer.scheduling.LandingPredictor;
import dev.happypath.rebalancer.scheduling.NodeVerdict;
import dev.happypath.rebalancer.scheduling.PlanningView;
import dev.happypath.rebalancer.scheduling.Preemption;
import dev.happypath.rebalancer.scheduling.Rejection;
import dev.happypath.rebalancer.scheduling.Prediction;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.DisruptionBudget;
import dev.happypath.rebalancer.snapshot.EmptyDir;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.Quantity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides, for every stray pod, whether moving it is safe and where its replacement will land. Pure:
 * returns a value and touches nothing; the executor acts on it.
 *
 * <p>Order: lifeboated before co-located before misplaced (the control plane is relieved first), higher
 * priority first, then by namespace and name so that the same snapshot always gives the same plan.
 *
 * <p>We do not bind pods; the kube-scheduler does. So a move is planned only when the scheduler,
 * simulated on the cluster as it will be after the eviction, puts the replacement on one of the pod's
 * homes, and that node passes our own checks (headroom, separation).
 */
public final class Planner {

    private static final Comparator<Placement> ORDER = Comparator
            .comparing((Placement p) -> p.drift().ordinal())
            .thenComparing(p -> -p.pod().priority())
            .thenComparing(p -> p.pod().namespace())
            .thenComparing(p -> p.pod().name());

    /** More nodes than this that a pod may land on are counted, not named, in a move's details. */
    static final int MAX_NAMED = 5;

    private final ClusterSnapshot snapshot;
    private final HappyPath happyPath;
    private final GateVerdict gate;
    private final Ledger ledger;
    private final Instant now;
    /** Conservative: planned arrivals count, departures never free anything. Our safety checks use it. */
    private final PlanningView safety;
    /** Realistic: earlier moves have happened. The scheduler's prediction uses it. */
    private final PlanningView expected;
    private final EvictionBudget budget;
    private final EvictionSafety.Facts facts;
    private final Set<String> workloadsMoving = new HashSet<>();
    /** PodDisruptionBudget key -> moves planned under it in this pass: never more than it allows. */
    private final java.util.Map<String, Integer> plannedUnder = new java.util.HashMap<>();

    private Planner(ClusterSnapshot snapshot, HappyPath happyPath, GateVerdict gate, Ledger ledger, Instant now) {
        this.snapshot = snapshot;
        this.happyPath = happyPath;
        this.gate = gate;
        this.ledger = ledger;
        this.now = now;
        PlanningView.Base base = PlanningView.base(snapshot);
        this.safety = new PlanningView(base, snapshot.nodes());
        this.expected = new PlanningView(base, snapshot.nodes());
        this.budget = new EvictionBudget(happyPath.eviction());
        // claims and volumes do not change with the moves: the never-evict rules may look at them on this view
        this.facts = new EvictionSafety.Facts(happyPath, snapshot, expected);
    }

    public static Plan plan(ClusterSnapshot snapshot, HappyPath happyPath, Comparison comparison, GateVerdict gate,
                            Ledger ledger, Instant now) {
        List<Placement> strays = new ArrayList<>(comparison.strays());
        strays.sort(ORDER);
        Planner planner = new Planner(snapshot, happyPath, gate, ledger, now);
        List<Move> moves = new ArrayList<>();
        for (Placement stray : strays) {
            moves.add(planner.decide(stray));
        }
        return new Plan(moves);
    }

    /**
     * One stray decided alone, with a fresh budget: the executor's re-check before an eviction
     * ({@link Decision#recheck}). The pass's limits were applied when the plan was made.
     */
    static Move decideOne(ClusterSnapshot snapshot, HappyPath happyPath, GateVerdict gate, Ledger ledger, Instant now, Placement stray) {
        return new Planner(snapshot, happyPath, gate, ledger, now).decide(stray);
    }

    private Move decide(Placement stray) {
        PodState pod = stray.pod();
        // every never-evict rule, all of them run: permanent, so judged before the gate and the budgets
        List<Move.Cause> unsafe = EvictionSafety.violations(stray, facts);
        if (!unsafe.isEmpty()) {
            return Move.refused(stray, Outcome.SKIPPED, unsafe, null);
        }
        if (!gate.open()) {
            return new Move(stray, null, Outcome.DEFERRED, MoveCode.GATE_CLOSED, List.of("gate " + gate.summary()));
        }
        // at most one: more is EvictionSafety.MULTIPLE_BUDGETS
        List<DisruptionBudget> pdbs = snapshot.budgetsCovering(pod);
        if (pdbs.size() == 1 && pdbs.get(0).disruptionsAllowed() <= 0) {
            DisruptionBudget b = pdbs.get(0);
            return new Move(stray, null, Outcome.BLOCKED, MoveCode.BUDGET_EXHAUSTED, List.of("PodDisruptionBudget " + b.key() + " allows no disruption now"
                    + " (currentHealthy " + b.currentHealthy() + ", desiredHealthy " + b.desiredHealthy()
                    + ", expectedPods " + b.expectedPods() + ")"));
        }
        if (pdbs.size() == 1 && plannedUnder.getOrDefault(pdbs.get(0).key(), 0) >= pdbs.get(0).disruptionsAllowed()) {
            // the disruption controller counts our earlier evictions only once they happen: the plan must count them first
            DisruptionBudget b = pdbs.get(0);
            return new Move(stray, null, Outcome.DEFERRED, MoveCode.BUDGET_SPENT, List.of("PodDisruptionBudget " + b.key() + " allows "
                    + b.disruptionsAllowed() + " disruption(s) now, and moves planned earlier in this pass use "
                    + (b.disruptionsAllowed() == 1 ? "it" : "them all")));
        }
        // the only replica got this far only if downtime is allowed (else EvictionSafety.ONLY_REPLICA): the move says so
        Optional<String> onlyReplica = pdbs.isEmpty() ? DisruptionRules.onlyReplica(pod, snapshot) : Optional.empty();
        Optional<AntiFlapCheck.HoldBack> held = AntiFlapCheck.holdBack(ledger, pod, snapshot.nodes(), happyPath.antiFlap(), now);
        if (held.isPresent()) {
            return held.get().permanent() ? new Move(stray, null, Outcome.SKIPPED, MoveCode.ANTI_FLAP_PERMANENT, List.of(held.get().reason()))
                    : new Move(stray, null, Outcome.DEFERRED, MoveCode.ANTI_FLAP, List.of(held.get().reason()));
        }
        String workload = Ledger.workloadKey(pod);
        if (workloadsMoving.contains(workload)) {
            return new Move(stray, null, Outcome.DEFERRED, MoveCode.COOLDOWN, List.of("cooldown: another pod of " + pod.workload()
                    + " moves in this pass (antiFlap.cooldown applies after any move of a workload)"));
        }
        // after the budgets, the only-replica rule and the ledger: their answers do not change when the pod
        // becomes Ready, and a held-back workload should say so rather than "not Ready"
        List<DisruptionRules.Verdict> notNow = DisruptionRules.notNow(pod, snapshot);
        if (!notNow.isEmpty()) {
            return Move.refused(stray, Outcome.DEFERRED, notNow.stream().map(v -> new Move.Cause(v.code(), v.reason())).toList(), null);
        }
        Optional<String> limit = budget.exceeded(pod);
        if (limit.isPresent()) {
            return new Move(stray, null, Outcome.DEFERRED, MoveCode.LIMIT_REACHED, List.of(limit.get()));
        }

        Prediction first = predict(pod, false);
        Optional<Refusal> refusal = refuse(stray, first);
        // every feasible node found so far is a home with room: the rest must be too, so look at them all
        Prediction prediction = refusal.isEmpty() && !first.complete() ? predict(pod, true) : first;
        if (prediction != first) {
            refusal = refuse(stray, prediction);
        }
        if (refusal.isPresent()) {
            List<String> details = new ArrayList<>();
            Optional<Preemption.Plan> preempts = Preemption.wouldPreempt(pod.replacement(), expected, happyPath.scheduler(), prediction);
            // Never planned: the scheduler would evict the victims to make room, and no budget of theirs would be asked
            details.add(refusal.get().why());
            preempts.ifPresent(p -> details.add(describePreemption(stray, p)));
            // Say why the scheduler would not use each home it refused (or every node, when it refuses all).
            // by node name: the same cluster, however its nodes were listed, gives the same report
            // (the refused homes picked first, then sorted: a large cluster refuses thousands of other nodes)
            boolean everyNodeRefuses = !prediction.feasibleAnywhere();
            List<NodeVerdict> said = new ArrayList<>();
            for (NodeVerdict v : prediction.verdicts()) {
                if (!v.feasible() && (everyNodeRefuses || stray.homeNodes().contains(v.node()))) {
                    said.add(v);
                }
            }
            said.sort(Comparator.comparing(NodeVerdict::node));
            for (NodeVerdict v : said) {
                details.add(v.node() + ": " + String.join("; ", v.rejections().stream().map(Rejection::toString).toList()));
            }
            MoveCode code = preempts.isPresent() ? MoveCode.WOULD_PREEMPT : MoveCode.WOULD_NOT_LAND_HOME;
            List<Move.Cause> causes = new ArrayList<>();
            causes.add(new Move.Cause(code, details.get(0)));
            causes.addAll(refusal.get().target());
            return new Move(stray, null, Outcome.SKIPPED, code, details, prediction, null, causes);
        }
        return planned(stray, prediction, pdbs, onlyReplica);
    }

    private Move planned(Placement stray, Prediction decided, List<DisruptionBudget> pdbs, Optional<String> onlyReplica) {
        PodState pod = stray.pod();
        Prediction prediction = decided;
        if (!prediction.scored()) { // (an incomplete prediction is never scored)
            // The plan counts the pod on one node, the one the scheduler most likely picks: score them after all.
            // Only for a move that goes ahead (a few per pass), not for every stray of a large cluster.
            prediction = predict(pod, true);
        }
        List<String> candidates = prediction.candidates();
        Optional<String> targetLimit = budget.exceededAsTarget(pod, candidates);
        if (targetLimit.isPresent()) {
            return new Move(stray, null, Outcome.DEFERRED, MoveCode.LIMIT_REACHED, List.of(targetLimit.get()), prediction, null);
        }
        String target = prediction.node() != null ? prediction.node() : best(prediction);
        List<String> details = new ArrayList<>();
        details.add(describeFit(pod, target, prediction, candidates));
        if (prediction.node() == null) {
            details.add(prediction.uncertainty() != null
                    ? "uncertain (" + prediction.uncertainty() + "), but every node it may land on is a home with room"
                    : "tie between " + String.join(", ", prediction.tied()) + ": the scheduler picks one at random, and each is a home with room");
        }
        // what the move costs, said on the move itself: data that is discarded, downtime that is accepted
        Optional<String> mayGo = EvictionSafety.localDataMayGo(stray, happyPath);
        for (EmptyDir e : pod.emptyDirs()) {
            details.add(e.describe() + " is discarded: its contents are lost with the eviction (" + mayGo.orElseThrow() + ")");
        }
        onlyReplica.ifPresent(only -> details.add("only replica: unavailable until its replacement is Ready (" + only
                + "; " + DisruptionRules.downtimeSetting(stray, happyPath) + ")"));
        budget.consume(pod, candidates);
        for (DisruptionBudget b : pdbs) {
            plannedUnder.merge(b.key(), 1, Integer::sum);
        }
        workloadsMoving.add(Ledger.workloadKey(pod));
        for (String c : candidates) {
            safety.arrive(pod, c);
        }
        expected.depart(pod);
        expected.arrive(pod, target);
        return new Move(stray, target, Outcome.PLANNED, MoveCode.GOES_HOME, details, prediction, null);
    }

    private Prediction predict(PodState pod, boolean scoreSample) {
        expected.evicting(pod);
        try {
            return scoreSample ? LandingPredictor.predictScoringAll(pod.replacement(), expected, happyPath.scheduler())
                    : LandingPredictor.predict(pod.replacement(), expected, happyPath.scheduler());
        } finally {
            expected.notEvicting(pod);
        }
    }

    /**
     * Why a predicted landing is not acceptable.
     *
     * @param why    in words, the landing and what is wrong with it
     * @param target when a node it may land on is a home the rebalancer's own checks refuse: each check's reason,
     *               with its code (empty when the landing is off home or nowhere)
     */
    private record Refusal(String why, List<Move.Cause> target) {
    }

    /** Why the predicted landing is not acceptable, if it is not. */
    private Optional<Refusal> refuse(Placement stray, Prediction prediction) {
        if (!prediction.feasibleAnywhere()) {
            return Optional.of(new Refusal("the scheduler would find no node for its replacement (it would stay Pending)", List.of()));
        }
        List<String> candidates = prediction.candidates();
        String why;
        if (prediction.node() != null) {
            why = "would land on " + prediction.node() + (prediction.totals().size() == 1 ? " (the only feasible node)"
                    : " (score " + prediction.totals().get(prediction.node()) + ")");
        } else if (prediction.uncertainty() != null) {
            why = "uncertain: " + prediction.uncertainty() + ", and not every feasible node is a home with room";
        } else {
            why = "uncertain: tie between " + String.join(", ", prediction.tied()) + " (score "
                    + prediction.totals().get(prediction.tied().get(0)) + "): the scheduler picks one at random";
        }
        List<String> homes = stray.homeNodes();
        for (String c : candidates) {
            if (!homes.contains(c)) {
                if (prediction.node() != null) {
                    return Optional.of(new Refusal(why + ", not on its home (" + stray.home() + ")" + runnerUp(prediction, homes), List.of()));
                }
                return Optional.of(new Refusal(why + "; " + c + " is not its home (" + stray.home() + ")", List.of()));
            }
            List<Move.Cause> refusals = targetRefusals(stray, safety.node(c).orElseThrow(), happyPath, safety);
            if (!refusals.isEmpty()) {
                return Optional.of(new Refusal((prediction.node() != null ? why : why + "; " + c) + ", but " + c + ": "
                        + String.join("; ", refusals.stream().map(Move.Cause::detail).toList()), refusals));
            }
        }
        return Optional.empty();
    }

    /** "would preempt ns/a, ns/b on NODE ...": the victims named, most important first. */
    private static String describePreemption(Placement stray, Preemption.Plan plan) {
        PodState pod = stray.pod();
        List<String> victims = plan.victims().stream().map(v -> v.key() + " (priority " + v.priority() + ")").toList();
        return "would preempt " + String.join(", ", victims) + " on " + plan.node()
                + (stray.homeNodes().contains(plan.node()) ? " (a home)" : " (not its home)")
                + ": its replacement (priority " + pod.priority() + (pod.priorityClassName() == null ? "" : ", " + pod.priorityClassName())
                + ") fits on no node, and the scheduler would make room by evicting lower-priority pods, whatever their"
                + " PodDisruptionBudgets allow; the rebalancer never causes that";
    }

    private static String runnerUp(Prediction prediction, List<String> homes) {
        return prediction.totals().entrySet().stream()
                .filter(e -> homes.contains(e.getKey()))
                .max(java.util.Map.Entry.<String, Long>comparingByValue()
                        .thenComparing(java.util.Map.Entry.comparingByKey(Comparator.reverseOrder())))
                .map(e -> "; its best home, " + e.getKey() + ", scores " + e.getValue())
                .orElse("; no home node is feasible for it");
    }

    private static String best(Prediction prediction) {
        return prediction.verdicts().stream().filter(NodeVerdict::feasible)
                .max(Comparator.comparingLong(NodeVerdict::total).thenComparing(NodeVerdict::node, Comparator.reverseOrder()))
                .map(NodeVerdict::node).orElseThrow();
    }

    /**
     * Why a home the pod may land on cannot take it by our own standards, each with its code: not Ready
     * ({@link MoveCode#TARGET_NOT_READY}), the scheduler's filters on the conservative view, where the moves
     * planned earlier in this pass count ({@link MoveCode#TARGET_FILTERED}), the headroom rule
     * ({@link MoveCode#HEADROOM}), and the separation rules, the node must not hold nor expect the other side
     * ({@link MoveCode#SEPARATION}). All are checked; every one that applies is said.
     */
    static List<Move.Cause> targetRefusals(Placement stray, NodeState node, HappyPath happyPath, PlanningView view) {
        PodState pod = stray.pod();
        List<Move.Cause> reasons = new ArrayList<>();
        if (!node.isReady()) {
            reasons.add(new Move.Cause(MoveCode.TARGET_NOT_READY, "not Ready"));
        }
        // The pod that would land there is the controller's replacement: same spec, not yet bound.
        List<Rejection> rejections = Filters.rejections(pod.replacement(), node, view);
        rejections.forEach(r -> reasons.add(new Move.Cause(MoveCode.TARGET_FILTERED, r.toString())));
        // The scheduler would accept a node filled to 100%; we leave headroom (seed 000: defend the host).
        // Decided on the filter's code: a node it already refuses for resources needs no second, headroom, reason.
        if (rejections.stream().noneMatch(r -> r.by(Filters.NODE_RESOURCES_FIT))) {
            Filters.insufficient(pod, node, view, happyPath.eviction().maxUtilization())
                    .ifPresent(r -> reasons.add(new Move.Cause(MoveCode.HEADROOM, "headroom: " + r + " (eviction.maxUtilization)")));
        }
        separationPartner(stray, node, happyPath, view)
                .ifPresent(r -> reasons.add(new Move.Cause(MoveCode.SEPARATION, "separation: " + r)));
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
        // the first partner by name, not by listing order: the same cluster gives the same words
        String first = null;
        for (PodState other : view.podsOn(node.name())) {
            if (other.isTerminating() || other.uid().equals(stray.pod().uid())) {
                continue;
            }
            Optional<String> rule = happyPath.ruleFor(other).map(r -> r.name());
            if (rule.isPresent() && partners.contains(rule.get())) {
                String said = other.key() + " (" + rule.get() + ") is there";
                first = first == null || said.compareTo(first) < 0 ? said : first;
            }
        }
        return Optional.ofNullable(first);
    }

    private String describeFit(PodState pod, String target, Prediction prediction, List<String> candidates) {
        NodeState node = safety.node(target).orElseThrow();
        long after = safety.requested(target).memoryBytes() + pod.requests().memoryBytes();
        long cap = node.allocatable().memoryBytes();
        long pct = cap > 0 ? Math.round(after * 100.0 / cap) : 0;
        String room = "memory " + Quantity.bytes(after) + " of " + Quantity.bytes(cap) + " requested after the move (" + pct + "%)";
        if (prediction.node() == null) {
            // a tie or an uncertain prediction: the plan counts the pod on one candidate, and says which
            // a large cluster's every feasible node would make a line no one reads: count them instead
            return "the scheduler may place it on any of " + (candidates.size() <= MAX_NAMED ? String.join(", ", candidates)
                    : candidates.size() + " feasible nodes")
                    + "; counted on " + target + " (score " + prediction.totals().get(target) + "): " + room;
        }
        String how = prediction.totals().size() == 1 ? "the only feasible node"
                : "score " + prediction.totals().get(target) + ", best of " + prediction.totals().size() + " feasible nodes";
        return "the scheduler would place it on " + target + " (" + how + "), a home with room: " + room;
    }
}
