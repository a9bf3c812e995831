package dev.happypath.rebalancer.ledger;

import java.time.Instant;

/**
 * Where the moves are remembered across passes (the anti-flap memory): a ConfigMap on a cluster
 * (cluster/LedgerConfigMap), a map in a test. Both methods may throw RuntimeFailure.
 */
public interface LedgerStore {

    /** The ledger as it is now; an empty one when nothing was recorded yet. */
    Ledger read();

    /** Adds one move. */
    void record(String workloadKey, Recorded move, Instant now);

    /** Where it is kept, for messages ("ConfigMap ns/name"). */
    String location();
}
