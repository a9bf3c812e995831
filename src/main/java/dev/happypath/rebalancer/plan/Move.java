package dev.happypath.rebalancer.plan;

import dev.happypath.rebalancer.compare.Drift;
import dev.happypath.rebalancer.compare.Placement;
import dev.happypath.rebalancer.snapshot.PodState;

import java.util.List;

/**
 * A stray pod and what is done about it.
 *
 * @param target  the node it should land on, or null when none was chosen
 * @param details every reason behind the outcome, most important first
 */
public record Move(Placement placement, String target, Outcome outcome, List<String> details) {

    public Move {
        details = List.copyOf(details);
    }

    public PodState pod() {
        return placement.pod();
    }

    public Drift reason() {
        return placement.drift();
    }

    public Move resolved(Outcome newOutcome, List<String> newDetails) {
        return new Move(placement, target, newOutcome, newDetails);
    }
}
