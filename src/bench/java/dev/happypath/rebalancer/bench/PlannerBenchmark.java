package dev.happypath.rebalancer.bench;

import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.ledger.Ledger;
import dev.happypath.rebalancer.plan.Decision;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.testing.ClusterGenerator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The pure half of a pass, alone: compare, gate, plan (with the landing prediction) on a generated
 * cluster of {@code pods} pods on {@code pods / 30} nodes, healthy, with {@link #STRAY_SHARE} of the pods
 * placed anywhere and the rest at home, under the default eviction limits (5 per run, 3 per node, 3 per
 * namespace). Run by {@link Bench} (JMH, one fork, GC profiler for allocation).
 */
@State(Scope.Benchmark)
public class PlannerBenchmark {

    /** Pods placed on any node regardless of their home: a cluster after an incident, not a fresh one. */
    static final double STRAY_SHARE = 0.03;
    static final long SEED = 20261121L;
    static final int PODS_PER_NODE = 30;

    @Param({"3000", "30000", "150000"})
    public int pods;

    private ClusterSnapshot snapshot;
    private HappyPath happyPath;

    static ClusterSnapshot cluster(int pods) {
        return ClusterGenerator.generate(SEED, pods / PODS_PER_NODE, pods, ClusterGenerator.Profile.settled(STRAY_SHARE));
    }

    static HappyPath happyPath() {
        return ClusterGenerator.happyPath(5, 3, 3);
    }

    @Setup
    public void setUp() {
        snapshot = cluster(pods);
        happyPath = happyPath();
    }

    @Benchmark
    public Decision decide() {
        return Decision.decide(snapshot, happyPath, Ledger.EMPTY, ClusterGenerator.NOW);
    }
}
