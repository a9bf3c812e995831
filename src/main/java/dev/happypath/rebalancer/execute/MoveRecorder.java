package dev.happypath.rebalancer.execute;

import dev.happypath.rebalancer.ledger.Recorded;

import java.time.Instant;

/** Where the executor remembers each move across runs (the ledger). May throw RuntimeFailure. */
@FunctionalInterface
public interface MoveRecorder {

    void record(String workloadKey, Recorded move, Instant now);
}
