package dev.happypath.rebalancer.config;

import java.time.Duration;

/**
 * The memory that keeps a workload from being moved back and forth: a ledger of moves kept in one
 * ConfigMap, a cooldown after any move, and a daily cap.
 *
 * @param ledgerNamespace namespace of the ledger ConfigMap (the rebalancer's own)
 * @param ledgerName      name of the ledger ConfigMap
 */
public record AntiFlap(Duration cooldown, int maxMovesPerWorkloadPerDay, String ledgerNamespace, String ledgerName) {

    public static final AntiFlap DEFAULT = new AntiFlap(Duration.ofHours(1), 3, "happypath-rebalancer", "happypath-rebalancer-ledger");
}
