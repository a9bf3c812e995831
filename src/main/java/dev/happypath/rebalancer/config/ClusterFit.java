package dev.happypath.rebalancer.config;

import dev.happypath.rebalancer.InvalidInputException;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.NodeState;

import java.util.List;

/**
 * Checks that a configuration describes this cluster at all, before anything is decided: a Happy Path
 * whose workers or lifeboats match no node, or whose homes match nothing, is a configuration error
 * (exit 2), not a reason to move pods. Nodes that exist but are down still count: they are the workers
 * being waited for.
 */
public final class ClusterFit {

    private ClusterFit() {
    }

    public static void check(HappyPath happyPath, ClusterSnapshot snapshot) {
        List<NodeState> nodes = snapshot.nodes();
        String names = describe(nodes);
        if (nodes.stream().noneMatch(n -> happyPath.roleOf(n) == NodeRole.WORKER)) {
            throw InvalidInputException.at(happyPath.source(), "nodes.workers.selector",
                    "matches no worker among the cluster's nodes (" + names + ")");
        }
        if (nodes.stream().noneMatch(n -> happyPath.roleOf(n) == NodeRole.LIFEBOAT)) {
            throw InvalidInputException.at(happyPath.source(), "nodes.lifeboats",
                    "matches none of the cluster's nodes (" + names + "); a Happy Path needs a lifeboat (the control plane)");
        }
        for (int i = 0; i < happyPath.workloads().size(); i++) {
            Home home = happyPath.workloads().get(i).home();
            boolean any = nodes.stream().anyMatch(n -> home.admits(happyPath.roleOf(n), n.labels()));
            if (!any) {
                throw InvalidInputException.at(happyPath.source(), "workloads[" + i + "].home",
                        "'" + home + "' matches none of the cluster's nodes (" + names + ")");
            }
        }
    }

    private static String describe(List<NodeState> nodes) {
        StringBuilder b = new StringBuilder();
        int shown = 0;
        for (NodeState n : nodes) {
            if (shown == 5) {
                b.append(", and ").append(nodes.size() - shown).append(" more");
                break;
            }
            b.append(shown == 0 ? "" : ", ").append(n.name()).append(' ').append(n.labels().isEmpty() ? "{}" : new java.util.TreeMap<>(n.labels()));
            shown++;
        }
        return b.toString();
    }
}
