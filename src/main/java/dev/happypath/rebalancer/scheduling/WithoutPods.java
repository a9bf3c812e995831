package dev.happypath.rebalancer.scheduling;

import dev.happypath.rebalancer.snapshot.LabelSelector;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.Resources;

import java.util.List;
import java.util.Set;

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

    // summed again over the pods left (as the scheduler's NodeInfo does once a victim is removed)
    @Override
    public Resources requested(String nodeName) {
        Resources sum = Resources.NONE;
        for (PodState p : podsOn(nodeName)) {
            sum = sum.plus(p.requests());
        }
        return sum;
    }

    @Override
    public Resources nonZeroRequested(String nodeName) {
        Resources sum = Resources.NONE;
        for (PodState p : podsOn(nodeName)) {
            sum = sum.plus(p.nonZeroRequests());
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
