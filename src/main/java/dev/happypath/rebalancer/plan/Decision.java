package dev.happypath.rebalancer.plan;

import dev.happypath.rebalancer.compare.Comparison;
import dev.happypath.rebalancer.compare.HappyPathComparer;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.gate.Gate;
import dev.happypath.rebalancer.gate.GateVerdict;
import dev.happypath.rebalancer.ledger.Ledger;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;

import java.time.Instant;

/** The pure half of a pass: compare, gate, plan. Same snapshot, ledger and instant, same decision. */
public record Decision(Comparison comparison, GateVerdict gate, Plan plan) {

    public static Decision decide(ClusterSnapshot snapshot, HappyPath happyPath, Ledger ledger, Instant now) {
        Comparison comparison = HappyPathComparer.compare(snapshot, happyPath);
        GateVerdict gate = Gate.judge(snapshot.nodes(), happyPath, now);
        Plan plan = Planner.plan(snapshot, happyPath, comparison, gate, ledger, now);
        return new Decision(comparison, gate, plan);
    }
}
