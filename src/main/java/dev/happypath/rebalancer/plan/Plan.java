package dev.happypath.rebalancer.plan;

import java.util.List;

/** Every stray pod's move, in the order a live run would take them. */
public record Plan(List<Move> moves) {

    public Plan {
        moves = List.copyOf(moves);
    }

    public List<Move> planned() {
        return moves.stream().filter(m -> m.outcome() == Outcome.PLANNED).toList();
    }
}
