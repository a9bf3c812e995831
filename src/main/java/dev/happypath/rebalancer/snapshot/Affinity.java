package dev.happypath.rebalancer.snapshot;

import java.util.List;

/**
 * The scheduling affinity of a pod.
 *
 * @param requiredNodeAffinity null when the pod has no required node affinity
 */
public record Affinity(NodeSelector requiredNodeAffinity,
                       List<PreferredSchedulingTerm> preferredNodeAffinity,
                       List<PodAffinityTerm> requiredPodAffinity,
                       List<WeightedPodAffinityTerm> preferredPodAffinity,
                       List<PodAffinityTerm> requiredPodAntiAffinity,
                       List<WeightedPodAffinityTerm> preferredPodAntiAffinity) {

    public static final Affinity NONE = new Affinity(null, List.of(), List.of(), List.of(), List.of(), List.of());

    public Affinity {
        preferredNodeAffinity = List.copyOf(preferredNodeAffinity);
        requiredPodAffinity = List.copyOf(requiredPodAffinity);
        preferredPodAffinity = List.copyOf(preferredPodAffinity);
        requiredPodAntiAffinity = List.copyOf(requiredPodAntiAffinity);
        preferredPodAntiAffinity = List.copyOf(preferredPodAntiAffinity);
    }
}
