package dev.happypath.rebalancer.plan;

import dev.happypath.rebalancer.compare.Comparison;
import dev.happypath.rebalancer.compare.HappyPathComparer;
import dev.happypath.rebalancer.compare.Placement;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.gate.Gate;
import dev.happypath.rebalancer.gate.GateVerdict;
import dev.happypath.rebalancer.gate.Settling;
import dev.happypath.rebalancer.ledger.Ledger;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.PodState;

import java.time.Instant;
import java.util.Optional;

/** The pure half of a pass: compare, gate, plan. Same snapshot, ledger and instant, same decision. */
public record Decision(Comparison comparison, GateVerdict gate, Plan plan) {

    public static Decision decide(ClusterSnapshot snapshot, HappyPath happyPath, Ledger ledger, Instant now) {
        return decide(snapshot, happyPath, ledger, now, Scope.ALL);
    }

    /**
     * Restricted to a scope: only its strays are planned (so that the pass's limits and budgets go to
     * them); the others come after, SKIPPED {@link MoveCode#OUT_OF_SCOPE}. The comparison stays whole: the
     * report shows every pod, and the planner still sees every pod on every node.
     */
    public static Decision decide(ClusterSnapshot snapshot, HappyPath happyPath, Ledger ledger, Instant now, Scope scope) {
        Comparison comparison = HappyPathComparer.compare(snapshot, happyPath);
        GateVerdict gate = gate(snapshot, happyPath, ledger, now);
        if (scope.everything()) {
            return new Decision(comparison, gate, Planner.plan(snapshot, happyPath, comparison, gate, ledger, now));
        }
        Comparison inScope = new Comparison(comparison.placements().stream().filter(scope::includes).toList(), comparison.roles(),
                comparison.state());
        java.util.List<Move> moves = new java.util.ArrayList<>(Planner.plan(snapshot, happyPath, inScope, gate, ledger, now).moves());
        for (Placement stray : comparison.strays()) {
            if (!scope.includes(stray)) {
                moves.add(new Move(stray, null, Outcome.SKIPPED, MoveCode.OUT_OF_SCOPE, java.util.List.of("out of scope: this pass moves only "
                        + scope.describe() + " (rule " + stray.ruleName() + ", namespace " + stray.pod().namespace() + ")")));
            }
        }
        return new Decision(comparison, gate, new Plan(moves));
    }

    /** The nodes' gate and whether earlier moves have settled: both must allow a move. */
    static GateVerdict gate(ClusterSnapshot snapshot, HappyPath happyPath, Ledger ledger, Instant now) {
        return Settling.merge(Gate.judge(snapshot.nodes(), happyPath, now), Settling.unsettled(snapshot, ledger, happyPath, now));
    }

    /**
     * The executor's last look before an eviction: one planned pod decided again, alone, on a fresh
     * snapshot and ledger, by the same compare, gate and planner (with a fresh budget: the pass's limits
     * were applied when it was planned).
     */
    public static Recheck recheck(ClusterSnapshot snapshot, HappyPath happyPath, Ledger ledger, Instant now, PodState planned) {
        GateVerdict gate = gate(snapshot, happyPath, ledger, now);
        if (!gate.open()) {
            return new Recheck(Recheck.Kind.GATE_CLOSED, null, gate, null);
        }
        Optional<PodState> sameName = snapshot.pods().stream()
                .filter(p -> p.namespace().equals(planned.namespace()) && p.name().equals(planned.name())).findFirst();
        if (sameName.isEmpty()) {
            return new Recheck(Recheck.Kind.GONE, null, gate, null);
        }
        if (!sameName.get().uid().equals(planned.uid())) {
            return new Recheck(Recheck.Kind.RECREATED, null, gate, sameName.get());
        }
        Comparison comparison = HappyPathComparer.compare(snapshot, happyPath);
        Optional<Placement> placement = comparison.placements().stream()
                .filter(p -> p.pod().uid().equals(planned.uid())).findFirst();
        if (placement.isEmpty() || !placement.get().isStray()) {
            return new Recheck(Recheck.Kind.NOT_A_STRAY, null, gate, sameName.get());
        }
        return new Recheck(Recheck.Kind.DECIDED, Planner.decideOne(snapshot, happyPath, gate, ledger, now, placement.get()), gate,
                sameName.get());
    }

    /**
     * What the re-check found.
     *
     * @param fresh the move decided again on the fresh state (DECIDED only)
     * @param pod   the pod of that name as read now (null when gone, or the gate closed first)
     */
    public record Recheck(Kind kind, Move fresh, GateVerdict gate, PodState pod) {

        public enum Kind {
            /** The gate (nodes, or an earlier move not settled) is closed now. */
            GATE_CLOSED,
            /** No pod of that name any more. */
            GONE,
            /** A pod of that name with another UID: its controller recreated it. */
            RECREATED,
            /** The same pod, but no longer off its Happy Path (at home now, or Pending). */
            NOT_A_STRAY,
            /** Decided again: see {@link #fresh}. */
            DECIDED
        }
    }
}
