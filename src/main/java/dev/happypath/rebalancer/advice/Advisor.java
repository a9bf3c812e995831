package dev.happypath.rebalancer.advice;

import dev.happypath.rebalancer.compare.Comparison;
import dev.happypath.rebalancer.compare.Placement;
import dev.happypath.rebalancer.compare.Status;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.config.Home;
import dev.happypath.rebalancer.config.NodeRole;
import dev.happypath.rebalancer.config.SeparationRule;
import dev.happypath.rebalancer.config.WorkloadRule;
import dev.happypath.rebalancer.ledger.Ledger;
import dev.happypath.rebalancer.scheduling.LandingPredictor;
import dev.happypath.rebalancer.scheduling.PlanningView;
import dev.happypath.rebalancer.scheduling.Prediction;
import dev.happypath.rebalancer.snapshot.Affinity;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.LabelSelector;
import dev.happypath.rebalancer.snapshot.NodeSelectorTerm;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodAffinityTerm;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.PreferredSchedulingTerm;
import dev.happypath.rebalancer.snapshot.Requirement;
import dev.happypath.rebalancer.snapshot.Taint;
import dev.happypath.rebalancer.snapshot.WeightedPodAffinityTerm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * For every managed workload whose home the scheduler would not choose by itself, finds the smallest
 * change that makes it do so, and proves it by predicting again with the change applied. Judged as if
 * the workers were healthy (their not-ready, unreachable and pressure taints lifted): the question is
 * where the scheduler puts the pod once the cluster has recovered. Pure.
 */
public final class Advisor {

    static final int WEIGHT = 100;
    private static final String HOSTNAME = "kubernetes.io/hostname";

    private final ClusterSnapshot snapshot;
    private final HappyPath happyPath;
    private final Map<String, NodeRole> roles;
    private final List<NodeState> healed;
    /** The per-node sums and affinity-term pods every prediction starts from, computed once. */
    private final PlanningView.Base base;

    private Advisor(ClusterSnapshot snapshot, HappyPath happyPath, Comparison comparison) {
        this.snapshot = snapshot;
        this.happyPath = happyPath;
        this.roles = comparison.roles();
        this.healed = snapshot.nodes().stream().map(n -> roles.get(n.name()) == NodeRole.WORKER ? heal(n) : n).toList();
        this.base = PlanningView.base(snapshot);
    }

    /** Advice for every managed workload (the {@code advise} command). */
    public static List<Advice> advise(ClusterSnapshot snapshot, HappyPath happyPath, Comparison comparison) {
        return advise(snapshot, happyPath, comparison, null);
    }

    /**
     * Advice for the given workloads only ({@code namespace/Kind/name}); a pass asks for the workloads it
     * could not move because the scheduler would send them elsewhere.
     */
    public static List<Advice> advise(ClusterSnapshot snapshot, HappyPath happyPath, Comparison comparison, Set<String> only) {
        Advisor advisor = new Advisor(snapshot, happyPath, comparison);
        Map<String, Placement> byWorkload = new LinkedHashMap<>();
        for (Placement p : comparison.placements()) {
            String key = Ledger.workloadKey(p.pod());
            if (p.home().kind() != Home.Kind.CONTROL_PLANE && !p.homeNodes().isEmpty() && (only == null || only.contains(key))) {
                byWorkload.putIfAbsent(key, p);
            }
        }
        List<Advice> advice = new ArrayList<>();
        byWorkload.forEach((key, p) -> advisor.advise(key, p).ifPresent(advice::add));
        return advice;
    }

    private static NodeState heal(NodeState n) {
        List<Taint> kept = n.taints().stream().filter(t -> !t.key().startsWith("node.kubernetes.io/")
                || t.key().equals("node.kubernetes.io/unschedulable")).toList();
        return new NodeState(n.name(), n.uid(), n.labels(), kept, n.unschedulable(), n.allocatable(), n.allocatablePods(), n.conditions());
    }

    /**
     * Where a new copy of the pod would go once the old one is gone: the question is the scheduler's
     * preference, not the moment of an eviction (the planner asks that one, with the old pod Terminating).
     */
    private Prediction predict(PodState pod, List<NodeState> nodes) {
        return predict(pod, nodes, false);
    }

    /** With {@code everything}, every node filtered and every feasible one scored even where the scheduler samples. */
    private Prediction predict(PodState pod, List<NodeState> nodes, boolean everything) {
        PlanningView view = new PlanningView(base, nodes);
        view.depart(pod);
        return everything ? LandingPredictor.predictScoringAll(pod.replacement(), view, happyPath.scheduler())
                : LandingPredictor.predict(pod.replacement(), view, happyPath.scheduler());
    }

    /**
     * The scheduler's choice is on the Happy Path: a home, and not next to the other side of a separation rule.
     * When the choice is uncertain, every node it may choose must be (as the planner requires).
     */
    private boolean landsHome(Prediction p, Placement placement) {
        List<String> candidates = p.candidates();
        if (candidates.isEmpty() || !placement.homeNodes().containsAll(candidates)) {
            return false;
        }
        return candidates.stream().noneMatch(n -> partnerOn(placement, n));
    }

    /**
     * Whether the other side of one of the pod's separation rules runs on the node. A HAPPY pod is the one
     * that stays when its separation is broken (the comparison made its partner the one to move), so only
     * strays are judged by it.
     */
    private boolean partnerOn(Placement placement, String node) {
        if (placement.rule() == null || placement.status() == Status.HAPPY) {
            return false;
        }
        for (SeparationRule sep : happyPath.separations()) {
            if (sep.involves(placement.rule())) {
                WorkloadRule partner = happyPath.rule(sep.partnerOf(placement.rule())).orElseThrow();
                if (snapshot.podsOn(node).stream().anyMatch(p -> !p.uid().equals(placement.pod().uid()) && partner.selects(p))) {
                    return true;
                }
            }
        }
        return false;
    }

    private Optional<Advice> advise(String workload, Placement placement) {
        PodState pod = placement.pod();
        Prediction today = predict(pod, healed);
        if (landsHome(today, placement) && !today.complete()) {
            // a search that stopped early found only homes: the nodes it did not reach must be homes too
            today = predict(pod, healed, true);
        }
        if (landsHome(today, placement)) {
            return Optional.empty();
        }
        String predicted = today.node() != null ? today.node() : today.tied().isEmpty() ? null : String.join(" or ", today.tied());
        if (!today.feasibleAnywhere()) {
            return Optional.of(new Advice(workload, placement.ruleName(), placement.home().toString(), null, Advice.Kind.NONE_FOUND,
                    "no node is feasible for it at all (" + String.join("; ", today.rejected().entrySet().stream()
                            .map(e -> e.getKey() + ": " + String.join(", ", e.getValue().stream().map(Object::toString).toList())).toList()) + ")", "", false));
        }

        if (today.uncertainty() != null) {
            // Every change below is a preference: none changes which nodes are feasible or who schedules the pod,
            // so none makes an uncertain choice certain. Say so, rather than predict each in vain.
            Change prefer = nodeAffinity(placement);
            return Optional.of(new Advice(workload, placement.ruleName(), placement.home().toString(), null, Advice.Kind.NONE_FOUND,
                    "the scheduler's choice is uncertain (" + today.uncertainty() + ") and not every node it may choose is on its"
                            + " Happy Path (home: " + placement.home() + "); a preference cannot make it certain: " + prefer.why
                            + " makes its home likelier, a required node affinity (requiredDuringSchedulingIgnoredDuringExecution)"
                            + " keeps it there", prefer.snippet, false));
        }
        List<Change> changes = new ArrayList<>();
        lifeboatTaint(pod, today).ifPresent(changes::add);
        separation(placement, today).ifPresent(changes::add);
        changes.add(nodeAffinity(placement));

        for (Change c : changes) {
            if (landsHome(predict(c.pod.apply(pod), c.nodes.apply(healed)), placement)) {
                return Optional.of(advice(workload, placement, predicted, c.kind, c.why, c.snippet, true));
            }
        }
        if (changes.size() > 1) {
            Change all = changes.get(0);
            for (int i = 1; i < changes.size(); i++) {
                all = all.and(changes.get(i));
            }
            boolean works = landsHome(predict(all.pod.apply(pod), all.nodes.apply(healed)), placement);
            return Optional.of(advice(workload, placement, predicted, works ? Advice.Kind.COMBINED : Advice.Kind.NONE_FOUND,
                    works ? all.why : "none of these changes, even together, makes the scheduler choose its home: " + all.why,
                    all.snippet, works));
        }
        return Optional.of(advice(workload, placement, predicted, Advice.Kind.NONE_FOUND,
                "even " + changes.get(0).why + " does not make the scheduler choose its home", changes.get(0).snippet, false));
    }

    private Advice advice(String workload, Placement p, String predicted, Advice.Kind kind, String why, String snippet, boolean verified) {
        return new Advice(workload, p.ruleName(), p.home().toString(), predicted, kind,
                "the scheduler would put it on " + predicted + ", which is not on its Happy Path (home: " + p.home() + ")"
                        + (verified ? "; fix: " : "; tried: ") + why, snippet, verified);
    }

    /** A change to try: to the pod, to the nodes, or both. */
    private record Change(Advice.Kind kind, String why, String snippet, UnaryOperator<PodState> pod,
                          UnaryOperator<List<NodeState>> nodes) {

        Change and(Change other) {
            return new Change(Advice.Kind.COMBINED, why + ", and " + other.why, snippet + "\n" + other.snippet,
                    p -> other.pod.apply(pod.apply(p)), n -> other.nodes.apply(nodes.apply(n)));
        }
    }

    /**
     * When the scheduler sends the pod to a lifeboat, a PreferNoSchedule taint next to the NoSchedule one
     * it tolerates steers it away while the workers are healthy, and still lets it in when they are not
     * (pods that tolerate only the NoSchedule effect do not tolerate PreferNoSchedule).
     */
    private Optional<Change> lifeboatTaint(PodState pod, Prediction today) {
        boolean toLifeboat = today.candidates().stream().anyMatch(n -> roles.get(n) == NodeRole.LIFEBOAT);
        if (!toLifeboat) {
            return Optional.empty();
        }
        Map<String, List<Taint>> added = new TreeMap<>();
        for (NodeState n : healed) {
            if (roles.get(n.name()) != NodeRole.LIFEBOAT) {
                continue;
            }
            for (Taint t : n.taints()) {
                Taint soft = new Taint(t.key(), t.value(), Taint.Effect.PreferNoSchedule);
                if (t.effect() == Taint.Effect.NoSchedule && pod.tolerations().stream().anyMatch(tol -> tol.tolerates(t))
                        && !n.taints().contains(soft)) {
                    added.computeIfAbsent(n.name(), k -> new ArrayList<>()).add(soft);
                }
            }
        }
        if (added.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder snippet = new StringBuilder("# Steer pods that tolerate only NoSchedule away from the lifeboat while workers are healthy\n");
        added.forEach((node, taints) -> taints.forEach(t -> snippet.append("kubectl taint nodes ").append(node).append(' ')
                .append(t).append('\n')));
        snippet.append("# k3d: add to the server's k3s arguments:");
        added.values().stream().flatMap(List::stream).map(Taint::toString).distinct()
                .forEach(t -> snippet.append(" --node-taint=").append(t));
        String taintText = added.values().iterator().next().get(0).toString();
        return Optional.of(new Change(Advice.Kind.PREFER_NO_SCHEDULE_TAINT,
                "a PreferNoSchedule taint (" + taintText + ") on the lifeboat node" + (added.size() > 1 ? "s" : ""),
                snippet.toString(), p -> p, nodes -> nodes.stream().map(n -> added.containsKey(n.name()) ? withTaints(n, added.get(n.name())) : n).toList()));
    }

    private static NodeState withTaints(NodeState n, List<Taint> more) {
        List<Taint> all = new ArrayList<>(n.taints());
        all.addAll(more);
        return new NodeState(n.name(), n.uid(), n.labels(), all, n.unschedulable(), n.allocatable(), n.allocatablePods(), n.conditions());
    }

    /** When the scheduler sends the pod next to the other side of its separation rule: a preferred anti-affinity. */
    private Optional<Change> separation(Placement placement, Prediction today) {
        if (placement.rule() == null) {
            return Optional.empty();
        }
        for (SeparationRule sep : happyPath.separations()) {
            if (!sep.involves(placement.rule())) {
                continue;
            }
            WorkloadRule partner = happyPath.rule(sep.partnerOf(placement.rule())).orElseThrow();
            boolean partnerThere = today.candidates().stream().flatMap(n -> snapshot.podsOn(n).stream())
                    .anyMatch(p -> !p.uid().equals(placement.pod().uid()) && partner.selects(p));
            if (!partnerThere) {
                continue;
            }
            LabelSelector selector = partner.selector() == null ? LabelSelector.EVERYTHING : partner.selector();
            String ownNs = placement.pod().namespace();
            boolean otherNs = !partner.namespace().equals(ownNs);
            PodAffinityTerm term = new PodAffinityTerm(selector, otherNs ? Set.of(partner.namespace()) : Set.of(), false, false, HOSTNAME);
            StringBuilder s = new StringBuilder();
            s.append("# ").append(Ledger.workloadKey(placement.pod())).append(": keep away from ").append(partner.name())
                    .append(" (separation ").append(sep.name()).append("); merge into the pod template's spec (Helm: its affinity value)\n");
            s.append("affinity:\n  podAntiAffinity:\n    preferredDuringSchedulingIgnoredDuringExecution:\n");
            s.append("      - weight: ").append(WEIGHT).append("\n        podAffinityTerm:\n          labelSelector:\n");
            appendSelector(s, selector, "            ");
            if (otherNs) {
                s.append("          namespaces: [").append(partner.namespace()).append("]\n");
            }
            s.append("          topologyKey: ").append(HOSTNAME);
            return Optional.of(new Change(Advice.Kind.PREFERRED_POD_ANTI_AFFINITY,
                    "a preferred anti-affinity (weight " + WEIGHT + ") against " + partner.name(), s.toString(),
                    p -> p.withAffinity(plusAntiAffinity(p.affinity(), new WeightedPodAffinityTerm(WEIGHT, term))), n -> n));
        }
        return Optional.empty();
    }

    /** A preferred node affinity towards the home. */
    private Change nodeAffinity(Placement placement) {
        LabelSelector home = placement.home().kind() == Home.Kind.WORKERS ? placement.home().workerSelector() : happyPath.nodes().workers();
        List<Requirement> reqs = new ArrayList<>();
        new TreeMap<>(home.matchLabels()).forEach((k, v) -> reqs.add(new Requirement(k, Requirement.Operator.In, List.of(v))));
        reqs.addAll(home.matchExpressions());
        NodeSelectorTerm term = new NodeSelectorTerm(reqs, List.of());
        StringBuilder s = new StringBuilder();
        s.append("# ").append(Ledger.workloadKey(placement.pod())).append(": prefer its home (").append(placement.home())
                .append("); merge into the pod template's spec (Helm: its affinity value)\n");
        s.append("affinity:\n  nodeAffinity:\n    preferredDuringSchedulingIgnoredDuringExecution:\n");
        s.append("      - weight: ").append(WEIGHT).append("\n        preference:\n          matchExpressions:\n");
        for (Requirement r : reqs) {
            s.append("            - key: ").append(r.key()).append("\n              operator: ").append(r.operator()).append('\n');
            if (!r.values().isEmpty()) {
                s.append("              values: [").append(String.join(", ", r.values().stream().map(Advisor::quote).toList())).append("]\n");
            }
        }
        return new Change(Advice.Kind.PREFERRED_NODE_AFFINITY, "a preferred node affinity (weight " + WEIGHT + ") towards " + placement.home(),
                s.toString().stripTrailing(), p -> p.withAffinity(plusNodePreference(p.affinity(), new PreferredSchedulingTerm(WEIGHT, term))), n -> n);
    }

    private static void appendSelector(StringBuilder s, LabelSelector selector, String indent) {
        if (selector.isEmpty()) {
            s.append(indent).append("{}\n");
            return;
        }
        if (!selector.matchLabels().isEmpty()) {
            s.append(indent).append("matchLabels:\n");
            new TreeMap<>(selector.matchLabels()).forEach((k, v) -> s.append(indent).append("  ").append(k).append(": ").append(quote(v)).append('\n'));
        }
        if (!selector.matchExpressions().isEmpty()) {
            s.append(indent).append("matchExpressions:\n");
            for (Requirement r : selector.matchExpressions()) {
                s.append(indent).append("  - { key: ").append(r.key()).append(", operator: ").append(r.operator());
                if (!r.values().isEmpty()) {
                    s.append(", values: [").append(String.join(", ", r.values().stream().map(Advisor::quote).toList())).append(']');
                }
                s.append(" }\n");
            }
        }
    }

    /** Quotes a YAML scalar that would otherwise read as a boolean, a number or null. */
    static String quote(String v) {
        if (v.isEmpty() || v.matches("(?i)true|false|yes|no|on|off|null|~|[-+]?[0-9.]+([eE][-+]?[0-9]+)?") || v.matches(".*[:#{}\\[\\],&*!|>'\"%@`].*")) {
            return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        return v;
    }

    private static Affinity plusNodePreference(Affinity a, PreferredSchedulingTerm t) {
        List<PreferredSchedulingTerm> prefs = new ArrayList<>(a.preferredNodeAffinity());
        prefs.add(t);
        return new Affinity(a.requiredNodeAffinity(), prefs, a.requiredPodAffinity(), a.preferredPodAffinity(),
                a.requiredPodAntiAffinity(), a.preferredPodAntiAffinity());
    }

    private static Affinity plusAntiAffinity(Affinity a, WeightedPodAffinityTerm t) {
        List<WeightedPodAffinityTerm> anti = new ArrayList<>(a.preferredPodAntiAffinity());
        anti.add(t);
        return new Affinity(a.requiredNodeAffinity(), a.preferredNodeAffinity(), a.requiredPodAffinity(), a.preferredPodAffinity(),
                a.requiredPodAntiAffinity(), anti);
    }
}
