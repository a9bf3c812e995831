package dev.happypath.rebalancer.ledger;

import java.time.Instant;
import java.util.List;

/**
 * What the ledger knows of one workload.
 *
 * @param moves when it was moved during the last 24 hours
 * @param last  its most recent move
 */
public record LedgerEntry(List<Instant> moves, Recorded last) {

    public LedgerEntry {
        moves = List.copyOf(moves);
    }
}
