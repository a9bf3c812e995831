package dev.happypath.rebalancer.scheduling;

import dev.happypath.rebalancer.snapshot.LabelSelector;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.Resources;

import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** A view as if some pods were gone: the victims of a preemption being weighed ({@link Preemption#without}). */
final class WithoutPods extends ForwardingView {

    private final Set<String> gone;

    WithoutPods(ClusterView base, Set<String> gone) {
        super(base);
        this.gone = Set.copyOf(gone);
    }

    @Override
    public List<PodState> podsOn(String nodeName) {
        return base.podsOn(nodeName).stream().filter(p -> !gone.contains(p.uid())).toList();
    }

    @Override
    public Resources requested(String nodeName) {
        return sum(nodeName, PodState::requests);
    }

    @Override
    public Resources nonZeroRequested(String nodeName) {
        return sum(nodeName, PodState::nonZeroRequests);
    }

    /** Summed again over the pods left, as the scheduler's NodeInfo is once a victim is removed. */
    private Resources sum(String nodeName, Function<PodState, Resources> requests) {
        Resources sum = Resources.NONE;
        for (PodState p : podsOn(nodeName)) {
            sum = sum.plus(requests.apply(p));
        }
        return sum;
    }

    @Override
    public List<PlacedPod> podsWithRequiredAntiAffinity() {
        return present(base.podsWithRequiredAntiAffinity());
    }

    @Override
    public List<PlacedPod> podsWithAffinityTerms() {
        return present(base.podsWithAffinityTerms());
    }

    @Override
    public List<PlacedPod> requiredAntiAffinityCandidates(PodState incoming) {
        return present(base.requiredAntiAffinityCandidates(incoming));
    }

    @Override
    public List<PlacedPod> affinityTermCandidates(PodState incoming) {
        return present(base.affinityTermCandidates(incoming));
    }

    @Override
    public List<PlacedPod> podsSelectable(LabelSelector selector) {
        return present(base.podsSelectable(selector));
    }

    @Override
    public List<PlacedPod> podsOwnedBy(String controllerUid) {
        return present(base.podsOwnedBy(controllerUid));
    }

    private List<PlacedPod> present(List<PlacedPod> from) {
        return from.stream().filter(p -> !gone.contains(p.pod().uid())).toList();
    }
}
