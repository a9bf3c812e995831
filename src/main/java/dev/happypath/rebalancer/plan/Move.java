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
 * @param causes     every reason behind the outcome that has a code, {@code code}'s first: where several rules
 *                   apply (two never-evict rules, a node and a pod not Ready) each is here with its own code.
 *                   A move built without them has one, its code with its first detail
 */
public record Move(Placement placement, String target, Outcome outcome, MoveCode code, List<String> details, Prediction prediction,
                   String landedOn, List<Cause> causes) {

    /** One reason, with its stable code; the words are for a person and are never parsed. */
    public record Cause(MoveCode code, String detail) {
        public Cause {
            java.util.Objects.requireNonNull(code, "code");
            java.util.Objects.requireNonNull(detail, "detail");
        }
    }

    public Move {
        java.util.Objects.requireNonNull(code, "code");
        details = List.copyOf(details);
        causes = causes == null || causes.isEmpty() ? List.of(new Cause(code, details.isEmpty() ? "" : details.get(0))) : List.copyOf(causes);
        if (causes.get(0).code() != code) {
            throw new IllegalArgumentException("the first cause " + causes.get(0).code() + " is not the move's code " + code);
        }
    }

    public Move(Placement placement, String target, Outcome outcome, MoveCode code, List<String> details, Prediction prediction,
                String landedOn) {
        this(placement, target, outcome, code, details, prediction, landedOn, List.of());
    }

    public Move(Placement placement, String target, Outcome outcome, MoveCode code, List<String> details) {
        this(placement, target, outcome, code, details, null, null);
    }

    /** A move refused for every one of these reasons: the first decides its code; details say them all, in order. */
    static Move refused(Placement placement, Outcome outcome, List<Cause> causes, Prediction prediction) {
        return new Move(placement, null, outcome, causes.get(0).code(), causes.stream().map(Cause::detail).toList(), prediction, null, causes);
    }

    /** The codes of every cause, the move's own first. */
    public List<MoveCode> codes() {
        return causes.stream().map(Cause::code).toList();
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
