package dev.happypath.rebalancer.init;

import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.Condition;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.Taint;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Whether the cluster is in a state worth learning as the Happy Path. A node down, cordoned or tainted by the
 * node lifecycle controller means the pods are where the outage put them, not where they belong.
 */
public final class ClusterHealth {

    /** The taints Kubernetes puts on a node it cannot trust, and the one a person adds to a node that is gone. */
    private static final Set<String> OUTAGE_TAINTS = Set.of("node.kubernetes.io/unreachable", "node.kubernetes.io/not-ready",
            "node.kubernetes.io/out-of-service", "node.kubernetes.io/unschedulable");

    private ClusterHealth() {
    }

    /** Each degraded node, with what is wrong: "k3d-agent-0 (Ready=Unknown, tainted node.kubernetes.io/unreachable:NoExecute)". */
    public static List<String> degradedNodes(ClusterSnapshot snapshot) {
        List<String> out = new ArrayList<>();
        for (NodeState n : snapshot.nodes()) {
            List<String> why = new ArrayList<>();
            if (!n.isReady()) {
                why.add("Ready=" + n.condition("Ready").map(Condition::status).orElse("missing"));
            }
            if (n.unschedulable()) {
                why.add("cordoned");
            }
            for (Taint t : n.taints()) {
                if (OUTAGE_TAINTS.contains(t.key()) && !(n.unschedulable() && t.key().equals("node.kubernetes.io/unschedulable"))) {
                    why.add("tainted " + t);
                }
            }
            if (!why.isEmpty()) {
                out.add(n.name() + " (" + String.join(", ", why) + ")");
            }
        }
        return out;
    }
}
