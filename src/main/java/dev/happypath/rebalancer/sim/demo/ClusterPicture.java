package dev.happypath.rebalancer.sim.demo;

import dev.happypath.rebalancer.compare.Comparison;
import dev.happypath.rebalancer.compare.Placement;
import dev.happypath.rebalancer.compare.Status;
import dev.happypath.rebalancer.config.NodeRole;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.Quantity;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The placement as a picture read at a glance: one column per node with its memory bar (requests,
 * Terminating pods included, against allocatable) and its pods, strays marked with their status; the
 * pods waiting for a node below. DaemonSet pods are counted, not listed: they belong to their node.
 */
final class ClusterPicture {

    private static final int MAX_NAME = 32;
    private static final int BAR = 16;

    private ClusterPicture() {
    }

    /** A pod's mark: its Happy Path status when off it, else what it is doing. */
    enum Mark {
        LIFEBOATED('L', "lifeboated"), COLOCATED('C', "co-located"), MISPLACED('M', "misplaced"), PINNED('P', "pinned"),
        TERMINATING('T', "terminating"), STARTING('!', "not Ready"), NONE(' ', "");

        final char symbol;
        final String meaning;

        Mark(char symbol, String meaning) {
            this.symbol = symbol;
            this.meaning = meaning;
        }
    }

    static String render(ClusterSnapshot snapshot, Comparison comparison) {
        Map<String, Status> statuses = new HashMap<>();
        for (Placement p : comparison.placements()) {
            statuses.put(p.pod().uid(), p.status());
        }
        // lifeboats first, then workers, each by name: the same columns in every picture
        List<NodeState> nodes = snapshot.nodes().stream()
                .sorted(Comparator.comparingInt((NodeState n) -> comparison.roles().get(n.name()) == NodeRole.LIFEBOAT ? 0 : 1)
                        .thenComparing(NodeState::name))
                .toList();
        List<List<String>> columns = new ArrayList<>();
        Set<Mark> used = new LinkedHashSet<>();
        int width = 0;
        for (NodeState n : nodes) {
            width = Math.max(width, n.name().length());
            for (PodState p : snapshot.podsOn(n.name())) {
                width = Math.max(width, Math.min(MAX_NAME, shortName(p).length()) + 2);
            }
        }
        width = Math.max(width, BAR + 7);

        for (NodeState n : nodes) {
            List<String> col = new ArrayList<>();
            col.add(n.name());
            NodeRole role = comparison.roles().get(n.name());
            String roleText = role == NodeRole.WORKER ? "worker" + roleLabel(n) : role == NodeRole.LIFEBOAT ? "lifeboat" : "other";
            col.add(roleText + "  " + (n.isReady() ? "Ready" : "NotReady"));
            long requested = snapshot.podsOn(n.name()).stream().mapToLong(p -> p.requests().memoryBytes()).sum();
            long cap = n.allocatable().memoryBytes();
            int pct = cap <= 0 ? 0 : (int) Math.round(requested * 100.0 / cap);
            int filled = Math.max(0, Math.min(BAR, (int) Math.round(pct * BAR / 100.0)));
            col.add("[" + "#".repeat(filled) + ".".repeat(BAR - filled) + "] " + pct + "%");
            col.add("mem " + Quantity.bytes(requested) + " / " + Quantity.bytes(cap));
            col.add("-".repeat(width));
            List<PodState> pods = new ArrayList<>(snapshot.podsOn(n.name()).stream().filter(p -> !p.isDaemonSetPod()).toList());
            pods.sort(Comparator.comparingInt((PodState p) -> mark(p, statuses, n).ordinal()).thenComparing(ClusterPicture::shortName));
            for (PodState p : pods) {
                Mark m = mark(p, statuses, n);
                if (m != Mark.NONE) {
                    used.add(m);
                }
                col.add(m.symbol + " " + clip(shortName(p)));
            }
            long daemons = snapshot.podsOn(n.name()).stream().filter(PodState::isDaemonSetPod).count();
            if (daemons > 0) {
                col.add("+ " + daemons + " DaemonSet pod" + (daemons == 1 ? "" : "s"));
            }
            columns.add(col);
        }

        StringBuilder b = new StringBuilder();
        int rows = columns.stream().mapToInt(List::size).max().orElse(0);
        for (int r = 0; r < rows; r++) {
            StringBuilder line = new StringBuilder("  ");
            for (int c = 0; c < columns.size(); c++) {
                String cell = r < columns.get(c).size() ? columns.get(c).get(r) : "";
                line.append(c == columns.size() - 1 ? cell : pad(cell, width + 2));
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        List<PodState> pending = snapshot.pods().stream()
                .filter(p -> !p.isBound() && !p.isTerminating() && !p.isTerminal())
                .sorted(Comparator.comparing(PodState::key)).toList();
        if (!pending.isEmpty()) {
            List<String> names = pending.stream().map(p -> p.namespace() + "/" + shortName(p)).toList();
            b.append(wrap("  Pending (" + pending.size() + "): ", names));
        }
        if (!used.isEmpty()) {
            StringBuilder legend = new StringBuilder("  ");
            for (Mark m : Mark.values()) {
                if (used.contains(m)) {
                    legend.append(m.symbol).append(' ').append(m.meaning).append("   ");
                }
            }
            b.append(legend.toString().stripTrailing()).append('\n');
        }
        return b.toString();
    }

    private static Mark mark(PodState p, Map<String, Status> statuses, NodeState node) {
        if (p.isTerminating()) {
            return Mark.TERMINATING;
        }
        Status s = statuses.get(p.uid());
        if (s != null) {
            switch (s) {
                case LIFEBOATED -> {
                    return Mark.LIFEBOATED;
                }
                case COLOCATED -> {
                    return Mark.COLOCATED;
                }
                case MISPLACED -> {
                    return Mark.MISPLACED;
                }
                case PINNED -> {
                    return Mark.PINNED;
                }
                default -> {
                }
            }
        }
        return !p.ready() && node.isReady() ? Mark.STARTING : Mark.NONE;
    }

    private static String roleLabel(NodeState n) {
        String role = n.labels().get("role");
        return role == null ? "" : " role=" + role;
    }

    /**
     * What a person calls the pod: a ReplicaSet's pod by its Deployment, others by their own name;
     * the kube-prometheus-stack release name, repeated in most of its objects, shortened to kps.
     */
    static String shortName(PodState p) {
        String name = p.name();
        if (p.controller() != null && "ReplicaSet".equals(p.controller().kind())) {
            String workload = p.workload();
            name = workload.substring(workload.indexOf('/') + 1);
        }
        return name.replace("kube-prometheus-stack", "kps");
    }

    private static String clip(String s) {
        return s.length() <= MAX_NAME ? s : s.substring(0, MAX_NAME - 2) + "..";
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    private static String wrap(String head, List<String> items) {
        StringBuilder b = new StringBuilder(head);
        int lineLength = head.length();
        String indent = " ".repeat(head.length());
        for (int i = 0; i < items.size(); i++) {
            String item = items.get(i) + (i < items.size() - 1 ? ", " : "");
            if (lineLength + item.length() > 110 && lineLength > head.length()) {
                b.append('\n').append(indent);
                lineLength = indent.length();
            }
            b.append(item);
            lineLength += item.length();
        }
        return b.append('\n').toString();
    }
}
