package dev.happypath.rebalancer.scheduling;

import dev.happypath.rebalancer.snapshot.Claim;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.Resources;
import dev.happypath.rebalancer.snapshot.Volume;

import java.util.List;
import java.util.Optional;

/** The cluster as a filter sees it: a snapshot, possibly with moves already planned applied on top. */
public interface ClusterView {

    List<NodeState> nodes();

    /** Pods that hold the node's resources (Terminating ones included) and those planned to arrive. */
    List<PodState> podsOn(String nodeName);

    /** Sum of the requests of {@link #podsOn(String)}. */
    Resources requested(String nodeName);

    /** Nodes whose label {@code key} has {@code value}: one topology domain. */
    List<NodeState> nodesInDomain(String key, String value);

    Optional<NodeState> node(String name);

    /** Every placed pod that declares a required pod anti-affinity (they can forbid a newcomer). */
    List<PlacedPod> podsWithRequiredAntiAffinity();

    Optional<Claim> claim(String namespace, String name);

    Optional<Volume> volume(String name);
}
