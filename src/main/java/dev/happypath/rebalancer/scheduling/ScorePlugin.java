package dev.happypath.rebalancer.scheduling;

import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;

import java.util.List;

/**
 * One kube-scheduler score plugin of the default profile: scores every feasible node and normalises
 * the scores to 0..100 as the plugin does; the predictor multiplies by {@link #weight()}.
 */
public interface ScorePlugin {

    String name();

    /** The plugin's weight in the default profile (pkg/scheduler/apis/config/v1/default_plugins.go). */
    int weight();

    /** Normalised scores (0..100), one per node of {@code feasible}, in the same order. */
    long[] score(PodState pod, List<NodeState> feasible, ClusterView view);
}
