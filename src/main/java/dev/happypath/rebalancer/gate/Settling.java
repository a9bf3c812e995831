package dev.happypath.rebalancer.gate;

import dev.happypath.rebalancer.config.ConfigNode;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.ledger.Ledger;
import dev.happypath.rebalancer.ledger.LedgerEntry;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.PodState;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The gate's second half: no move while an earlier move of this rebalancer has not settled. A workload the
 * ledger shows moved within {@link #window} that now has a pod Pending, or bound but not Ready, is still
 * recovering from our eviction; evicting anything else meanwhile stacks a second disruption on the first
 * (the node the replacement waits for may be the one the next move fills). Pure.
 */
public final class Settling {

    private Settling() {
    }

    /** How long after a move its workload is watched: max(eviction.readyTimeout, antiFlap.cooldown). */
    public static Duration window(HappyPath happyPath) {
        Duration ready = happyPath.eviction().readyTimeout();
        Duration cooldown = happyPath.antiFlap().cooldown();
        return ready.compareTo(cooldown) >= 0 ? ready : cooldown;
    }

    /** One UNSETTLED reason per recently moved workload with a pod Pending or not Ready; empty when all settled. */
    public static List<GateReason> unsettled(ClusterSnapshot snapshot, Ledger ledger, HappyPath happyPath, Instant now) {
        Duration window = window(happyPath);
        Map<String, Instant> recent = new TreeMap<>();
        for (Map.Entry<String, LedgerEntry> e : ledger.entries().entrySet()) {
            Instant at = e.getValue().last().at();
            if (!at.isBefore(now.minus(window))) {
                recent.put(e.getKey(), at);
            }
        }
        if (recent.isEmpty()) {
            return List.of(); // the usual case: no pod is looked at
        }
        // one pass over the pods, whatever the size of the cluster
        Map<String, List<PodState>> struggling = new TreeMap<>();
        for (PodState p : snapshot.pods()) {
            if (p.isTerminating() || p.isTerminal() || (p.isBound() && p.ready())) {
                continue;
            }
            String key = Ledger.workloadKey(p);
            if (recent.containsKey(key)) {
                struggling.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
            }
        }
        List<GateReason> reasons = new ArrayList<>();
        struggling.forEach((key, pods) -> {
            pods.sort(Comparator.comparing(PodState::key));
            Duration ago = Duration.between(recent.get(key), now);
            PodState first = pods.get(0);
            reasons.add(new GateReason(null, GateReason.Code.UNSETTLED, "an earlier move has not settled: " + key
                    + " was moved " + ConfigNode.format(ago.isNegative() ? Duration.ZERO : Duration.ofSeconds(ago.getSeconds()))
                    + " ago and its pod " + first.key() + " " + doing(first)
                    + (pods.size() > 1 ? " (and " + (pods.size() - 1) + " more)" : "")
                    + "; watched for " + ConfigNode.format(window) + " after a move (max of eviction.readyTimeout, antiFlap.cooldown)"));
        });
        return reasons;
    }

    private static String doing(PodState p) {
        return p.isBound() ? "is on " + p.nodeName() + ", not Ready (" + p.whatItIsDoing() + ")" : "is Pending, not scheduled";
    }

    /** The gate with these reasons added: closed when any is present. */
    public static GateVerdict merge(GateVerdict gate, List<GateReason> unsettled) {
        if (unsettled.isEmpty()) {
            return gate;
        }
        List<GateReason> reasons = new ArrayList<>(gate.reasons());
        reasons.addAll(unsettled);
        // a settling workload has no known end: the gate's "opens at" no longer holds
        return new GateVerdict(false, reasons, gate.judgedAt(), null);
    }
}
