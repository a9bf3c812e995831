package dev.happypath.rebalancer.compare;

import dev.happypath.rebalancer.config.Home;
import dev.happypath.rebalancer.snapshot.PodState;

import java.util.List;

/**
 * A managed pod with its verdict.
 *
 * @param rule      the workload rule that names it, or null for a lifeboat passenger no rule names
 * @param homeNodes the nodes its home admits, in name order
 * @param drift     why it is off the Happy Path; null when HAPPY or PENDING
 * @param notes     the facts behind the verdict: what pins it, whom it is co-located with
 */
public record Placement(PodState pod, String rule, Home home, HomeNodes homeNodes, Status status,
                        Drift drift, List<String> notes) {

    public Placement {
        notes = List.copyOf(notes);
    }

    /** Off the Happy Path in a way a move could fix or that must be reported (PINNED too). */
    public boolean isStray() {
        return drift != null;
    }

    public String ruleName() {
        return rule == null ? "(lifeboat)" : rule;
    }
}
