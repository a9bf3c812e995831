package dev.happypath.rebalancer.scheduling;

import dev.happypath.rebalancer.snapshot.Claim;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.Resources;
import dev.happypath.rebalancer.snapshot.Volume;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot with the moves planned so far laid on top. A planned arrival counts on its target at once;
 * a planned departure does not free its source: an evicted pod holds its node's memory until it is gone
 * (seed 000), so nothing is credited back within a pass.
 *
 * <p>Mutable, but owned by one planning call.
 */
public final class PlanningView implements ClusterView {

    private final ClusterSnapshot snapshot;
    private final Map<String, NodeState> nodesByName = new LinkedHashMap<>();
    private final Map<String, List<PodState>> arrivals = new HashMap<>();
    private final Map<String, Resources> requested = new HashMap<>();
    private final Map<String, List<NodeState>> domains = new HashMap<>();
    private final List<PlacedPod> antiAffine = new ArrayList<>();

    public PlanningView(ClusterSnapshot snapshot) {
        this.snapshot = snapshot;
        for (NodeState n : snapshot.nodes()) {
            nodesByName.put(n.name(), n);
            Resources sum = Resources.NONE;
            for (PodState p : snapshot.podsOn(n.name())) {
                sum = sum.plus(p.requests());
                if (!p.affinity().requiredPodAntiAffinity().isEmpty()) {
                    antiAffine.add(new PlacedPod(p, n.name()));
                }
            }
            requested.put(n.name(), sum);
        }
    }

    /** Lays a planned move on top: the pod counts on {@code target} from now on. */
    public void arrive(PodState pod, String target) {
        arrivals.computeIfAbsent(target, k -> new ArrayList<>()).add(pod);
        requested.merge(target, pod.requests(), Resources::plus);
        if (!pod.affinity().requiredPodAntiAffinity().isEmpty()) {
            antiAffine.add(new PlacedPod(pod, target));
        }
    }

    @Override
    public Optional<NodeState> node(String name) {
        return Optional.ofNullable(nodesByName.get(name));
    }

    @Override
    public List<NodeState> nodes() {
        return snapshot.nodes();
    }

    @Override
    public List<PodState> podsOn(String nodeName) {
        List<PodState> planned = arrivals.get(nodeName);
        if (planned == null) {
            return snapshot.podsOn(nodeName);
        }
        List<PodState> all = new ArrayList<>(snapshot.podsOn(nodeName));
        all.addAll(planned);
        return all;
    }

    @Override
    public Resources requested(String nodeName) {
        return requested.getOrDefault(nodeName, Resources.NONE);
    }

    @Override
    public List<NodeState> nodesInDomain(String key, String value) {
        return domains.computeIfAbsent(key + "=" + value, k -> {
            List<NodeState> members = new ArrayList<>();
            for (NodeState n : snapshot.nodes()) {
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
    public Optional<Claim> claim(String namespace, String name) {
        return snapshot.claim(namespace, name);
    }

    @Override
    public Optional<Volume> volume(String name) {
        return snapshot.volume(name);
    }
}
