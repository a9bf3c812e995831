package dev.happypath.rebalancer.gate;

/**
 * One reason the gate is closed.
 *
 * @param node the worker concerned, or null for a cluster-wide reason
 */
public record GateReason(String node, Code code, String message) {

    public enum Code {
        NO_WORKERS,
        NOT_READY,
        UNSCHEDULABLE,
        MEMORY_PRESSURE,
        DISK_PRESSURE,
        PID_PRESSURE,
        HEALTH_TAINT,
        /** A Ready or pressure condition changed "in the future": the clocks disagree, so no stability can be measured. */
        CLOCK_SKEW,
        NOT_STABLE,
        // --- issue 12: an earlier move of this rebalancer has not settled (gate/Settling)
        UNSETTLED
    }

    @Override
    public String toString() {
        return node == null ? message : node + ": " + message;
    }
}
