/**
 * One pass, the whole sequence (read, decide, Lease, re-check, execute, record, tell, report), and the
 * daemon's loop of passes, behind ports: {@link dev.happypath.rebalancer.snapshot.SnapshotSource},
 * {@link dev.happypath.rebalancer.execute.EvictionApi}, {@link dev.happypath.rebalancer.ledger.LedgerStore},
 * {@link dev.happypath.rebalancer.pass.PassEvents}, {@link dev.happypath.rebalancer.pass.Lease},
 * {@link dev.happypath.rebalancer.pass.NodeChanges}, a {@link java.time.Clock} with its
 * {@link dev.happypath.rebalancer.execute.Sleeper}, and a {@link dev.happypath.rebalancer.StopSignal}.
 *
 * <p>Imports the deciding stages and the executor, never the client: the Kubernetes adapters of the ports
 * live in {@code cluster}, which {@code cli} wires (and the demo); tests wire in-memory fakes
 * ({@code testing/InMemoryCluster}, {@code InMemoryLedger}, {@code InMemoryLease}, {@code RecordedEvents}).
 */
package dev.happypath.rebalancer.pass;
