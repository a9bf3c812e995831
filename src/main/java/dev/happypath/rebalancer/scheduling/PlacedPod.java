package dev.happypath.rebalancer.scheduling;

import dev.happypath.rebalancer.snapshot.PodState;

/** A pod and the node it occupies, as it is or as planned. */
public record PlacedPod(PodState pod, String node) {
}
