package dev.happypath.rebalancer.scheduling;

import java.util.List;
import java.util.Map;

/**
 * One node as the predicted scheduler saw it.
 *
 * @param rejections the filters that refused it (empty when feasible)
 * @param scores     per score plugin, the normalised score times the plugin's weight (empty when refused or not scored)
 * @param total      the sum of {@code scores}
 */
public record NodeVerdict(String node, List<Rejection> rejections, Map<String, Long> scores, long total) {

    public NodeVerdict {
        rejections = List.copyOf(rejections);
        // most verdicts have no scores (a refused node, an unscored prediction): no copy to make for them
        scores = scores.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(scores));
    }

    public boolean feasible() {
        return rejections.isEmpty();
    }
}
