package dev.happypath.rebalancer.scheduling;

import dev.happypath.rebalancer.snapshot.Affinity;
import dev.happypath.rebalancer.snapshot.Claim;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.LabelSelector;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.Resources;
import dev.happypath.rebalancer.snapshot.Volume;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
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
 * <p>The questions the scheduler's plugins ask about other pods ("which pods does this selector match?",
 * "which placed pods' terms could select this pod?") are answered from indexes by label and by
 * controller, so a prediction costs in proportion to the nodes and the pods concerned rather than to
 * every pod of the cluster: a large cluster asks one prediction per stray.
 *
 * <p>Mutable, but owned by one planning call.
 */
public final class PlanningView implements ClusterView {

    private final ClusterSnapshot snapshot;
    private final List<NodeState> nodeList;
    private List<NodeState> nodesByName;
    private final Map<String, List<PodState>> arrivals = new HashMap<>();
    private final Set<String> departed = new HashSet<>();
    private final Set<String> nodesWithDepartures = new HashSet<>();
    private final Set<String> evicting = new HashSet<>();
    /**
     * The requests on the nodes that planned moves changed; every other node's are the base's. A view is
     * made per prediction (the advice makes one per workload it judges): copying every node's sums each
     * time was a third of the advice's cost on a 1,000-node cluster.
     */
    private final Map<String, Resources> requestedChanged = new HashMap<>();
    private final Map<String, Resources> nonZeroChanged = new HashMap<>();
    private final Map<String, List<NodeState>> domains = new HashMap<>();
    /**
     * The pods with affinity terms: the base's (shared, with their indexes), less those that departed
     * ({@code uid/node} of their bound place), then those planned to arrive, in arrival order.
     */
    private final Base base;
    private final Set<String> departedFromBase = new HashSet<>();
    private final List<PlacedPod> antiAffineArrived = new ArrayList<>();
    private final List<PlacedPod> withTermsArrived = new ArrayList<>();
    /** Planned arrivals by each of their labels ("key=value") and by controller uid, in arrival order. */
    private final Map<String, List<PlacedPod>> arrivedByLabel = new HashMap<>();
    private final Map<String, List<PlacedPod>> arrivedByController = new HashMap<>();

    public PlanningView(ClusterSnapshot snapshot) {
        this(base(snapshot), snapshot.nodes());
    }

    /** A view over other node records (the advice asks "with the workers healthy again"). */
    public PlanningView(ClusterSnapshot snapshot, List<NodeState> nodeRecords) {
        this(new Base(snapshot, nodeRecords), nodeRecords);
    }

    /**
     * A view on a base computed once for several views: the per-node sums and the pods with affinity terms
     * of the same snapshot and the same nodes (by name, in order), which every view would otherwise
     * compute again from every pod.
     */
    public PlanningView(Base base, List<NodeState> nodeRecords) {
        if (!base.nodeNames.equals(nodeRecords.stream().map(NodeState::name).toList())) {
            base = new Base(base.snapshot, nodeRecords);
        }
        this.snapshot = base.snapshot;
        this.base = base;
        this.nodeList = List.copyOf(nodeRecords);
    }

    /** The base of views over the snapshot's own node records. */
    public static Base base(ClusterSnapshot snapshot) {
        return new Base(snapshot, snapshot.nodes());
    }

    /**
     * What every view of a snapshot starts from: the requests on each node, and the pods whose affinity
     * terms the scheduler's plugins consult, with their indexes. Immutable.
     */
    public static final class Base {
        private final ClusterSnapshot snapshot;
        private final List<String> nodeNames;
        /** Name -> position of its first record, and of its last (they differ only if a name is listed twice). */
        private final Map<String, Integer> firstIndex = new HashMap<>();
        private final Map<String, Integer> lastIndex = new HashMap<>();
        /** The positions of the first record of each name, in order: the nodes as a map by name iterates them. */
        private final List<Integer> distinct = new ArrayList<>();
        private final Map<String, Resources> requested = new HashMap<>();
        private final Map<String, Resources> nonZero = new HashMap<>();
        private final List<PlacedPod> antiAffine = new ArrayList<>();
        private final List<PlacedPod> withTerms = new ArrayList<>();
        private TermIndex antiAffineIndex;
        private TermIndex withTermsIndex;

        private Base(ClusterSnapshot snapshot, List<NodeState> nodeRecords) {
            this.snapshot = snapshot;
            this.nodeNames = nodeRecords.stream().map(NodeState::name).toList();
            for (int i = 0; i < nodeNames.size(); i++) {
                if (firstIndex.putIfAbsent(nodeNames.get(i), i) == null) {
                    distinct.add(i);
                }
                lastIndex.put(nodeNames.get(i), i);
            }
            for (NodeState n : nodeRecords) {
                Resources sum = Resources.NONE;
                Resources sumNonZero = Resources.NONE;
                for (PodState p : snapshot.podsOn(n.name())) {
                    sum = sum.plus(p.requests());
                    sumNonZero = sumNonZero.plus(p.nonZeroRequests());
                    if (hasRequiredAntiAffinity(p)) {
                        antiAffine.add(new PlacedPod(p, n.name()));
                    }
                    if (hasTerms(p)) {
                        withTerms.add(new PlacedPod(p, n.name()));
                    }
                }
                requested.put(n.name(), sum);
                nonZero.put(n.name(), sumNonZero);
            }
        }

        private TermIndex antiAffineIndex() {
            if (antiAffineIndex == null) {
                antiAffineIndex = TermIndex.antiAffinity(antiAffine);
            }
            return antiAffineIndex;
        }

        private TermIndex withTermsIndex() {
            if (withTermsIndex == null) {
                withTermsIndex = TermIndex.scoring(withTerms);
            }
            return withTermsIndex;
        }
    }

    private static boolean hasRequiredAntiAffinity(PodState p) {
        return !p.affinity().requiredPodAntiAffinity().isEmpty();
    }

    private static boolean hasTerms(PodState p) {
        Affinity a = p.affinity();
        return !a.requiredPodAntiAffinity().isEmpty() || !a.requiredPodAffinity().isEmpty()
                || !a.preferredPodAffinity().isEmpty() || !a.preferredPodAntiAffinity().isEmpty();
    }

    private void index(PodState p, String node) {
        if (hasRequiredAntiAffinity(p)) {
            antiAffineArrived.add(new PlacedPod(p, node));
        }
        if (hasTerms(p)) {
            withTermsArrived.add(new PlacedPod(p, node));
        }
    }

    /** Lays a planned move on top: the pod counts on {@code target} from now on. */
    public void arrive(PodState pod, String target) {
        arrivals.computeIfAbsent(target, k -> new ArrayList<>()).add(pod);
        Resources before = sum(requestedChanged, base.requested, target);
        requestedChanged.put(target, before == null ? pod.requests() : before.plus(pod.requests()));
        Resources beforeNonZero = sum(nonZeroChanged, base.nonZero, target);
        nonZeroChanged.put(target, beforeNonZero == null ? pod.nonZeroRequests() : beforeNonZero.plus(pod.nonZeroRequests()));
        index(pod, target);
        PlacedPod placed = new PlacedPod(pod, target);
        for (Map.Entry<String, String> label : pod.labels().entrySet()) {
            arrivedByLabel.computeIfAbsent(label.getKey() + "=" + label.getValue(), k -> new ArrayList<>()).add(placed);
        }
        if (pod.controller() != null) {
            arrivedByController.computeIfAbsent(pod.controller().uid(), k -> new ArrayList<>()).add(placed);
        }
    }

    /** The pod has left its node (as bound in the snapshot): it holds nothing there any more. */
    public void depart(PodState pod) {
        if (!pod.isBound() || !departed.add(pod.uid())) {
            return;
        }
        nodesWithDepartures.add(pod.nodeName());
        Resources before = sum(requestedChanged, base.requested, pod.nodeName());
        if (before != null) {
            requestedChanged.put(pod.nodeName(), minus(before, pod.requests()));
        }
        Resources beforeNonZero = sum(nonZeroChanged, base.nonZero, pod.nodeName());
        if (beforeNonZero != null) {
            nonZeroChanged.put(pod.nodeName(), minus(beforeNonZero, pod.nonZeroRequests()));
        }
        // as if removed from the lists: every entry at this pod's bound place, the base's and those arrived so far
        departedFromBase.add(pod.uid() + "/" + pod.nodeName());
        antiAffineArrived.removeIf(p -> p.pod().uid().equals(pod.uid()) && p.node().equals(pod.nodeName()));
        withTermsArrived.removeIf(p -> p.pod().uid().equals(pod.uid()) && p.node().equals(pod.nodeName()));
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
        return a.minus(b);
    }

    /** A node's sum as this view has it: changed here, else the base's; null for a name neither knows. */
    private static Resources sum(Map<String, Resources> changed, Map<String, Resources> fromBase, String node) {
        Resources r = changed.get(node);
        return r != null ? r : fromBase.get(node);
    }

    @Override
    public Optional<NodeState> node(String name) {
        Integer i = base.lastIndex.get(name);
        return i == null ? Optional.empty() : Optional.of(nodeList.get(i));
    }

    @Override
    public List<NodeState> nodes() {
        return nodeList;
    }

    @Override
    public List<NodeState> nodesByName() {
        if (nodesByName == null) {
            nodesByName = ClusterView.super.nodesByName();
        }
        return nodesByName;
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
    public List<PodState> nominatedTo(String nodeName) {
        return snapshot.nominatedTo(nodeName);
    }

    @Override
    public Resources requested(String nodeName) {
        Resources r = sum(requestedChanged, base.requested, nodeName);
        return r == null ? Resources.NONE : r;
    }

    @Override
    public Resources nonZeroRequested(String nodeName) {
        Resources r = sum(nonZeroChanged, base.nonZero, nodeName);
        return r == null ? Resources.NONE : r;
    }

    private final Map<String, Integer> nodesWithImage = new HashMap<>();

    @Override
    public int nodesWithImage(String image) {
        // asked per image of every pod predicted: counted once per view
        return nodesWithImage.computeIfAbsent(image, ClusterView.super::nodesWithImage);
    }

    @Override
    public List<NodeState> nodesInDomain(String key, String value) {
        return domains.computeIfAbsent(key + "=" + value, k -> {
            List<NodeState> members = new ArrayList<>();
            // each name once, at its first place, with its last record (as a map by name would hold them)
            for (int i : base.distinct) {
                NodeState n = nodeList.get(base.lastIndex.get(nodeList.get(i).name()));
                if (value.equals(n.labels().get(key))) {
                    members.add(n);
                }
            }
            return members;
        });
    }

    @Override
    public List<PlacedPod> podsWithRequiredAntiAffinity() {
        return current(base.antiAffine, antiAffineArrived);
    }

    @Override
    public List<PlacedPod> podsWithAffinityTerms() {
        return current(base.withTerms, withTermsArrived);
    }

    @Override
    public List<PlacedPod> requiredAntiAffinityCandidates(PodState incoming) {
        return current(base.antiAffineIndex().candidates(incoming), antiAffineArrived);
    }

    @Override
    public List<PlacedPod> affinityTermCandidates(PodState incoming) {
        return current(base.withTermsIndex().candidates(incoming), withTermsArrived);
    }

    /** The base's entries still at their place, then the arrivals: the list as if kept up to date. */
    private List<PlacedPod> current(List<PlacedPod> fromBase, List<PlacedPod> arrived) {
        if (departedFromBase.isEmpty() && arrived.isEmpty()) {
            return fromBase;
        }
        List<PlacedPod> out = new ArrayList<>(fromBase.size() + arrived.size());
        for (PlacedPod p : fromBase) {
            if (departedFromBase.isEmpty() || !departedFromBase.contains(p.pod().uid() + "/" + p.node())) {
                out.add(p);
            }
        }
        out.addAll(arrived);
        return out;
    }

    @Override
    public List<PlacedPod> podsSelectable(LabelSelector selector) {
        if (selector == null) {
            return List.of();
        }
        String key = keyOf(selector);
        if (key == null) {
            return ClusterView.super.podsSelectable(selector);
        }
        String labelKey = key.substring(0, key.indexOf('='));
        return placed(snapshot.boundWithLabel(labelKey, selector.matchLabels().get(labelKey)), arrivedByLabel.get(key), true);
    }

    @Override
    public List<PlacedPod> podsOwnedBy(String controllerUid) {
        return placed(snapshot.boundOwnedBy(controllerUid), arrivedByController.get(controllerUid), false);
    }

    /**
     * The bound pods (snapshot order) still there and on one of the view's nodes, then the planned
     * arrivals; in podsOn order (node by node, bound before planned) when asked.
     */
    private List<PlacedPod> placed(List<PodState> bound, List<PlacedPod> arrived, boolean inOrder) {
        record Slot(PlacedPod placed, int node, int group, int order) {
        }
        List<Slot> slots = new ArrayList<>(bound.size() + (arrived == null ? 0 : arrived.size()));
        for (int i = 0; i < bound.size(); i++) {
            PodState p = bound.get(i);
            Integer n = base.firstIndex.get(p.nodeName());
            if (n != null && !departed.contains(p.uid())) {
                slots.add(new Slot(new PlacedPod(p, p.nodeName()), n, 0, i));
            }
        }
        if (arrived != null) {
            for (int i = 0; i < arrived.size(); i++) {
                Integer n = base.firstIndex.get(arrived.get(i).node());
                if (n != null) {
                    slots.add(new Slot(arrived.get(i), n, 1, i));
                }
            }
        }
        if (inOrder) {
            slots.sort(Comparator.comparingInt(Slot::node).thenComparingInt(Slot::group).thenComparingInt(Slot::order));
        }
        List<PlacedPod> out = new ArrayList<>(slots.size());
        for (Slot slot : slots) {
            out.add(slot.placed());
        }
        return out;
    }

    /**
     * A label every pod a selector matches must carry ({@code key=value} of its first matchLabels pair in
     * key order), or null when the selector has no matchLabels to key on.
     */
    static String keyOf(LabelSelector selector) {
        if (selector.matchLabels().isEmpty()) {
            return null;
        }
        String key = null;
        for (String k : selector.matchLabels().keySet()) {
            if (key == null || k.compareTo(key) < 0) {
                key = k;
            }
        }
        return key + "=" + selector.matchLabels().get(key);
    }

    /**
     * Placed pods with pod (anti-)affinity terms, by a label each term requires: a pod whose labels carry
     * none of a placed pod's keys cannot be selected by its terms. Candidates come back in list order.
     */
    private static final class TermIndex {
        private final List<PlacedPod> list;
        private final Map<String, List<Integer>> byLabel = new HashMap<>();
        private final List<Integer> always = new ArrayList<>();

        /** Indexes the required anti-affinity terms: they can forbid a newcomer. */
        static TermIndex antiAffinity(List<PlacedPod> list) {
            return new TermIndex(list, p -> p.affinity().requiredPodAntiAffinity().stream().map(t -> t.selector()).toList());
        }

        /** Indexes the terms that score a newcomer: required affinity, preferred affinity and anti-affinity. */
        static TermIndex scoring(List<PlacedPod> list) {
            return new TermIndex(list, p -> {
                List<LabelSelector> selectors = new ArrayList<>();
                p.affinity().requiredPodAffinity().forEach(t -> selectors.add(t.selector()));
                p.affinity().preferredPodAffinity().forEach(t -> selectors.add(t.term().selector()));
                p.affinity().preferredPodAntiAffinity().forEach(t -> selectors.add(t.term().selector()));
                return selectors;
            });
        }

        TermIndex(List<PlacedPod> list, java.util.function.Function<PodState, List<LabelSelector>> selectors) {
            this.list = list;
            for (int i = 0; i < list.size(); i++) {
                Set<String> keys = new HashSet<>();
                boolean anyUnkeyed = false;
                for (LabelSelector selector : selectors.apply(list.get(i).pod())) {
                    if (selector == null) {
                        continue; // selects nothing
                    }
                    String key = keyOf(selector);
                    if (key == null) {
                        anyUnkeyed = true;
                    } else {
                        keys.add(key);
                    }
                }
                if (anyUnkeyed) {
                    always.add(i);
                } else {
                    for (String key : keys) {
                        byLabel.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
                    }
                }
            }
        }

        List<PlacedPod> candidates(PodState incoming) {
            java.util.TreeSet<Integer> positions = new java.util.TreeSet<>(always);
            for (Map.Entry<String, String> label : incoming.labels().entrySet()) {
                List<Integer> hit = byLabel.get(label.getKey() + "=" + label.getValue());
                if (hit != null) {
                    positions.addAll(hit);
                }
            }
            List<PlacedPod> out = new ArrayList<>(positions.size());
            for (int i : positions) {
                out.add(list.get(i));
            }
            return out;
        }
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
