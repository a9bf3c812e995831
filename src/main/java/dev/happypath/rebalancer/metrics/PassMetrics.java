package dev.happypath.rebalancer.metrics;

import dev.happypath.rebalancer.compare.ClusterState;
import dev.happypath.rebalancer.report.Report;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The daemon's Prometheus figures, fed from each pass's report (the same figures a CronJob's report
 * carries in {@code metrics}). Names as Prometheus shows them:
 * <ul>
 *   <li>{@code happypath_passes_total{trigger, result}}: passes by what started them (schedule,
 *       node-recovery) and how they ended (completed, failed, skipped)</li>
 *   <li>{@code happypath_moves_total{outcome, code}}: moves by outcome and reason code (MoveCode); both
 *       labels take values from closed sets, so the series stay bounded</li>
 *   <li>{@code happypath_gate_open}: 1 when the last pass found the gate open</li>
 *   <li>{@code happypath_cluster_state{state}}: 1 for the state the last pass saw, 0 for the others</li>
 *   <li>{@code happypath_off_path_pods}: managed pods away from the Happy Path at the last pass</li>
 *   <li>{@code happypath_pass_duration_seconds}: count, sum and max of pass durations</li>
 *   <li>{@code happypath_last_pass_timestamp_seconds}: when the last completed pass ended</li>
 *   <li>{@code happypath_lease_held}: 1 while this process holds the Lease and may act</li>
 * </ul>
 */
public final class PassMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger gateOpen = new AtomicInteger();
    private final AtomicInteger offPath = new AtomicInteger();
    private final AtomicInteger leaseHeld = new AtomicInteger();
    private final AtomicLong lastPass = new AtomicLong();
    private final Map<ClusterState, AtomicInteger> states = new EnumMap<>(ClusterState.class);
    private final Timer duration;

    public PassMetrics() {
        Gauge.builder("happypath.gate.open", gateOpen, AtomicInteger::get)
                .description("1 when the last pass found every worker Ready and stable").register(registry);
        Gauge.builder("happypath.off.path.pods", offPath, AtomicInteger::get)
                .description("Managed pods away from the Happy Path at the last pass").register(registry);
        Gauge.builder("happypath.lease.held", leaseHeld, AtomicInteger::get)
                .description("1 while this process holds the Lease and may evict").register(registry);
        Gauge.builder("happypath.last.pass.timestamp", lastPass, AtomicLong::get).baseUnit("seconds")
                .description("Unix time at which the last completed pass ended").register(registry);
        for (ClusterState s : ClusterState.values()) {
            AtomicInteger v = new AtomicInteger();
            states.put(s, v);
            Gauge.builder("happypath.cluster.state", v, AtomicInteger::get).tag("state", s.name())
                    .description("1 for the cluster state the last pass saw (GREEN, RECOVERING, YELLOW, RED, BLACK)")
                    .register(registry);
        }
        duration = Timer.builder("happypath.pass.duration").description("How long a pass took, read to last move")
                .register(registry);
    }

    /** A pass that ran to its report. */
    public void completed(String trigger, Report report, Instant endedAt) {
        pass(trigger, "completed");
        Report.Metrics m = report.metrics();
        duration.record(Duration.ofMillis(Math.round(m.passDurationSeconds() * 1000)));
        gateOpen.set(m.gateOpen() ? 1 : 0);
        offPath.set(m.offPath());
        states.forEach((s, v) -> v.set(s.name().equals(m.clusterState()) ? 1 : 0));
        for (Report.MoveCount c : m.moves()) {
            Counter.builder("happypath.moves").tag("outcome", c.outcome()).tag("code", c.code())
                    .description("Moves by outcome (PLANNED, EVICTED, BLOCKED, SKIPPED, DEFERRED, FAILED) and reason code")
                    .register(registry).increment(c.count());
        }
        lastPass.set(endedAt.getEpochSecond());
    }

    /** A pass that ended without a report (the API failed) or did not run (the Lease was elsewhere). */
    public void pass(String trigger, String result) {
        Counter.builder("happypath.passes").tag("trigger", trigger).tag("result", result)
                .description("Passes by trigger and result").register(registry).increment();
    }

    public void leaseHeld(boolean held) {
        leaseHeld.set(held ? 1 : 0);
    }

    /** The Prometheus text exposition of every figure. */
    public String scrape() {
        return registry.scrape();
    }
}
