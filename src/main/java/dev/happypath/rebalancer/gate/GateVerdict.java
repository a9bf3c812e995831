package dev.happypath.rebalancer.gate;

import java.time.Instant;
import java.util.List;

/**
 * Whether moves may happen now, and every reason they may not.
 *
 * @param opensAt when the gate will open if nothing changes (only the stability wait is left), else null
 */
public record GateVerdict(boolean open, List<GateReason> reasons, Instant judgedAt, Instant opensAt) {

    public GateVerdict {
        reasons = List.copyOf(reasons);
    }

    public String summary() {
        if (open) {
            return "open";
        }
        return "closed: " + reasons.get(0) + (reasons.size() > 1 ? " (and " + (reasons.size() - 1) + " more)" : "");
    }
}
