package dev.happypath.rebalancer.snapshot;

import java.util.List;

/**
 * A pod topology spread constraint.
 *
 * @param doNotSchedule whenUnsatisfiable: DoNotSchedule (a filter) or ScheduleAnyway (a score)
 * @param minDomains null when unset
 * @param honorNodeAffinity nodeAffinityPolicy: Honor (default) or Ignore
 * @param honorNodeTaints nodeTaintsPolicy: Honor or Ignore (default)
 */
public record TopologySpreadConstraint(int maxSkew, String topologyKey, boolean doNotSchedule,
                                       LabelSelector selector, Integer minDomains,
                                       boolean honorNodeAffinity, boolean honorNodeTaints,
                                       List<String> matchLabelKeys) {

    public TopologySpreadConstraint {
        matchLabelKeys = List.copyOf(matchLabelKeys);
    }
}
