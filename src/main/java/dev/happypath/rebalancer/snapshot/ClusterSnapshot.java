package dev.happypath.rebalancer.snapshot;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster as read once: nodes, pods, PodDisruptionBudgets, claims and volumes, indexed for the
 * questions the pure stages ask. Immutable; a dump file, a fixture and a live LIST produce the same thing.
 */
public final class ClusterSnapshot {

    private final Instant readAt;
    private final List<NodeState> nodes;
    private final List<PodState> pods;
    private final List<DisruptionBudget> budgets;
    private final List<Claim> claims;
    private final List<Volume> volumes;

    private final Map<String, NodeState> nodesByName;
    private final Map<String, List<PodState>> podsByNode;
    private final Map<String, Map<String, Claim>> claimsByNamespace;
    private final Map<String, Volume> volumesByName;
    /** namespace -> "key=value" of a selector's first matchLabels pair -> budgets; budgets without matchLabels under "". */
    private final Map<String, Map<String, List<DisruptionBudget>>> budgetsByLabel;
    /** "key=value" -> the pods of {@link #podsOn} carrying that label, in {@link #pods()} order. */
    private final Map<String, List<PodState>> boundByLabel;
    /** controller uid -> the pods of {@link #podsOn} it owns, in {@link #pods()} order. */
    private final Map<String, List<PodState>> boundByController;
    /** namespace/workload (a Deployment across its ReplicaSets) -> its pods that are not Succeeded/Failed, bound or Pending. */
    private final Map<String, List<PodState>> replicasByWorkload;
    /** node name -> the Pending pods a preemption has nominated to it (status.nominatedNodeName). */
    private final Map<String, List<PodState>> nominatedByNode;

    public ClusterSnapshot(Instant readAt, List<NodeState> nodes, List<PodState> pods,
                           List<DisruptionBudget> budgets, List<Claim> claims, List<Volume> volumes) {
        this.readAt = readAt;
        this.nodes = List.copyOf(nodes);
        this.pods = List.copyOf(pods);
        this.budgets = List.copyOf(budgets);
        this.claims = List.copyOf(claims);
        this.volumes = List.copyOf(volumes);

        Map<String, NodeState> byName = new LinkedHashMap<>();
        for (NodeState n : this.nodes) {
            byName.put(n.name(), n);
        }
        this.nodesByName = Collections.unmodifiableMap(byName);

        Map<String, List<PodState>> byNode = new HashMap<>();
        for (PodState p : this.pods) {
            // Terminating pods stay: until the kubelet confirms they are gone the scheduler still counts
            // their requests on the node. Succeeded/Failed pods hold nothing.
            if (p.isBound() && !p.isTerminal()) {
                byNode.computeIfAbsent(p.nodeName(), k -> new ArrayList<>()).add(p);
            }
        }
        byNode.replaceAll((k, v) -> List.copyOf(v));
        this.podsByNode = Collections.unmodifiableMap(byNode);

        // The scheduler's plugins ask which pods a selector matches, or which pods a controller owns, once
        // per prediction: answered from these instead of a scan of every pod.
        Map<String, List<PodState>> podsByLabel = new HashMap<>();
        Map<String, List<PodState>> byController = new HashMap<>();
        for (PodState p : this.pods) {
            if (p.isBound() && !p.isTerminal()) {
                for (Map.Entry<String, String> label : p.labels().entrySet()) {
                    podsByLabel.computeIfAbsent(label.getKey() + "=" + label.getValue(), k -> new ArrayList<>(2)).add(p);
                }
                if (p.controller() != null) {
                    byController.computeIfAbsent(p.controller().uid(), k -> new ArrayList<>(2)).add(p);
                }
            }
        }
        this.boundByLabel = podsByLabel;
        this.boundByController = byController;

        // The disruption rules ask, per stray, how many replicas its workload has and whether they are Ready,
        // and whether a node is promised to a preemptor: answered from these, never from a scan of every pod.
        Map<String, List<PodState>> replicas = new HashMap<>();
        Map<String, List<PodState>> nominated = new HashMap<>();
        for (PodState p : this.pods) {
            if (p.isTerminal()) {
                continue;
            }
            if (p.controller() != null) {
                // by the workload a person names: mid-rollout, the old and the new ReplicaSet's pods are one workload
                replicas.computeIfAbsent(p.namespace() + "/" + p.workload(), k -> new ArrayList<>(2)).add(p);
            }
            if (!p.isBound() && p.nominatedNodeName() != null) {
                nominated.computeIfAbsent(p.nominatedNodeName(), k -> new ArrayList<>(1)).add(p);
            }
        }
        this.replicasByWorkload = replicas;
        this.nominatedByNode = nominated;

        Map<String, Map<String, Claim>> byClaim = new HashMap<>();
        for (Claim c : this.claims) {
            byClaim.computeIfAbsent(c.namespace(), k -> new HashMap<>()).put(c.name(), c);
        }
        this.claimsByNamespace = byClaim;

        Map<String, Volume> byVolume = new HashMap<>();
        for (Volume v : this.volumes) {
            byVolume.put(v.name(), v);
        }
        this.volumesByName = Collections.unmodifiableMap(byVolume);


        // A pod is matched only against the budgets that could select it: those keyed by one of its labels,
        // and those whose selector has no matchLabels to key on.
        Map<String, Map<String, List<DisruptionBudget>>> byLabel = new HashMap<>();
        for (DisruptionBudget b : this.budgets) {
            String key = "";
            if (b.selector() != null && !b.selector().matchLabels().isEmpty()) {
                var first = new java.util.TreeMap<>(b.selector().matchLabels()).firstEntry();
                key = first.getKey() + "=" + first.getValue();
            }
            byLabel.computeIfAbsent(b.namespace(), k -> new HashMap<>()).computeIfAbsent(key, k -> new ArrayList<>()).add(b);
        }
        this.budgetsByLabel = byLabel;
    }

    public Instant readAt() {
        return readAt;
    }

    public List<NodeState> nodes() {
        return nodes;
    }

    public List<PodState> pods() {
        return pods;
    }

    public List<DisruptionBudget> budgets() {
        return budgets;
    }

    public List<Claim> claims() {
        return claims;
    }

    public List<Volume> volumes() {
        return volumes;
    }

    public Optional<NodeState> node(String name) {
        return Optional.ofNullable(nodesByName.get(name));
    }

    /** Pods bound to the node that still hold its resources, Terminating ones included. */
    public List<PodState> podsOn(String nodeName) {
        return podsByNode.getOrDefault(nodeName, List.of());
    }

    /** The pods of {@link #podsOn} (any node) that carry the label {@code key=value}, in {@link #pods()} order. */
    public List<PodState> boundWithLabel(String key, String value) {
        return Collections.unmodifiableList(boundByLabel.getOrDefault(key + "=" + value, List.of()));
    }

    /** The pods of {@link #podsOn} (any node) whose controller has this uid, in {@link #pods()} order. */
    public List<PodState> boundOwnedBy(String controllerUid) {
        return Collections.unmodifiableList(boundByController.getOrDefault(controllerUid, List.of()));
    }

    /**
     * Every pod (bound or Pending, Terminating included, Succeeded/Failed not) of the pod's workload: the pods of
     * its controller, and for a Deployment's pod those of all its ReplicaSets ({@link PodState#workload()}).
     */
    public List<PodState> replicasOf(PodState pod) {
        if (pod.controller() == null) {
            return List.of(pod);
        }
        return Collections.unmodifiableList(replicasByWorkload.getOrDefault(pod.namespace() + "/" + pod.workload(), List.of()));
    }

    /** The Pending pods whose status.nominatedNodeName is this node: a preemption has promised them room there. */
    public List<PodState> nominatedTo(String nodeName) {
        return Collections.unmodifiableList(nominatedByNode.getOrDefault(nodeName, List.of()));
    }

    public Optional<Claim> claim(String namespace, String name) {
        Map<String, Claim> inNamespace = claimsByNamespace.get(namespace);
        return Optional.ofNullable(inNamespace == null ? null : inNamespace.get(name));
    }

    public Optional<Volume> volume(String name) {
        return Optional.ofNullable(volumesByName.get(name));
    }

    public List<DisruptionBudget> budgetsCovering(PodState pod) {
        Map<String, List<DisruptionBudget>> inNamespace = budgetsByLabel.get(pod.namespace());
        if (inNamespace == null) {
            return List.of();
        }
        List<DisruptionBudget> result = new ArrayList<>();
        for (DisruptionBudget b : inNamespace.getOrDefault("", List.of())) {
            if (b.covers(pod)) {
                result.add(b);
            }
        }
        for (Map.Entry<String, String> label : pod.labels().entrySet()) {
            for (DisruptionBudget b : inNamespace.getOrDefault(label.getKey() + "=" + label.getValue(), List.of())) {
                if (b.covers(pod)) {
                    result.add(b);
                }
            }
        }
        if (result.size() > 1) {
            result.sort(java.util.Comparator.comparing(DisruptionBudget::name));
        }
        return result;
    }
}
