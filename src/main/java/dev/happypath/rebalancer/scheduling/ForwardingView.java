package dev.happypath.rebalancer.scheduling;

import dev.happypath.rebalancer.snapshot.Claim;
import dev.happypath.rebalancer.snapshot.LabelSelector;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.Resources;
import dev.happypath.rebalancer.snapshot.Volume;

import java.util.List;
import java.util.Optional;

/**
 * A view that answers every question as another view does: the base of the views that change one thing about
 * a cluster (some pods gone, {@link WithoutPods}; the pods nominated to a node counted there,
 * {@link WithNominated}), each of which overrides only what it changes. Every method is forwarded, the
 * interface's defaults included, so that the base view's indexes answer.
 */
abstract class ForwardingView implements ClusterView {

    final ClusterView base;

    ForwardingView(ClusterView base) {
        this.base = base;
    }

    @Override
    public List<NodeState> nodes() {
        return base.nodes();
    }

    @Override
    public List<NodeState> nodesByName() {
        return base.nodesByName();
    }

    @Override
    public Optional<NodeState> node(String name) {
        return base.node(name);
    }

    @Override
    public List<PodState> podsOn(String nodeName) {
        return base.podsOn(nodeName);
    }

    @Override
    public Resources requested(String nodeName) {
        return base.requested(nodeName);
    }

    @Override
    public Resources nonZeroRequested(String nodeName) {
        return base.nonZeroRequested(nodeName);
    }

    @Override
    public List<NodeState> nodesInDomain(String key, String value) {
        return base.nodesInDomain(key, value);
    }

    @Override
    public List<PlacedPod> podsWithRequiredAntiAffinity() {
        return base.podsWithRequiredAntiAffinity();
    }

    @Override
    public List<PlacedPod> podsWithAffinityTerms() {
        return base.podsWithAffinityTerms();
    }

    @Override
    public List<PlacedPod> requiredAntiAffinityCandidates(PodState incoming) {
        return base.requiredAntiAffinityCandidates(incoming);
    }

    @Override
    public List<PlacedPod> affinityTermCandidates(PodState incoming) {
        return base.affinityTermCandidates(incoming);
    }

    @Override
    public List<PlacedPod> podsSelectable(LabelSelector selector) {
        return base.podsSelectable(selector);
    }

    @Override
    public List<PlacedPod> podsOwnedBy(String controllerUid) {
        return base.podsOwnedBy(controllerUid);
    }

    @Override
    public boolean terminating(PodState pod) {
        return base.terminating(pod);
    }

    @Override
    public int nodesWithImage(String image) {
        return base.nodesWithImage(image);
    }

    @Override
    public List<PodState> nominatedTo(String nodeName) {
        return base.nominatedTo(nodeName);
    }

    @Override
    public Optional<Claim> claim(String namespace, String name) {
        return base.claim(namespace, name);
    }

    @Override
    public Optional<Volume> volume(String name) {
        return base.volume(name);
    }
}
