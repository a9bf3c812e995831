package dev.happypath.rebalancer.ledger;

import java.time.Instant;

/**
 * One move as the ledger remembers it.
 *
 * @param landedOn   where the replacement came up
 * @param landedHome whether that was one of the workload's homes
 * @param spec       fingerprint of the pod's scheduling-relevant spec at the time
 * @param nodes      fingerprint of the nodes at the time
 */
public record Recorded(Instant at, String pod, String from, String target, String landedOn, boolean landedHome,
                       String spec, String nodes) {
}
