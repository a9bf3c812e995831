package dev.happypath.rebalancer.scheduling;

import dev.happypath.rebalancer.snapshot.PodState;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The kube-scheduler's configuration as the model uses it: its profiles by schedulerName. A pod is
 * predicted with the profile its spec.schedulerName names ("default-scheduler" when it names none), as the
 * scheduler itself picks the profile; a pod no profile claims is scheduled by some other scheduler, and
 * its prediction says so. Immutable.
 *
 * @param source   the file read, or null for the built-in default profile
 * @param profiles by schedulerName, in file order
 */
public record SchedulerConfig(String source, Map<String, SchedulerProfile> profiles) {

    /** The v1.33 default configuration: one profile, default-scheduler, with the default plugins and weights. */
    public static final SchedulerConfig DEFAULT = new SchedulerConfig(null,
            Map.of(SchedulerProfile.DEFAULT_SCHEDULER, SchedulerProfile.defaults()));

    public SchedulerConfig {
        profiles = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(profiles));
    }

    /** The profile that schedules this pod, if this scheduler schedules it at all. */
    public Optional<SchedulerProfile> profileFor(PodState pod) {
        String name = pod.schedulerName() == null || pod.schedulerName().isEmpty() ? SchedulerProfile.DEFAULT_SCHEDULER : pod.schedulerName();
        return Optional.ofNullable(profiles.get(name));
    }

    public List<String> schedulerNames() {
        return List.copyOf(profiles.keySet());
    }
}
