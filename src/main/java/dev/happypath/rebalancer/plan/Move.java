package dev.happypath.rebalancer.plan;

import dev.happypath.rebalancer.compare.Drift;
import dev.happypath.rebalancer.compare.Placement;
import dev.happypath.rebalancer.scheduling.Prediction;
import dev.happypath.rebalancer.snapshot.PodState;

import java.util.List;

/**
 * A stray pod and what is done about it.
 *
 * @param target     the node its replacement is expected on, or null when none was chosen
 * @param code       why it has its outcome, as a stable code (the details say it in sentences)
 * @param details    every reason behind the outcome, most important first
 * @param prediction where the scheduler would put the replacement, when that was asked; else null
 * @param landedOn   where the replacement actually came up (live runs), else null
 */
public record Move(Placement placement, String target, Outcome outcome, MoveCode code, List<String> details, Prediction prediction,
                   String landedOn) {

    public Move {
        java.util.Objects.requireNonNull(code, "code");
        details = List.copyOf(details);
    }

    public Move(Placement placement, String target, Outcome outcome, MoveCode code, List<String> details) {
        this(placement, target, outcome, code, details, null, null);
    }

    public PodState pod() {
        return placement.pod();
    }

    public Drift reason() {
        return placement.drift();
    }

    public Move resolved(Outcome newOutcome, MoveCode newCode, List<String> newDetails) {
        return new Move(placement, target, newOutcome, newCode, newDetails, prediction, landedOn);
    }

    public Move landed(String node, MoveCode newCode, List<String> newDetails) {
        return new Move(placement, target, Outcome.EVICTED, newCode, newDetails, prediction, node);
    }

    /** Whether the replacement came up on one of the pod's homes. */
    public boolean landedHome() {
        return landedOn != null && placement.homeNodes().contains(landedOn);
    }
}
