package dev.happypath.rebalancer.testing;

import dev.happypath.rebalancer.RuntimeFailure;
import dev.happypath.rebalancer.ledger.Ledger;
import dev.happypath.rebalancer.ledger.LedgerStore;
import dev.happypath.rebalancer.ledger.Recorded;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The ledger port in memory; it can be made to refuse writes, as an API server without RBAC would. */
public final class InMemoryLedger implements LedgerStore {

    private Ledger ledger;
    private final List<String> recorded = new ArrayList<>();
    private String refusal;

    public InMemoryLedger(Ledger start) {
        this.ledger = start;
    }

    public InMemoryLedger() {
        this(Ledger.EMPTY);
    }

    /** Every write from now on fails with {@code why}. */
    public synchronized InMemoryLedger refuseWrites(String why) {
        this.refusal = why;
        return this;
    }

    /** The workload keys recorded, in order. */
    public synchronized List<String> recorded() {
        return List.copyOf(recorded);
    }

    @Override
    public synchronized Ledger read() {
        return ledger;
    }

    @Override
    public synchronized void record(String workloadKey, Recorded move, Instant now) {
        if (refusal != null) {
            throw new RuntimeFailure(refusal);
        }
        ledger = ledger.withMove(workloadKey, move, now);
        recorded.add(workloadKey);
    }

    @Override
    public String location() {
        return "the in-memory ledger";
    }
}
