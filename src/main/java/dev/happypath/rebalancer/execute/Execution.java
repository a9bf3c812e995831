package dev.happypath.rebalancer.execute;

import dev.happypath.rebalancer.plan.Move;

import java.util.List;

/**
 * What a live run did.
 *
 * @param moves every move, in plan order, with its final outcome
 * @param abort why the run stopped early on a runtime problem that is not one move's failure (the
 *              ledger could not be written, ...), or null
 */
public record Execution(List<Move> moves, String abort) {

    public Execution {
        moves = List.copyOf(moves);
    }
}
