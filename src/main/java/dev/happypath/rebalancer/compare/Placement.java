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
 * @param pins      of the notes, those that pin it where it is (empty unless PINNED): the never-evict rule
 *                  PINNED reports these, so that it need not tell them from the other notes by their words
 */
public record Placement(PodState pod, String rule, Home home, HomeNodes homeNodes, Status status,
                        Drift drift, List<String> notes, List<String> pins) {

    public Placement {
        notes = List.copyOf(notes);
        pins = List.copyOf(pins);
    }

    public Placement(PodState pod, String rule, Home home, HomeNodes homeNodes, Status status, Drift drift, List<String> notes) {
        this(pod, rule, home, homeNodes, status, drift, notes, List.of());
    }

    /** Off the Happy Path in a way a move could fix or that must be reported (PINNED too). */
    public boolean isStray() {
        return drift != null;
    }

    public String ruleName() {
        return rule == null ? "(lifeboat)" : rule;
    }
}
