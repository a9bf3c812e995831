package dev.happypath.rebalancer.plan;

import dev.happypath.rebalancer.compare.Placement;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.config.WorkloadRule;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.Condition;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What a move does to the workload and to the node it leaves: the "not now" rules (the pod, a sibling or
 * its node is not healthy), the only replica. Each is a small named check;
 * the answers come from the snapshot's indexes (a workload's replicas), never from a
 * scan of every pod. Pure.
 */
final class DisruptionRules {

    /** More replicas than this are counted, not named, in a move's details. */
    private static final int MAX_NAMED = 3;

    private DisruptionRules() {
    }

    /** A reason not to move the pod now, with its code. */
    record Verdict(MoveCode code, String reason) {
    }

    /**
     * Every reason to wait, in this order: the node it leaves is not Ready, the pod itself is not Ready, it is
     * the last Ready replica of its workload. Empty when none applies.
     */
    static List<Verdict> notNow(PodState pod, ClusterSnapshot snapshot) {
        List<Verdict> verdicts = new ArrayList<>();
        Optional<NodeState> source = snapshot.node(pod.nodeName());
        if (source.isEmpty() || !source.get().isReady()) {
            // the kubelet there cannot confirm the pod is gone: it stays Terminating, and a StatefulSet pod of
            // that name is then never recreated
            verdicts.add(new Verdict(MoveCode.SOURCE_NOT_READY, "its node " + pod.nodeName() + " is not Ready ("
                    + source.map(DisruptionRules::readiness).orElse("not in the cluster")
                    + "): an evicted pod there would stay Terminating, and a StatefulSet pod would not be recreated"));
        }
        if (!pod.ready()) {
            verdicts.add(new Verdict(MoveCode.POD_NOT_READY, "the pod is not Ready (" + pod.whatItIsDoing()
                    + "): a move would not make it healthy, and its replacement's readiness would prove nothing; moved once it is Ready"));
        } else {
            List<PodState> siblings = siblings(pod, snapshot);
            if (!siblings.isEmpty() && siblings.stream().noneMatch(PodState::ready)) {
                verdicts.add(new Verdict(MoveCode.LAST_READY_REPLICA, "the last Ready replica of " + pod.workload() + ": "
                        + describe(siblings) + " not Ready; evicting it would leave none Ready"));
            }
        }
        return verdicts;
    }

    /** "the only replica of Deployment/x, and no PodDisruptionBudget covers it", when it is; call only without a PDB. */
    static Optional<String> onlyReplica(PodState pod, ClusterSnapshot snapshot) {
        return siblings(pod, snapshot).isEmpty()
                ? Optional.of("the only replica of " + pod.workload() + ", and no PodDisruptionBudget covers it")
                : Optional.empty();
    }

    /** The workload rule's allowDowntime, else eviction.allowDowntime. */
    static boolean downtimeAllowed(Placement stray, HappyPath happyPath) {
        Boolean rule = stray.rule() == null ? null : happyPath.rule(stray.rule()).map(WorkloadRule::allowDowntime).orElse(null);
        return rule != null ? rule : happyPath.eviction().allowDowntime();
    }

    /** Which setting decided about downtime, as a person would look it up. */
    static String downtimeSetting(Placement stray, HappyPath happyPath) {
        Boolean rule = stray.rule() == null ? null : happyPath.rule(stray.rule()).map(WorkloadRule::allowDowntime).orElse(null);
        return rule != null ? "workload rule " + stray.rule() + " says allowDowntime: " + rule
                : "eviction.allowDowntime is " + happyPath.eviction().allowDowntime();
    }

    /** The other pods of its workload that still count: not Terminating (they are on their way out). */
    private static List<PodState> siblings(PodState pod, ClusterSnapshot snapshot) {
        if (pod.controller() == null) {
            return List.of();
        }
        List<PodState> out = new ArrayList<>();
        for (PodState p : snapshot.replicasOf(pod)) {
            if (!p.uid().equals(pod.uid()) && !p.isTerminating()) {
                out.add(p);
            }
        }
        return out;
    }

    private static String describe(List<PodState> siblings) {
        List<PodState> sorted = siblings.stream().sorted(Comparator.comparing(PodState::name)).toList();
        List<String> named = new ArrayList<>();
        for (int i = 0; i < Math.min(MAX_NAMED, sorted.size()); i++) {
            named.add(sorted.get(i).name() + " (" + sorted.get(i).whatItIsDoing() + ")");
        }
        String more = sorted.size() > MAX_NAMED ? " and " + (sorted.size() - MAX_NAMED) + " more" : "";
        return (sorted.size() == 1 ? "its other replica " : "its other replicas ") + String.join(", ", named) + more
                + (sorted.size() == 1 ? " is" : " are");
    }

    private static String readiness(NodeState node) {
        Optional<Condition> ready = node.condition("Ready");
        if (ready.isEmpty()) {
            return "no Ready condition";
        }
        Condition c = ready.get();
        return "Ready=" + c.status() + (c.reason() == null ? "" : ", " + c.reason())
                + (c.lastTransitionTime() == null ? "" : " since " + c.lastTransitionTime());
    }
}
