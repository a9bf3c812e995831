package dev.happypath.rebalancer.scheduling;

import dev.happypath.rebalancer.snapshot.Claim;
import dev.happypath.rebalancer.snapshot.LabelSelector;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.Resources;
import dev.happypath.rebalancer.snapshot.Volume;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The cluster as the scheduler's plugins see it: a snapshot, possibly with planned moves laid on top. */
public interface ClusterView {

    List<NodeState> nodes();

    Optional<NodeState> node(String name);

    /** The {@link #nodes} by name. */
    default List<NodeState> nodesByName() {
        return nodes().stream().sorted(java.util.Comparator.comparing(NodeState::name)).toList();
    }

    /** Pods that hold the node's resources (Terminating ones included) and those planned to arrive. */
    List<PodState> podsOn(String nodeName);

    /** Sum of the requests of {@link #podsOn(String)}. */
    Resources requested(String nodeName);

    /** Sum of the scoring ("non-zero") requests of {@link #podsOn(String)}. */
    Resources nonZeroRequested(String nodeName);

    /** Nodes whose label {@code key} has {@code value}: one topology domain. */
    List<NodeState> nodesInDomain(String key, String value);

    /** Every placed pod that declares a required pod anti-affinity (they can forbid a newcomer). */
    List<PlacedPod> podsWithRequiredAntiAffinity();

    /** Every placed pod that declares any pod affinity or anti-affinity term (they score a newcomer). */
    List<PlacedPod> podsWithAffinityTerms();

    /**
     * The pods of {@link #podsWithRequiredAntiAffinity()} that may forbid {@code incoming}: every one
     * whose required anti-affinity terms could select it, in the same order (a view may leave out those
     * that certainly cannot).
     */
    default List<PlacedPod> requiredAntiAffinityCandidates(PodState incoming) {
        return podsWithRequiredAntiAffinity();
    }

    /** The pods of {@link #podsWithAffinityTerms()} whose scoring terms could select {@code incoming}, in the same order. */
    default List<PlacedPod> affinityTermCandidates(PodState incoming) {
        return podsWithAffinityTerms();
    }

    /**
     * Every pod of {@link #podsOn} of every node of {@link #nodes()}, in that order, that {@code selector}
     * could match (a view may leave out those it certainly does not); none for a null selector.
     */
    default List<PlacedPod> podsSelectable(LabelSelector selector) {
        List<PlacedPod> all = new ArrayList<>();
        if (selector == null) {
            return all;
        }
        for (NodeState n : nodes()) {
            for (PodState p : podsOn(n.name())) {
                all.add(new PlacedPod(p, n.name()));
            }
        }
        return all;
    }

    /** Every pod of {@link #podsOn} of the nodes of {@link #nodes()} whose controller has this uid (in no particular order). */
    default List<PlacedPod> podsOwnedBy(String controllerUid) {
        List<PlacedPod> all = new ArrayList<>();
        for (NodeState n : nodes()) {
            for (PodState p : podsOn(n.name())) {
                if (p.controller() != null && controllerUid.equals(p.controller().uid())) {
                    all.add(new PlacedPod(p, n.name()));
                }
            }
        }
        return all;
    }

    /** Whether the pod is going away (Terminating, or being evicted in the situation this view describes). */
    default boolean terminating(PodState pod) {
        return pod.isTerminating();
    }

    /** How many nodes of {@link #nodes()} list this image name in status.images (ImageLocality's spread). */
    default int nodesWithImage(String image) {
        int count = 0;
        for (NodeState n : nodes()) {
            if (n.images().containsKey(image)) {
                count++;
            }
        }
        return count;
    }

    /**
     * The Pending pods whose status.nominatedNodeName is this node (a preemption promised them room there),
     * which the scheduler counts on it when it filters a pod of no higher priority. None by default.
     */
    default List<PodState> nominatedTo(String nodeName) {
        return List.of();
    }

    Optional<Claim> claim(String namespace, String name);

    Optional<Volume> volume(String name);
}
