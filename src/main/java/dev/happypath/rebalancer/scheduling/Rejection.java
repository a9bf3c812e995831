package dev.happypath.rebalancer.scheduling;

/**
 * One filter's refusal of one node. The filter's kube-scheduler plugin name is the code callers decide on
 * (preemption only cures NodeResourcesFit, the planner's headroom rule defers to it); the reason is for a
 * person and is never parsed.
 *
 * @param filter the kube-scheduler plugin that refused, e.g. {@code NodeResourcesFit} (see {@link Filters#DEFAULT})
 * @param node   the node refused
 * @param reason why, in words
 */
public record Rejection(String filter, String node, String reason) {

    public Rejection {
        java.util.Objects.requireNonNull(filter, "filter");
        java.util.Objects.requireNonNull(reason, "reason");
    }

    /** Whether this filter refused: the code, never the words. */
    public boolean by(NodeFilter f) {
        return filter.equals(f.name());
    }

    /** The same refusal, said with more context (the nominated pods that caused it). */
    public Rejection saying(String more) {
        return new Rejection(filter, node, reason + more);
    }

    /** "Filter: reason", as the scheduler's own events say it. */
    @Override
    public String toString() {
        return filter + ": " + reason;
    }
}
