package dev.happypath.rebalancer.init;

import dev.happypath.rebalancer.InvalidInputException;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.Taint;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the nodes say about themselves, read the way {@code init} proposes {@code nodes:}: the lifeboats are
 * the control plane (its role label, or the taints that keep ordinary pods off it), the workers are the
 * rest, and a label that every worker carries with different values (a role, a zone) tells the workers
 * apart, so that a workload's home can name them.
 *
 * @param lifeboatLabel   the label key every lifeboat carries, or null when some lifeboat is known by a taint only
 * @param lifeboatTaints  the control-plane taints of lifeboats the label does not name (the selector misses them)
 * @param workerSelector  the workers' selector, as YAML flow text
 * @param workerWhy       why that selector, in a sentence
 * @param distinguishing  the label that tells workers apart, or null when none does
 */
record NodeLayout(List<NodeState> lifeboats, List<NodeState> workers, String lifeboatLabel, List<Taint> lifeboatTaints,
                  String workerSelector, String workerWhy, WorkerLabel distinguishing) {

    static final String CONTROL_PLANE = "node-role.kubernetes.io/control-plane";
    static final String MASTER = "node-role.kubernetes.io/master";
    static final String NODE_ROLE_PREFIX = "node-role.kubernetes.io/";
    /** Taints that keep ordinary pods off a control plane: kubeadm's, and the one k3s documents for a server. */
    private static final Set<String> CONTROL_PLANE_TAINTS = Set.of(CONTROL_PLANE, MASTER, "CriticalAddonsOnly");

    static NodeLayout of(List<NodeState> nodes, String source) {
        List<NodeState> lifeboats = new ArrayList<>();
        List<NodeState> workers = new ArrayList<>();
        for (NodeState n : nodes) {
            (isControlPlane(n) ? lifeboats : workers).add(n);
        }
        lifeboats.sort(Comparator.comparing(NodeState::name));
        workers.sort(Comparator.comparing(NodeState::name));
        if (lifeboats.isEmpty()) {
            throw InvalidInputException.at(source, null, "no node looks like a control plane (label " + CONTROL_PLANE + " or " + MASTER
                    + ", or a taint " + String.join("/", new TreeSet<>(CONTROL_PLANE_TAINTS)) + "): a Happy Path needs a lifeboat, "
                    + "and init cannot tell which node it is; nodes: " + names(nodes));
        }
        if (workers.isEmpty()) {
            throw InvalidInputException.at(source, null, "every node looks like a control plane (" + names(nodes)
                    + "): a Happy Path needs at least one worker to bring pods home to");
        }
        String label = null;
        for (String candidate : List.of(CONTROL_PLANE, MASTER)) {
            if (lifeboats.stream().allMatch(n -> n.labels().containsKey(candidate))) {
                label = candidate;
                break;
            }
        }
        if (label == null) {
            // some lifeboat is known by its taint only: the selector would miss it, the taints name it
            label = lifeboats.stream().anyMatch(n -> n.labels().containsKey(CONTROL_PLANE)) ? CONTROL_PLANE
                    : lifeboats.stream().anyMatch(n -> n.labels().containsKey(MASTER)) ? MASTER : null;
        }
        List<Taint> taints = new ArrayList<>();
        for (NodeState n : lifeboats) {
            if (label != null && n.labels().containsKey(label)) {
                continue;
            }
            for (Taint t : n.taints()) {
                if (CONTROL_PLANE_TAINTS.contains(t.key()) && t.effect().filters() && !taints.contains(t)) {
                    taints.add(t);
                }
            }
        }
        String[] worker = workerSelector(lifeboats, workers, label);
        return new NodeLayout(List.copyOf(lifeboats), List.copyOf(workers), label, List.copyOf(taints), worker[0], worker[1],
                WorkerLabel.find(workers));
    }

    static boolean isControlPlane(NodeState n) {
        if (n.labels().containsKey(CONTROL_PLANE) || n.labels().containsKey(MASTER)) {
            return true;
        }
        return n.taints().stream().anyMatch(t -> CONTROL_PLANE_TAINTS.contains(t.key()) && t.effect().filters());
    }

    /**
     * A label every worker carries and no lifeboat does: a node-role label first, then {@code role}, then any
     * other; else "not a control plane" by the lifeboats' label; else every node (a lifeboat wins over a worker).
     */
    private static String[] workerSelector(List<NodeState> lifeboats, List<NodeState> workers, String lifeboatLabel) {
        Set<String> common = new TreeSet<>(workers.get(0).labels().keySet());
        workers.forEach(w -> common.retainAll(w.labels().keySet()));
        lifeboats.forEach(l -> common.removeAll(l.labels().keySet()));
        List<String> ordered = new ArrayList<>();
        common.stream().filter(k -> k.startsWith(NODE_ROLE_PREFIX)).forEach(ordered::add);
        if (common.contains("role")) {
            ordered.add("role");
        }
        common.stream().filter(k -> !ordered.contains(k)).forEach(ordered::add);
        if (!ordered.isEmpty()) {
            String key = ordered.get(0);
            Set<String> values = new TreeSet<>();
            workers.forEach(w -> values.add(w.labels().get(key)));
            String selector = values.size() == 1
                    ? "{ matchLabels: { " + Yaml.scalar(key) + ": " + Yaml.scalar(values.iterator().next()) + " } }"
                    : "{ matchExpressions: [ { key: " + Yaml.scalar(key) + ", operator: In, values: " + Yaml.list(values) + " } ] }";
            return new String[]{selector, "every worker carries the label " + key + " and no control-plane node does"
                    + (values.size() > 1 ? " (a node with another value would be neither)" : "")};
        }
        if (lifeboatLabel != null) {
            return new String[]{"{ matchExpressions: [ { key: " + lifeboatLabel + ", operator: DoesNotExist } ] }",
                    "no label is common to the workers alone: a worker is a node without the control-plane label " + lifeboatLabel};
        }
        return new String[]{"{ matchExpressions: [ { key: kubernetes.io/hostname, operator: Exists } ] }",
                "no label tells workers from the control plane: every node, the lifeboats being told apart by their taint (a lifeboat is never a worker)"};
    }

    private static String names(List<NodeState> nodes) {
        StringBuilder b = new StringBuilder();
        for (NodeState n : nodes) {
            b.append(b.length() == 0 ? "" : ", ").append(n.name()).append(' ').append(n.labels().isEmpty() ? "{}" : new TreeMap<>(n.labels()));
        }
        return b.toString();
    }

    /** The label that tells workers apart, and how a home names a set of its values. */
    record WorkerLabel(String key, boolean roleKeys, Set<String> values) {

        /** {@code role}, then node-role.kubernetes.io/&lt;x&gt; keys, then a topology label: the first that tells the workers apart. */
        static WorkerLabel find(List<NodeState> workers) {
            if (workers.size() < 2) {
                return null;
            }
            Set<String> topology = new TreeSet<>();
            workers.forEach(w -> w.labels().keySet().stream().filter(k -> k.startsWith("topology.kubernetes.io/")).forEach(topology::add));
            WorkerLabel roleKeys = roleKeys(workers);
            WorkerLabel byRole = plain("role", workers);
            if (byRole != null) {
                return byRole;
            }
            if (roleKeys != null) {
                return roleKeys;
            }
            // the zone before the region: the narrower of the two that still tells the workers apart
            List<String> topo = new ArrayList<>(topology);
            topo.sort(Comparator.comparing((String k) -> !k.endsWith("/zone")).thenComparing(k -> k));
            for (String k : topo) {
                WorkerLabel l = plain(k, workers);
                if (l != null) {
                    return l;
                }
            }
            return null;
        }

        private static WorkerLabel plain(String key, List<NodeState> workers) {
            Set<String> values = new TreeSet<>();
            for (NodeState w : workers) {
                String v = w.labels().get(key);
                if (v == null) {
                    return null;
                }
                values.add(v);
            }
            return values.size() >= 2 ? new WorkerLabel(key, false, values) : null;
        }

        /** Each worker carries exactly one node-role.kubernetes.io/&lt;x&gt; label, and they differ. */
        private static WorkerLabel roleKeys(List<NodeState> workers) {
            Set<String> values = new TreeSet<>();
            for (NodeState w : workers) {
                String role = roleOf(w);
                if (role == null) {
                    return null;
                }
                values.add(role);
            }
            return values.size() >= 2 ? new WorkerLabel(NODE_ROLE_PREFIX + "<role>", true, values) : null;
        }

        private static String roleOf(NodeState w) {
            String found = null;
            for (String k : w.labels().keySet()) {
                if (k.startsWith(NODE_ROLE_PREFIX) && !k.equals(CONTROL_PLANE) && !k.equals(MASTER)) {
                    if (found != null) {
                        return null;
                    }
                    found = k.substring(NODE_ROLE_PREFIX.length());
                }
            }
            return found;
        }

        String valueOf(NodeState node) {
            return roleKeys ? roleOf(node) : node.labels().get(key);
        }

        /** "role=infra" or "node-role.kubernetes.io/infra". */
        String describe(String value) {
            return roleKeys ? NODE_ROLE_PREFIX + value : key + "=" + value;
        }

        /** The home selector naming the workers with these values, as YAML flow text; null when one selector cannot. */
        String selector(Set<String> chosen) {
            if (roleKeys) {
                return chosen.size() == 1
                        ? "{ matchExpressions: [ { key: " + Yaml.scalar(NODE_ROLE_PREFIX + chosen.iterator().next()) + ", operator: Exists } ] }"
                        : null;
            }
            return chosen.size() == 1
                    ? "{ matchLabels: { " + Yaml.scalar(key) + ": " + Yaml.scalar(chosen.iterator().next()) + " } }"
                    : "{ matchExpressions: [ { key: " + Yaml.scalar(key) + ", operator: In, values: " + Yaml.list(chosen) + " } ] }";
        }
    }

    /** The lifeboats' selector as YAML flow text, or null when every lifeboat is known by a taint only. */
    String lifeboatSelector() {
        return lifeboatLabel == null ? null : "{ matchExpressions: [ { key: " + lifeboatLabel + ", operator: Exists } ] }";
    }
}
