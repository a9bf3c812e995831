package dev.happypath.rebalancer.scheduling;

import dev.happypath.rebalancer.snapshot.LabelSelector;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.Resources;

import java.util.ArrayList;
import java.util.List;

/**
 * A view with the pods nominated to one node counted there, as the scheduler's addNominatedPods does before
 * it runs the filters on that node (pkg/scheduler/framework/runtime, RunFilterPluginsWithNominatedPods): a
 * Pending preemptor holds the room it was promised against every pod of no higher priority. Only that node
 * gets them: a pod nominated elsewhere does not count when this node is judged. Read-only.
 */
final class WithNominated extends ForwardingView {

    private final String node;
    private final List<PodState> added;
    private final List<PlacedPod> placed = new ArrayList<>();

    WithNominated(ClusterView base, String node, List<PodState> added) {
        super(base);
        this.node = node;
        this.added = List.copyOf(added);
        for (PodState p : added) {
            placed.add(new PlacedPod(p, node));
        }
    }

    /** The pods nominated to {@code node} that the scheduler counts for {@code incoming}: priority at least its own. */
    static List<PodState> counted(ClusterView view, String node, PodState incoming) {
        List<PodState> nominated = view.nominatedTo(node);
        if (nominated.isEmpty()) {
            return List.of();
        }
        List<PodState> out = new ArrayList<>();
        for (PodState p : nominated) {
            if (!p.uid().equals(incoming.uid()) && p.priority() >= incoming.priority()) {
                out.add(p);
            }
        }
        return out;
    }

    @Override
    public List<PodState> podsOn(String nodeName) {
        if (!nodeName.equals(node)) {
            return base.podsOn(nodeName);
        }
        List<PodState> all = new ArrayList<>(base.podsOn(nodeName));
        all.addAll(added);
        return all;
    }

    @Override
    public Resources requested(String nodeName) {
        Resources sum = base.requested(nodeName);
        if (nodeName.equals(node)) {
            for (PodState p : added) {
                sum = sum.plus(p.requests());
            }
        }
        return sum;
    }

    @Override
    public Resources nonZeroRequested(String nodeName) {
        Resources sum = base.nonZeroRequested(nodeName);
        if (nodeName.equals(node)) {
            for (PodState p : added) {
                sum = sum.plus(p.nonZeroRequests());
            }
        }
        return sum;
    }

    @Override
    public List<PlacedPod> podsWithRequiredAntiAffinity() {
        return plus(base.podsWithRequiredAntiAffinity(), true);
    }

    @Override
    public List<PlacedPod> podsWithAffinityTerms() {
        return plus(base.podsWithAffinityTerms(), false);
    }

    @Override
    public List<PlacedPod> requiredAntiAffinityCandidates(PodState incoming) {
        return plus(base.requiredAntiAffinityCandidates(incoming), true);
    }

    @Override
    public List<PlacedPod> affinityTermCandidates(PodState incoming) {
        return plus(base.affinityTermCandidates(incoming), false);
    }

    @Override
    public List<PlacedPod> podsSelectable(LabelSelector selector) {
        if (selector == null) {
            return List.of();
        }
        List<PlacedPod> all = new ArrayList<>(base.podsSelectable(selector));
        all.addAll(placed); // "could match": the few nominated pods are all offered, the caller's selector decides
        return all;
    }

    @Override
    public List<PlacedPod> podsOwnedBy(String controllerUid) {
        List<PlacedPod> all = new ArrayList<>(base.podsOwnedBy(controllerUid));
        for (PlacedPod p : placed) {
            if (p.pod().controller() != null && controllerUid.equals(p.pod().controller().uid())) {
                all.add(p);
            }
        }
        return all;
    }

    private List<PlacedPod> plus(List<PlacedPod> from, boolean requiredAntiAffinity) {
        List<PlacedPod> out = null;
        for (PlacedPod p : placed) {
            var a = p.pod().affinity();
            boolean has = requiredAntiAffinity ? !a.requiredPodAntiAffinity().isEmpty()
                    : !a.requiredPodAntiAffinity().isEmpty() || !a.requiredPodAffinity().isEmpty()
                    || !a.preferredPodAffinity().isEmpty() || !a.preferredPodAntiAffinity().isEmpty();
            if (has) {
                if (out == null) {
                    out = new ArrayList<>(from);
                }
                out.add(p);
            }
        }
        return out == null ? from : out;
    }
}
