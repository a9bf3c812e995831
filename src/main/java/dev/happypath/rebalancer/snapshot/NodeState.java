package dev.happypath.rebalancer.snapshot;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the rebalancer knows of a node: labels, taints, what it can allocate and its conditions.
 *
 * @param conditions by condition type (Ready, MemoryPressure, DiskPressure, PIDPressure, ...)
 * @param images     status.images: every name of every image the node holds, with the image's size in bytes
 *                   (what the ImageLocality score reads)
 */
public record NodeState(String name, String uid, Map<String, String> labels, List<Taint> taints,
                        boolean unschedulable, Resources allocatable, long allocatablePods,
                        Map<String, Condition> conditions, Map<String, Long> images) {

    public NodeState {
        labels = Map.copyOf(labels);
        taints = List.copyOf(taints);
        conditions = Map.copyOf(conditions);
        images = images == null || images.isEmpty() ? Map.of() : Map.copyOf(images);
    }

    /** A node whose images are not known (built in code; a dump without status.images). */
    public NodeState(String name, String uid, Map<String, String> labels, List<Taint> taints,
                     boolean unschedulable, Resources allocatable, long allocatablePods,
                     Map<String, Condition> conditions) {
        this(name, uid, labels, taints, unschedulable, allocatable, allocatablePods, conditions, Map.of());
    }

    public Optional<Condition> condition(String type) {
        return Optional.ofNullable(conditions.get(type));
    }

    /** Ready=True; a missing or Unknown condition counts as not Ready. */
    public boolean isReady() {
        return condition("Ready").map(Condition::isTrue).orElse(false);
    }

    @Override
    public String toString() {
        return name;
    }
}
