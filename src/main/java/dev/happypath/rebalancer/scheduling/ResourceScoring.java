package dev.happypath.rebalancer.scheduling;

import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.Resources;

import java.util.List;

/**
 * NodeResourcesFit's score under a configured scoringStrategy (pkg/scheduler/framework/plugins/noderesources:
 * least_allocated.go, most_allocated.go, requested_to_capacity_ratio.go): per resource a 0..100 score from the
 * node's scoring ("non-zero") requests after placing the pod and its allocatable, then the weighted mean over
 * the resources the node has. Integer arithmetic as in the Go source. The model knows CPU and memory; the
 * loader refuses a strategy that names any other resource only when it is the sole one, else the others are
 * reported as not modelled (see {@link SchedulerProfile#unmodelled()}).
 *
 * @param type      LeastAllocated, MostAllocated or RequestedToCapacityRatio
 * @param resources the resources scored with their weights (1..100), cpu and memory only
 * @param shape     RequestedToCapacityRatio's points, utilization 0..100 ascending, score already scaled to 0..100
 */
public record ResourceScoring(Type type, List<ResourceWeight> resources, List<ShapePoint> shape) implements ScorePlugin {

    public enum Type { LeastAllocated, MostAllocated, RequestedToCapacityRatio }

    public record ResourceWeight(String name, long weight) {
    }

    /** One point of the RequestedToCapacityRatio shape; {@code score} is on the 0..100 node scale (the file's 0..10 × 10). */
    public record ShapePoint(long utilization, long score) {
    }

    /** The default: LeastAllocated over cpu and memory, weight 1 each. */
    public static final ResourceScoring DEFAULT = new ResourceScoring(Type.LeastAllocated,
            List.of(new ResourceWeight("cpu", 1), new ResourceWeight("memory", 1)), List.of());

    public ResourceScoring {
        resources = List.copyOf(resources);
        shape = List.copyOf(shape);
    }

    @Override
    public String name() {
        return "NodeResourcesFit";
    }

    @Override
    public int weight() {
        return 1;
    }

    @Override
    public long[] score(PodState pod, List<NodeState> feasible, ClusterView view) {
        long[] scores = new long[feasible.size()];
        for (int i = 0; i < scores.length; i++) {
            NodeState n = feasible.get(i);
            Resources used = view.nonZeroRequested(n.name()).plus(pod.nonZeroRequests());
            long nodeScore = 0;
            long weightSum = 0;
            for (ResourceWeight r : resources) {
                long capacity = allocatable(r.name(), n);
                if (capacity == 0) {
                    continue; // a resource the node does not have is left out of the mean
                }
                long requested = requested(r.name(), used);
                long s = switch (type) {
                    case LeastAllocated -> Scores.leastAllocated(requested, capacity);
                    case MostAllocated -> mostAllocated(requested, capacity);
                    case RequestedToCapacityRatio -> ratio(requested, capacity);
                };
                if (type == Type.RequestedToCapacityRatio && s <= 0) {
                    continue; // upstream counts only resources that score above zero in this strategy's mean
                }
                nodeScore += s * r.weight();
                weightSum += r.weight();
            }
            if (weightSum == 0) {
                scores[i] = 0;
            } else if (type == Type.RequestedToCapacityRatio) {
                scores[i] = Math.round((double) nodeScore / weightSum);
            } else {
                scores[i] = nodeScore / weightSum;
            }
        }
        return scores;
    }

    static long mostAllocated(long requested, long capacity) {
        if (capacity == 0) {
            return 0;
        }
        return Math.min(requested, capacity) * Scores.MAX / capacity;
    }

    private long ratio(long requested, long capacity) {
        long utilization = capacity == 0 || requested > capacity ? 100 : requested * 100 / capacity;
        return brokenLinear(utilization);
    }

    /** helper.BuildBrokenLinearFunction over {@link #shape}. */
    long brokenLinear(long p) {
        for (int i = 0; i < shape.size(); i++) {
            ShapePoint point = shape.get(i);
            if (p <= point.utilization()) {
                if (i == 0) {
                    return point.score();
                }
                ShapePoint prev = shape.get(i - 1);
                return prev.score() + (point.score() - prev.score()) * (p - prev.utilization()) / (point.utilization() - prev.utilization());
            }
        }
        return shape.get(shape.size() - 1).score();
    }

    private static long allocatable(String resource, NodeState n) {
        return "cpu".equals(resource) ? n.allocatable().milliCpu() : "memory".equals(resource) ? n.allocatable().memoryBytes() : 0;
    }

    private static long requested(String resource, Resources used) {
        return "cpu".equals(resource) ? used.milliCpu() : "memory".equals(resource) ? used.memoryBytes() : 0;
    }

    @Override
    public String toString() {
        return type + " " + resources.stream().map(r -> r.name() + ":" + r.weight()).toList()
                + (shape.isEmpty() ? "" : " shape " + shape.stream().map(p -> p.utilization() + "%->" + p.score()).toList());
    }
}
