package dev.happypath.rebalancer.scheduling;

import dev.happypath.rebalancer.snapshot.Claim;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.Resources;
import dev.happypath.rebalancer.snapshot.Volume;

import java.util.List;
import java.util.Optional;

/** The cluster as the scheduler's plugins see it: a snapshot, possibly with planned moves laid on top. */
public interface ClusterView {

    List<NodeState> nodes();

    Optional<NodeState> node(String name);

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

    /** Whether the pod is going away (Terminating, or being evicted in the situation this view describes). */
    default boolean terminating(PodState pod) {
        return pod.isTerminating();
    }

    Optional<Claim> claim(String namespace, String name);

    Optional<Volume> volume(String name);
}
