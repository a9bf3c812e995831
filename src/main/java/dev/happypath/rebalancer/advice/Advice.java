package dev.happypath.rebalancer.advice;

/**
 * The smallest change found that makes the scheduler itself choose a workload's home, so that the
 * Happy Path heals without the rebalancer next time.
 *
 * @param workload  {@code namespace/Kind/name}
 * @param predicted where the scheduler puts it today (null when no node is feasible)
 * @param verified  whether the change was re-predicted and then lands home
 * @param snippet   ready-to-paste YAML (pod spec / Helm values) or commands
 */
public record Advice(String workload, String rule, String home, String predicted, Kind kind, String why, String snippet,
                     boolean verified) {

    public enum Kind {
        /** A PreferNoSchedule taint on the lifeboat nodes. */
        PREFER_NO_SCHEDULE_TAINT,
        /** A preferred node affinity towards the home. */
        PREFERRED_NODE_AFFINITY,
        /** A preferred pod anti-affinity against the other side of a separation rule. */
        PREFERRED_POD_ANTI_AFFINITY,
        /** Several of the above together. */
        COMBINED,
        /** Nothing tried makes the scheduler choose the home. */
        NONE_FOUND
    }
}
