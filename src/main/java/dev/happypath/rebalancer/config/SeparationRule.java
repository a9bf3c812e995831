package dev.happypath.rebalancer.config;

/** Two workload rules whose pods must not share a node (Prometheus and Loki: one failure must not blind both). */
public record SeparationRule(String name, String first, String second) {

    public boolean involves(String rule) {
        return first.equals(rule) || second.equals(rule);
    }

    public String partnerOf(String rule) {
        return first.equals(rule) ? second : first;
    }
}
