package dev.happypath.rebalancer.pass;

import dev.happypath.rebalancer.plan.Move;
import dev.happypath.rebalancer.report.Report;

import java.time.Instant;
import java.util.List;

/**
 * Tells the cluster what a live pass did (core/v1 Events on a cluster: cluster/KubernetesEvents). Must
 * never throw: telling must not stop acting.
 */
@FunctionalInterface
public interface PassEvents {

    /** What a pass without Events records: nothing. */
    PassEvents NONE = (report, moves, instance, at) -> 0;

    /**
     * @param instance the reporting instance (the Lease identity)
     * @return how many Events were written
     */
    int publish(Report report, List<Move> moves, String instance, Instant at);
}
