package dev.happypath.rebalancer.snapshot;

import java.time.Instant;

/**
 * A node condition.
 *
 * @param lastTransitionTime null when the API did not report one
 */
public record Condition(String type, String status, Instant lastTransitionTime, String reason, String message) {

    public boolean isTrue() {
        return "True".equals(status);
    }

    public boolean isFalse() {
        return "False".equals(status);
    }
}
