package dev.happypath.rebalancer.scheduling;

import dev.happypath.rebalancer.snapshot.Affinity;
import dev.happypath.rebalancer.snapshot.Claim;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.Resources;
import dev.happypath.rebalancer.snapshot.Volume;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A snapshot with planned moves laid on top. A planned arrival counts on its target at once. Whether a
 * planned departure frees its source is up to the caller: the planner's safety view never departs
 * anything (an evicted pod holds its node's memory until it is gone, seed 000), while the view used to
 * predict the scheduler lets earlier moves' pods leave, as they will have by the time it decides.
 *
 * <p>Mutable, but owned by one planning call.
 */
public final class PlanningView implements ClusterView {

    private final ClusterSnapshot snapshot;
    private final Map<String, NodeState> nodes = new LinkedHashMap<>();
    private final List<NodeState> nodeList;
    private final Map<String, List<PodState>> arrivals = new HashMap<>();
    private final Set<String> departed = new HashSet<>();
    private final Set<String> nodesWithDepartures = new HashSet<>();
    private final Set<String> evicting = new HashSet<>();
    private final Map<String, Resources> requested = new HashMap<>();
    private final Map<String, Resources> nonZero = new HashMap<>();
    private final Map<String, List<NodeState>> domains = new HashMap<>();
    private final List<PlacedPod> antiAffine = new ArrayList<>();
    private final List<PlacedPod> withTerms = new ArrayList<>();

    public PlanningView(ClusterSnapshot snapshot) {
        this(snapshot, snapshot.nodes());
    }

    /** A view over other node records (the advice asks "with the workers healthy again"). */
    public PlanningView(ClusterSnapshot snapshot, List<NodeState> nodeRecords) {
        this.snapshot = snapshot;
        for (NodeState n : nodeRecords) {
            nodes.put(n.name(), n);
            Resources sum = Resources.NONE;
            Resources sumNonZero = Resources.NONE;
            for (PodState p : snapshot.podsOn(n.name())) {
                sum = sum.plus(p.requests());
                sumNonZero = sumNonZero.plus(p.nonZeroRequests());
                index(p, n.name());
            }
            requested.put(n.name(), sum);
            nonZero.put(n.name(), sumNonZero);
        }
        this.nodeList = List.copyOf(nodeRecords);
    }

    private void index(PodState p, String node) {
        Affinity a = p.affinity();
        if (!a.requiredPodAntiAffinity().isEmpty()) {
            antiAffine.add(new PlacedPod(p, node));
        }
        if (!a.requiredPodAntiAffinity().isEmpty() || !a.requiredPodAffinity().isEmpty()
                || !a.preferredPodAffinity().isEmpty() || !a.preferredPodAntiAffinity().isEmpty()) {
            withTerms.add(new PlacedPod(p, node));
        }
    }

    /** Lays a planned move on top: the pod counts on {@code target} from now on. */
    public void arrive(PodState pod, String target) {
        arrivals.computeIfAbsent(target, k -> new ArrayList<>()).add(pod);
        requested.merge(target, pod.requests(), Resources::plus);
        nonZero.merge(target, pod.nonZeroRequests(), Resources::plus);
        index(pod, target);
    }

    /** The pod has left its node (as bound in the snapshot): it holds nothing there any more. */
    public void depart(PodState pod) {
        if (!pod.isBound() || !departed.add(pod.uid())) {
            return;
        }
        nodesWithDepartures.add(pod.nodeName());
        requested.computeIfPresent(pod.nodeName(), (k, v) -> minus(v, pod.requests()));
        nonZero.computeIfPresent(pod.nodeName(), (k, v) -> minus(v, pod.nonZeroRequests()));
        antiAffine.removeIf(p -> p.pod().uid().equals(pod.uid()) && p.node().equals(pod.nodeName()));
        withTerms.removeIf(p -> p.pod().uid().equals(pod.uid()) && p.node().equals(pod.nodeName()));
    }

    /**
     * The pod is being evicted: it still holds its node (the scheduler's cache keeps a Terminating pod)
     * but no longer counts for topology spreading, which skips terminating pods.
     */
    public void evicting(PodState pod) {
        evicting.add(pod.uid());
    }

    /** Undoes {@link #evicting} once the question about this pod is answered. */
    public void notEvicting(PodState pod) {
        evicting.remove(pod.uid());
    }

    @Override
    public boolean terminating(PodState pod) {
        return pod.isTerminating() || evicting.contains(pod.uid());
    }

    private static Resources minus(Resources a, Resources b) {
        return new Resources(a.milliCpu() - b.milliCpu(), a.memoryBytes() - b.memoryBytes());
    }

    @Override
    public Optional<NodeState> node(String name) {
        return Optional.ofNullable(nodes.get(name));
    }

    @Override
    public List<NodeState> nodes() {
        return nodeList;
    }

    @Override
    public List<PodState> podsOn(String nodeName) {
        List<PodState> bound = snapshot.podsOn(nodeName);
        List<PodState> planned = arrivals.get(nodeName);
        if (planned == null && !nodesWithDepartures.contains(nodeName)) {
            return bound;
        }
        List<PodState> all = new ArrayList<>(bound.size() + (planned == null ? 0 : planned.size()));
        for (PodState p : bound) {
            if (!departed.contains(p.uid())) {
                all.add(p);
            }
        }
        if (planned != null) {
            all.addAll(planned);
        }
        return all;
    }

    @Override
    public Resources requested(String nodeName) {
        return requested.getOrDefault(nodeName, Resources.NONE);
    }

    @Override
    public Resources nonZeroRequested(String nodeName) {
        return nonZero.getOrDefault(nodeName, Resources.NONE);
    }

    @Override
    public List<NodeState> nodesInDomain(String key, String value) {
        return domains.computeIfAbsent(key + "=" + value, k -> {
            List<NodeState> members = new ArrayList<>();
            for (NodeState n : nodes.values()) {
                if (value.equals(n.labels().get(key))) {
                    members.add(n);
                }
            }
            return members;
        });
    }

    @Override
    public List<PlacedPod> podsWithRequiredAntiAffinity() {
        return antiAffine;
    }

    @Override
    public List<PlacedPod> podsWithAffinityTerms() {
        return withTerms;
    }

    @Override
    public Optional<Claim> claim(String namespace, String name) {
        return snapshot.claim(namespace, name);
    }

    @Override
    public Optional<Volume> volume(String name) {
        return snapshot.volume(name);
    }
}
