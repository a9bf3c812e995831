package dev.happypath.rebalancer.snapshot;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a pod requests, or what a node can allocate: CPU in millicores, memory in bytes, and every other
 * resource by name ({@code ephemeral-storage} and {@code hugepages-*} in bytes, extended resources such as
 * {@code nvidia.com/gpu} in units), as the scheduler's NodeResourcesFit filter counts them.
 *
 * @param others the resources other than CPU and memory, by name, in name order; none with a zero amount
 */
public record Resources(long milliCpu, long memoryBytes, Map<String, Long> others) {

    public static final Resources NONE = new Resources(0, 0);

    public Resources {
        // most pods and nodes name nothing else: no map to copy or keep for them
        if (others == null || others.isEmpty()) {
            others = Map.of();
        } else {
            TreeMap<String, Long> sorted = new TreeMap<>();
            others.forEach((k, v) -> {
                if (v != null && v != 0) {
                    sorted.put(k, v);
                }
            });
            others = sorted.isEmpty() ? Map.of() : Collections.unmodifiableMap(sorted);
        }
    }

    public Resources(long milliCpu, long memoryBytes) {
        this(milliCpu, memoryBytes, Map.of());
    }

    /** The amount of one resource by its Kubernetes name ("cpu" in millicores, "memory" in bytes). */
    public long amount(String name) {
        return switch (name) {
            case "cpu" -> milliCpu;
            case "memory" -> memoryBytes;
            default -> others.getOrDefault(name, 0L);
        };
    }

    public Resources plus(Resources other) {
        return new Resources(Math.addExact(milliCpu, other.milliCpu), Math.addExact(memoryBytes, other.memoryBytes),
                combine(others, other.others, 1, false));
    }

    /** Element-wise difference (a pod's requests leaving a node's sum). */
    public Resources minus(Resources other) {
        return new Resources(milliCpu - other.milliCpu, memoryBytes - other.memoryBytes, combine(others, other.others, -1, false));
    }

    /** Element-wise maximum: the scheduler sizes init containers this way. */
    public Resources max(Resources other) {
        return new Resources(Math.max(milliCpu, other.milliCpu), Math.max(memoryBytes, other.memoryBytes),
                combine(others, other.others, 1, true));
    }

    private static Map<String, Long> combine(Map<String, Long> a, Map<String, Long> b, int sign, boolean max) {
        if (b.isEmpty()) {
            return a;
        }
        if (a.isEmpty() && sign > 0) {
            return b;
        }
        TreeMap<String, Long> out = new TreeMap<>(a);
        b.forEach((k, v) -> out.merge(k, sign * v, max ? Math::max : Math::addExact));
        return out;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("cpu=" + Quantity.cpu(milliCpu) + " memory=" + Quantity.bytes(memoryBytes));
        others.forEach((k, v) -> s.append(' ').append(k).append('=').append(Quantity.amount(k, v)));
        return s.toString();
    }
}
