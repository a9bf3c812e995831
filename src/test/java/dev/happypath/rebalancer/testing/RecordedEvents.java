package dev.happypath.rebalancer.testing;

import dev.happypath.rebalancer.pass.PassEvents;
import dev.happypath.rebalancer.plan.Move;
import dev.happypath.rebalancer.report.Report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The pass events port in memory: what each pass told, and as whom. */
public final class RecordedEvents implements PassEvents {

    /** One pass's telling. */
    public record Told(Report report, List<Move> moves, String instance, Instant at) {
    }

    private final List<Told> told = new ArrayList<>();

    @Override
    public synchronized int publish(Report report, List<Move> moves, String instance, Instant at) {
        told.add(new Told(report, List.copyOf(moves), instance, at));
        return moves.size();
    }

    public synchronized List<Told> told() {
        return List.copyOf(told);
    }
}
