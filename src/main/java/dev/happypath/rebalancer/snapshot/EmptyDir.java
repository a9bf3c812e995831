package dev.happypath.rebalancer.snapshot;

/**
 * An emptyDir volume: data that lives on the node (its disk, or its memory) for as long as the pod does.
 * An eviction discards it.
 *
 * @param memory    medium "Memory" (a tmpfs); otherwise the node's disk
 * @param sizeLimit the sizeLimit as written, or null when none is set
 */
public record EmptyDir(String name, boolean memory, String sizeLimit) {

    /** "emptyDir 'data' (memory, sizeLimit 1Gi)", for a move's details. */
    public String describe() {
        return "emptyDir '" + name + "' (" + (memory ? "memory" : "disk") + (sizeLimit == null ? "" : ", sizeLimit " + sizeLimit) + ")";
    }
}
