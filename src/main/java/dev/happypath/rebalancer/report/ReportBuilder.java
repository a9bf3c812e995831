package dev.happypath.rebalancer.report;

import dev.happypath.rebalancer.advice.Advice;
import dev.happypath.rebalancer.advice.Advisor;
import dev.happypath.rebalancer.compare.Comparison;
import dev.happypath.rebalancer.compare.Placement;
import dev.happypath.rebalancer.compare.Status;
import dev.happypath.rebalancer.config.ConfigNode;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.config.NodeRole;
import dev.happypath.rebalancer.config.WorkloadRule;
import dev.happypath.rebalancer.gate.GateReason;
import dev.happypath.rebalancer.gate.GateVerdict;
import dev.happypath.rebalancer.ledger.Ledger;
import dev.happypath.rebalancer.plan.Move;
import dev.happypath.rebalancer.plan.Outcome;
import dev.happypath.rebalancer.scheduling.NodeVerdict;
import dev.happypath.rebalancer.scheduling.Prediction;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.Quantity;
import dev.happypath.rebalancer.snapshot.Resources;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Assembles the report from the stages' values. Pure. */
public final class ReportBuilder {

    private ReportBuilder() {
    }

    /** Whether pods remain off the Happy Path after these moves (an EVICTED move fixed its pod). */
    public static boolean driftRemains(Comparison comparison, List<Move> moves) {
        Set<String> fixed = new HashSet<>();
        for (Move m : moves) {
            if (m.outcome() == Outcome.EVICTED) {
                fixed.add(m.pod().uid());
            }
        }
        for (Placement p : comparison.placements()) {
            if (p.status() != Status.HAPPY && !fixed.contains(p.pod().uid())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The report of a pass. It carries advice for every workload the pass could not move because the
     * scheduler would send it elsewhere.
     */
    public static Report build(boolean dryRun, Instant generatedAt, String runId, HappyPath happyPath,
                               ClusterSnapshot snapshot, Comparison comparison, GateVerdict gate, List<Move> moves,
                               boolean explain) {
        List<Advice> advice = Advisor.advise(snapshot, happyPath, comparison, workloadsSentElsewhere(moves));
        List<Report.GateReasonView> reasons = gate.reasons().stream()
                .map(r -> new Report.GateReasonView(r.code().name(), r.node(), r.message())).toList();
        Report.GateView gateView = new Report.GateView(gate.open(), reasons, ConfigNode.format(happyPath.stableFor()),
                gate.opensAt() == null ? null : gate.opensAt().toString());

        List<Report.NodeView> nodes = new ArrayList<>();
        // workers, then lifeboats, then the rest, each by name: the same report whatever order the API lists them in
        List<NodeState> byRole = new ArrayList<>(snapshot.nodes());
        byRole.sort(java.util.Comparator.comparing((NodeState n) -> comparison.roles().get(n.name())).thenComparing(NodeState::name));
        for (NodeState n : byRole) {
            Resources used = Resources.NONE;
            for (PodState p : snapshot.podsOn(n.name())) {
                used = used.plus(p.requests());
            }
            NodeRole role = comparison.roles().get(n.name());
            nodes.add(new Report.NodeView(n.name(), role.name().toLowerCase(), n.isReady(),
                    Quantity.bytes(used.memoryBytes()), Quantity.bytes(n.allocatable().memoryBytes()),
                    percent(used.memoryBytes(), n.allocatable().memoryBytes()),
                    Quantity.cpu(used.milliCpu()), Quantity.cpu(n.allocatable().milliCpu()),
                    percent(used.milliCpu(), n.allocatable().milliCpu()), snapshot.podsOn(n.name()).size()));
        }

        List<Report.PlacementView> placements = new ArrayList<>();
        int happy = 0;
        for (Placement p : comparison.placements()) {
            happy += p.status() == Status.HAPPY ? 1 : 0;
            placements.add(new Report.PlacementView(p.pod().namespace(), p.pod().name(), p.pod().workload(), p.ruleName(),
                    // A HAPPY pod is on one of its home's nodes already. Listing them for every pod made the report grow
                    // with pods × nodes (a 30,000-pod cluster whose homes span hundreds of nodes: 148 MB of node names).
                    p.pod().nodeName(), p.status().name(), p.home().toString(), p.status() == Status.HAPPY ? null : p.homeNodes(),
                    p.notes().isEmpty() ? null : p.notes()));
        }

        List<Report.MoveView> moveViews = new ArrayList<>();
        Map<String, Integer> outcomes = new LinkedHashMap<>();
        for (Outcome o : Outcome.values()) {
            outcomes.put(o.name(), 0);
        }
        for (Move m : moves) {
            outcomes.merge(m.outcome().name(), 1, Integer::sum);
            moveViews.add(new Report.MoveView(m.pod().namespace(), m.pod().name(), m.pod().workload(), m.pod().nodeName(),
                    m.target(), m.reason().name(), m.outcome().name(), m.code().name(),
                    m.causes().stream().map(c -> new Report.CauseView(c.code().name(), c.detail())).toList(),
                    String.join("; ", m.details()), m.details(), m.landedOn(),
                    m.prediction() == null ? null : prediction(m.prediction(), explain)));
        }
        Set<String> named = new HashSet<>();
        comparison.placements().forEach(p -> named.add(p.ruleName()));
        List<String> rulesWithoutPods = happyPath.workloads().stream().map(WorkloadRule::name).filter(r -> !named.contains(r)).toList();
        Report.Summary summary = new Report.Summary(comparison.placements().size(), happy,
                comparison.placements().size() - happy, driftRemains(comparison, moves), outcomes, rulesWithoutPods);
        List<Report.AdviceView> adviceViews = advice.stream().map(a -> new Report.AdviceView(a.workload(), a.rule(), a.home(),
                a.predicted(), a.kind().name(), a.verified(), a.why(), a.snippet())).toList();
        return new Report(Report.SCHEMA_VERSION, dryRun ? "dry-run" : "live", generatedAt.toString(), runId,
                happyPath.source(), comparison.state().name(), gateView, nodes, placements, moveViews, adviceViews, summary, null, null);
    }

    /** The cluster as read again after a pass: its state and how many managed pods are still off the Happy Path. */
    public static Report.AfterView after(ClusterSnapshot snapshot, Comparison comparison) {
        int off = (int) comparison.placements().stream().filter(p -> p.status() != Status.HAPPY).count();
        return new Report.AfterView(snapshot.readAt().toString(), comparison.state().name(), comparison.placements().size(), off,
                driftRemains(comparison, List.of()));
    }

    /** Workloads the scheduler would send off their Happy Path: the report says how to fix that. */
    static Set<String> workloadsSentElsewhere(List<Move> moves) {
        Set<String> keys = new HashSet<>();
        for (Move m : moves) {
            if (m.prediction() != null && m.outcome() == Outcome.SKIPPED && m.prediction().feasibleAnywhere()) {
                keys.add(Ledger.workloadKey(m.pod()));
            }
        }
        return keys;
    }

    static Report.PredictionView prediction(Prediction p, boolean explain) {
        String uncertain = p.uncertainty() != null ? p.uncertainty()
                : p.tied().isEmpty() ? null : "tie between " + String.join(", ", p.tied());
        Map<String, Map<String, Long>> plugins = null;
        if (explain) {
            // empty when the nodes were not scored (the scheduler scores a sample): the rejections remain
            plugins = new LinkedHashMap<>();
            for (NodeVerdict v : p.verdicts()) {
                if (v.feasible() && p.scored()) {
                    plugins.put(v.node(), v.scores());
                }
            }
        }
        return new Report.PredictionView(p.node(), uncertain, p.tied(), byScore(p.totals()), rejected(p),
                plugins == null ? null : new java.util.TreeMap<>(plugins));
    }

    /** By node name, each node's refusals in filter order. */
    static Map<String, List<Report.RejectionView>> rejected(Prediction p) {
        Map<String, List<Report.RejectionView>> byNode = new java.util.TreeMap<>();
        p.rejected().forEach((node, rejections) -> byNode.put(node, rejections.stream()
                .map(r -> new Report.RejectionView(r.filter(), r.reason())).toList()));
        return byNode;
    }

    /** Highest score first, ties by node name: a stable order, whatever order the nodes were listed in. */
    static Map<String, Long> byScore(Map<String, Long> totals) {
        Map<String, Long> sorted = new LinkedHashMap<>();
        totals.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /**
     * The figures of a pass that took {@code duration}, from its report. Moves count by outcome, then code: both
     * come from closed sets, so the metric's label values stay bounded (never a pod name or a sentence).
     */
    public static Report.Metrics metrics(Report report, java.time.Duration duration) {
        Map<List<String>, Integer> counts = new LinkedHashMap<>();
        for (Outcome o : Outcome.values()) {
            for (Report.MoveView m : report.moves()) {
                if (m.outcome().equals(o.name())) {
                    counts.merge(List.of(m.outcome(), m.code()), 1, Integer::sum);
                }
            }
        }
        List<Report.MoveCount> moves = new ArrayList<>();
        counts.forEach((k, v) -> moves.add(new Report.MoveCount(k.get(0), k.get(1), v)));
        return new Report.Metrics(duration.toMillis() / 1000.0, report.gate().open(), report.clusterState(),
                report.summary().offPath(), moves);
    }

    private static int percent(long used, long cap) {
        return cap <= 0 ? 0 : (int) Math.round(used * 100.0 / cap);
    }
}
