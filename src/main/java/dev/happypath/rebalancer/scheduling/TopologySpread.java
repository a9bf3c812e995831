package dev.happypath.rebalancer.scheduling;

import dev.happypath.rebalancer.snapshot.LabelSelector;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.Requirement;
import dev.happypath.rebalancer.snapshot.TopologySpreadConstraint;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Pod topology spreading as the PodTopologySpread plugin counts it: pods of the constraint's namespace
 * that its selector matches, Terminating pods excluded, on nodes that pass the inclusion policies.
 */
final class TopologySpread {

    static final String HOSTNAME = "kubernetes.io/hostname";
    static final String ZONE = "topology.kubernetes.io/zone";

    /**
     * A constraint with its effective selector.
     *
     * @param owner when set (system default constraints), pods match by having this controller uid
     */
    record Spread(TopologySpreadConstraint constraint, LabelSelector selector, String owner) {

        boolean matches(PodState candidate, PodState incoming) {
            if (!candidate.namespace().equals(incoming.namespace())) {
                return false;
            }
            if (owner != null) {
                return candidate.controller() != null && owner.equals(candidate.controller().uid());
            }
            return selector != null && selector.matches(candidate.labels());
        }
    }

    private TopologySpread() {
    }

    /** The pod's own constraints of one kind, with matchLabelKeys folded into their selectors. */
    static List<Spread> own(PodState pod, boolean doNotSchedule) {
        List<Spread> result = new ArrayList<>();
        for (TopologySpreadConstraint c : pod.topologySpreadConstraints()) {
            if (c.doNotSchedule() != doNotSchedule) {
                continue;
            }
            LabelSelector selector = c.selector();
            if (selector != null && !c.matchLabelKeys().isEmpty()) {
                List<Requirement> extra = new ArrayList<>(selector.matchExpressions());
                for (String key : c.matchLabelKeys()) {
                    String value = pod.labels().get(key);
                    if (value != null) {
                        extra.add(new Requirement(key, Requirement.Operator.In, List.of(value)));
                    }
                }
                selector = new LabelSelector(selector.matchLabels(), extra);
            }
            result.add(new Spread(c, selector, null));
        }
        return result;
    }

    /**
     * The scheduler's system default constraints (hostname maxSkew 3, zone maxSkew 5, ScheduleAnyway) for
     * a pod that declares none. Their selector comes from the Services and controller selecting the pod;
     * a snapshot holds neither, so "pods of the same controller" stands in for it.
     */
    static List<Spread> systemDefaults(PodState pod) {
        if (!pod.topologySpreadConstraints().isEmpty() || pod.controller() == null) {
            return List.of();
        }
        String owner = pod.controller().uid();
        return List.of(
                new Spread(new TopologySpreadConstraint(3, HOSTNAME, false, null, null, true, false, List.of()), null, owner),
                new Spread(new TopologySpreadConstraint(5, ZONE, false, null, null, true, false, List.of()), null, owner));
    }

    /** nodeAffinityPolicy (Honor by default) and nodeTaintsPolicy (Ignore by default). */
    static boolean included(Spread s, PodState pod, NodeState node) {
        if (s.constraint().honorNodeAffinity() && !Filters.requiredNodeMatches(pod, node)) {
            return false;
        }
        return !s.constraint().honorNodeTaints() || Filters.untoleratedTaint(pod, node).isEmpty();
    }

    /**
     * Matching pods per node of the view (Terminating ones left out), from the pods the constraint can
     * match: those of its controller, or those its selector could match.
     */
    static Map<String, Integer> countsByNode(Spread s, PodState incoming, ClusterView view) {
        Map<String, Integer> counts = new java.util.HashMap<>();
        List<PlacedPod> candidates = s.owner() != null ? view.podsOwnedBy(s.owner()) : view.podsSelectable(s.selector());
        for (PlacedPod placed : candidates) {
            if (!view.terminating(placed.pod()) && s.matches(placed.pod(), incoming)) {
                counts.merge(placed.node(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** Matching pods per domain value, over the nodes that carry the key and pass the inclusion policies. */
    static Map<String, Integer> countsByDomain(Spread s, PodState pod, ClusterView view, boolean missingIsEmptyValue,
                                               Map<String, Integer> byNode) {
        Map<String, Integer> counts = new java.util.HashMap<>();
        String key = s.constraint().topologyKey();
        for (NodeState n : view.nodes()) {
            String value = n.labels().get(key);
            if (value == null) {
                if (!missingIsEmptyValue) {
                    continue;
                }
                value = "";
            }
            if (!included(s, pod, n)) {
                continue;
            }
            counts.merge(value, byNode.getOrDefault(n.name(), 0), Integer::sum);
        }
        return counts;
    }
}
