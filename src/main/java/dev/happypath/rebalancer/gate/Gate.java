package dev.happypath.rebalancer.gate;

import dev.happypath.rebalancer.config.ConfigNode;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.config.NodeRole;
import dev.happypath.rebalancer.snapshot.Condition;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.Taint;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Moves happen only when every worker is Ready, schedulable, free of memory, disk and PID pressure, and
 * has been so for {@code stableFor}. A node that has just come back often flaps; moving pods onto it
 * too early is how a recovery turns into a second outage. Pure.
 */
public final class Gate {

    private static final List<String> PRESSURES = List.of("MemoryPressure", "DiskPressure", "PIDPressure");
    private static final List<String> CONDITIONS = List.of("Ready", "MemoryPressure", "DiskPressure", "PIDPressure");

    private Gate() {
    }

    public static GateVerdict judge(List<NodeState> nodes, HappyPath happyPath, Instant now) {
        List<NodeState> workers = nodes.stream()
                .filter(n -> happyPath.roleOf(n) == NodeRole.WORKER)
                .sorted(Comparator.comparing(NodeState::name))
                .toList();
        List<GateReason> reasons = new ArrayList<>();
        if (workers.isEmpty()) {
            reasons.add(new GateReason(null, GateReason.Code.NO_WORKERS, "no node matches nodes.workers.selector"));
        }
        Instant opensAt = null;
        boolean onlyWaiting = true;
        for (NodeState w : workers) {
            List<GateReason> problems = problems(w);
            if (!problems.isEmpty()) {
                reasons.addAll(problems);
                onlyWaiting = false;
                continue;
            }
            Optional<GateReason> skew = clockSkew(w, now);
            if (skew.isPresent()) {
                // by its own timestamps the node is stable stableFor after its last change: still a time to wait for
                reasons.add(skew.get());
                Instant stableAt = healthySince(w).orElseThrow().plus(happyPath.stableFor());
                opensAt = opensAt == null || stableAt.isAfter(opensAt) ? stableAt : opensAt;
                continue;
            }
            Optional<Instant> since = healthySince(w);
            if (since.isEmpty()) {
                reasons.add(new GateReason(w.name(), GateReason.Code.NOT_STABLE,
                        "reports no lastTransitionTime for Ready: cannot tell how long it has been healthy"));
                onlyWaiting = false;
                continue;
            }
            Instant stableAt = since.get().plus(happyPath.stableFor());
            if (now.isBefore(stableAt)) {
                Duration healthy = Duration.between(since.get(), now);
                reasons.add(new GateReason(w.name(), GateReason.Code.NOT_STABLE,
                        "healthy for " + ConfigNode.format(truncate(healthy)) + " only, needs "
                                + ConfigNode.format(happyPath.stableFor()) + " (stable at " + stableAt + ")"));
                opensAt = opensAt == null || stableAt.isAfter(opensAt) ? stableAt : opensAt;
            }
        }
        boolean open = reasons.isEmpty();
        return new GateVerdict(open, reasons, now, !open && onlyWaiting && !workers.isEmpty() ? opensAt : null);
    }

    private static Duration truncate(Duration d) {
        return d.isNegative() ? Duration.ZERO : Duration.ofSeconds(d.getSeconds());
    }

    private static List<GateReason> problems(NodeState w) {
        List<GateReason> problems = new ArrayList<>();
        Optional<Condition> ready = w.condition("Ready");
        if (ready.isEmpty()) {
            problems.add(new GateReason(w.name(), GateReason.Code.NOT_READY, "reports no Ready condition"));
        } else if (!ready.get().isTrue()) {
            String why = ready.get().reason() == null ? "" : " (" + ready.get().reason() + ")";
            problems.add(new GateReason(w.name(), GateReason.Code.NOT_READY, "not Ready: Ready=" + ready.get().status() + why));
        }
        if (w.unschedulable()) {
            problems.add(new GateReason(w.name(), GateReason.Code.UNSCHEDULABLE, "cordoned (spec.unschedulable)"));
        }
        for (String type : PRESSURES) {
            Optional<Condition> c = w.condition(type);
            if (c.isPresent() && !c.get().isFalse()) {
                GateReason.Code code = switch (type) {
                    case "MemoryPressure" -> GateReason.Code.MEMORY_PRESSURE;
                    case "DiskPressure" -> GateReason.Code.DISK_PRESSURE;
                    default -> GateReason.Code.PID_PRESSURE;
                };
                problems.add(new GateReason(w.name(), code, type + "=" + c.get().status()));
            }
        }
        // The node lifecycle controller and the kubelet add these taints while a node is unhealthy; they can
        // linger for a moment after Ready flips back.
        for (Taint t : w.taints()) {
            if (t.key().startsWith("node.kubernetes.io/") && t.effect().filters()
                    && !t.key().equals("node.kubernetes.io/unschedulable")) {
                problems.add(new GateReason(w.name(), GateReason.Code.HEALTH_TAINT, "still tainted " + t));
            }
        }
        return problems;
    }

    /**
     * A Ready or pressure condition whose lastTransitionTime is after {@code now}: the node's clock (or ours) is
     * wrong, and "healthy for" would be negative. Stability cannot be measured, so the gate stays closed and
     * says so, rather than "healthy for 0s".
     */
    private static Optional<GateReason> clockSkew(NodeState w, Instant now) {
        Condition ahead = null;
        for (String type : CONDITIONS) {
            Condition c = w.condition(type).orElse(null);
            if (c != null && c.lastTransitionTime() != null && c.lastTransitionTime().isAfter(now)
                    && (ahead == null || c.lastTransitionTime().isAfter(ahead.lastTransitionTime()))) {
                ahead = c;
            }
        }
        if (ahead == null) {
            return Optional.empty();
        }
        Duration by = Duration.between(now, ahead.lastTransitionTime());
        return Optional.of(new GateReason(w.name(), GateReason.Code.CLOCK_SKEW, "clock skew: its " + ahead.type()
                + " condition changed at " + ahead.lastTransitionTime() + ", " + ConfigNode.format(by.getSeconds() == 0 ? by : Duration.ofSeconds(by.getSeconds()))
                + " ahead of now (" + now + "): cannot tell how long it has been healthy; check the clocks (NTP) of the node and of the rebalancer"));
    }

    /** The latest transition among Ready and the pressure conditions: the node has been healthy since then. */
    private static Optional<Instant> healthySince(NodeState w) {
        Instant since = w.condition("Ready").map(Condition::lastTransitionTime).orElse(null);
        if (since == null) {
            return Optional.empty();
        }
        for (String type : PRESSURES) {
            Instant t = w.condition(type).map(Condition::lastTransitionTime).orElse(null);
            if (t != null && t.isAfter(since)) {
                since = t;
            }
        }
        return Optional.of(since);
    }
}
