package dev.happypath.rebalancer.ledger;

import dev.happypath.rebalancer.config.AntiFlap;
import dev.happypath.rebalancer.config.ConfigNode;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What the ledger says about moving a workload now. Pure. */
public final class AntiFlapCheck {

    /**
     * @param permanent true when only a change of spec or nodes lifts it (SKIPPED), false when time does (DEFERRED)
     */
    public record HoldBack(boolean permanent, String reason) {
    }

    private AntiFlapCheck() {
    }

    public static Optional<HoldBack> holdBack(Ledger ledger, PodState pod, List<NodeState> nodes, AntiFlap policy, Instant now) {
        Optional<LedgerEntry> entry = ledger.entry(Ledger.workloadKey(pod));
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        Recorded last = entry.get().last();
        if (!last.landedHome() && last.spec().equals(Fingerprints.spec(pod)) && last.nodes().equals(Fingerprints.nodes(nodes))) {
            return Optional.of(new HoldBack(true, "its last move (" + last.at() + ") landed on " + last.landedOn()
                    + ", off its home: not moved again until its pod spec or the nodes change"));
        }
        Duration since = Duration.between(last.at(), now);
        if (since.compareTo(policy.cooldown()) < 0) {
            return Optional.of(new HoldBack(false, "cooldown: moved " + ConfigNode.format(Duration.ofSeconds(Math.max(0, since.getSeconds())))
                    + " ago, antiFlap.cooldown is " + ConfigNode.format(policy.cooldown()) + " (until " + last.at().plus(policy.cooldown()) + ")"));
        }
        long today = entry.get().moves().stream().filter(t -> t.isAfter(now.minus(Duration.ofDays(1)))).count();
        if (today >= policy.maxMovesPerWorkloadPerDay()) {
            return Optional.of(new HoldBack(false, "moved " + today + " times in the last 24h (antiFlap.maxMovesPerWorkloadPerDay is "
                    + policy.maxMovesPerWorkloadPerDay() + ")"));
        }
        return Optional.empty();
    }
}
