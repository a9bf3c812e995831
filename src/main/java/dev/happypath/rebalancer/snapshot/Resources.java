package dev.happypath.rebalancer.snapshot;

/** CPU in millicores and memory in bytes: requests of a pod, or what a node can allocate. */
public record Resources(long milliCpu, long memoryBytes) {

    public static final Resources NONE = new Resources(0, 0);

    public Resources plus(Resources other) {
        return new Resources(Math.addExact(milliCpu, other.milliCpu), Math.addExact(memoryBytes, other.memoryBytes));
    }

    /** Element-wise maximum: the scheduler sizes init containers this way. */
    public Resources max(Resources other) {
        return new Resources(Math.max(milliCpu, other.milliCpu), Math.max(memoryBytes, other.memoryBytes));
    }

    @Override
    public String toString() {
        return "cpu=" + Quantity.cpu(milliCpu) + " memory=" + Quantity.bytes(memoryBytes);
    }
}
