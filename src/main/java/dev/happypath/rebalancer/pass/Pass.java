package dev.happypath.rebalancer.pass;

import dev.happypath.rebalancer.RuntimeFailure;
import dev.happypath.rebalancer.StopSignal;
import dev.happypath.rebalancer.compare.HappyPathComparer;
import dev.happypath.rebalancer.config.ClusterFit;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.execute.EvictionApi;
import dev.happypath.rebalancer.execute.Execution;
import dev.happypath.rebalancer.execute.Executor;
import dev.happypath.rebalancer.execute.Sleeper;
import dev.happypath.rebalancer.ledger.LedgerStore;
import dev.happypath.rebalancer.plan.Decision;
import dev.happypath.rebalancer.plan.Move;
import dev.happypath.rebalancer.plan.Outcome;
import dev.happypath.rebalancer.plan.Scope;
import dev.happypath.rebalancer.report.Report;
import dev.happypath.rebalancer.report.ReportBuilder;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.SnapshotSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One pass, the whole sequence, for {@code run}, {@code daemon} and {@code demo} alike: read the cluster
 * and the ledger, check the configuration fits, decide (compare, gate, plan); live, take the Lease, read
 * and decide again under it, execute (each eviction re-checked on a fresh read), record, tell (Events);
 * then report. It talks to the world only through its {@link Ports}: the Kubernetes adapters on a
 * cluster, in-memory fakes in tests. It never prints and never chooses an exit code: the caller does.
 */
public final class Pass {

    private static final Logger LOG = LoggerFactory.getLogger(Pass.class);

    /**
     * What a pass talks to.
     *
     * @param cluster   reads the cluster once per look
     * @param evictions the Eviction API, its replacement watch and the re-check's fresh read
     * @param ledger    the moves remembered across passes
     * @param events    where a live pass tells what it did
     * @param lease     the Lease a one-shot live pass takes (the daemon holds its own)
     * @param clock     the pass's time (the gate, the budget retry deadline, the report)
     * @param sleeper   waits on that time (a PodDisruptionBudget's retry backoff)
     */
    public record Ports(SnapshotSource cluster, EvictionApi evictions, LedgerStore ledger, PassEvents events, Lease lease,
                        Clock clock, Sleeper sleeper) {
    }

    /**
     * What a pass leaves.
     *
     * @param report    its report; null when it was skipped
     * @param moves     every move as it ended
     * @param abort     why it stopped early on a runtime problem that is no move's failure, or null
     * @param stoppedBy why it was told to stop while it ran (SIGTERM, the Lease lost), or null
     * @param heldBy    who held the Lease when a one-shot live pass skipped (nothing was done), or null
     */
    public record Result(Report report, List<Move> moves, String abort, StopSignal.Reason stoppedBy, String heldBy) {

        public Result {
            moves = List.copyOf(moves);
        }

        static Result skipped(String heldBy) {
            return new Result(null, List.of(), null, null, heldBy);
        }

        public boolean skipped() {
            return heldBy != null;
        }
    }

    /** The cluster as read and what to do about it, before anything is done. */
    public record Decided(ClusterSnapshot snapshot, Decision decision, Instant started) {

        public boolean hasPlannedMoves() {
            return decision.plan().moves().stream().anyMatch(m -> m.outcome() == Outcome.PLANNED);
        }
    }

    private final Ports ports;
    private final HappyPath happyPath;

    public Pass(Ports ports, HappyPath happyPath) {
        this.ports = ports;
        this.happyPath = happyPath;
    }

    /** A short id that names one pass in its report, its log lines and its Events. */
    public static String newRunId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** Reads the cluster and the ledger once, checks the configuration fits the cluster, decides. Touches nothing. */
    public Decided decide(Scope scope) {
        Instant started = ports.clock().instant();
        ClusterSnapshot snapshot = ports.cluster().read();
        ClusterFit.check(happyPath, snapshot);
        Decision decision = Decision.decide(snapshot, happyPath, ports.ledger().read(), ports.clock().instant(), scope);
        return new Decided(snapshot, decision, started);
    }

    /** Reads and decides, reports what it would do; touches nothing, takes no Lease. */
    public Result dryRun(String runId, Scope scope, boolean explain) {
        return withRunId(runId, () -> {
            Decided d = decide(scope);
            log(true, runId, d);
            return complete(d, true, runId, d.decision().plan().moves(), null, null, null, explain);
        });
    }

    /**
     * A one-shot live pass ({@code run}, the CronJob, the demo). It holds the Lease from before its read
     * to after its last Event when there is something to execute: a first read decides that, and when
     * there is not (the usual, green case) the pass ends there and writes nothing, not even the Lease;
     * when there is, the Lease is taken and the cluster read again, because another rebalancer may have
     * acted in between. Skipped (nothing done) when another rebalancer holds the Lease. Losing the Lease
     * stops it ({@link StopSignal.Reason#LEASE_LOST}), as {@code stop} does.
     *
     * @throws RuntimeFailure when the API refuses the Lease
     */
    public Result oneShot(String runId, Scope scope, boolean explain, StopSignal stop) {
        return withRunId(runId, () -> {
            Decided first = decide(scope);
            if (!first.hasPlannedMoves()) {
                log(false, runId, first);
                return complete(first, false, runId, first.decision().plan().moves(), null, null, null, explain);
            }
            Lease lease = ports.lease();
            Lease.Holder holder = lease.holder();
            if (holder != null) {
                return Result.skipped(holder.identity() + " (renewed at " + holder.renewedAt() + ")");
            }
            String identity = Lease.newIdentity();
            try (StopSignal passStop = stop.child();
                 Lease.Held held = lease.contend(identity, () -> { }, () -> passStop.stop(StopSignal.Reason.LEASE_LOST))) {
                switch (held.awaitLeading(passStop)) {
                    case LEADING -> {
                    }
                    case HELD_ELSEWHERE -> {
                        return Result.skipped("another rebalancer, which took it first");
                    }
                    case FAILED -> throw new RuntimeFailure("could not take the Lease " + lease.where()
                            + " that keeps two rebalancers from evicting at once: " + held.lastError());
                    case STOPPED -> {
                        // told to stop before holding the Lease: nothing was done
                        return new Result(null, List.of(), null, passStop.reason(), null);
                    }
                    default -> throw new IllegalStateException();
                }
                Result r = execute(runId, scope, explain, identity, passStop);
                // the Lease may be lost after the last eviction, before its release: the pass did not hold it to its end
                return r.stoppedBy() == passStop.reason() ? r
                        : new Result(r.report(), r.moves(), r.abort(), passStop.reason(), null);
            }
        });
    }

    /**
     * A live pass by a process that already holds the Lease (the daemon, whose election runs beside its
     * passes); {@code stop} is signalled when that Lease is lost.
     */
    public Result underLease(String runId, Scope scope, boolean explain, String identity, StopSignal stop) {
        return withRunId(runId, () -> execute(runId, scope, explain, identity, stop));
    }

    /** Decides on a fresh read, executes, tells, reports. */
    private Result execute(String runId, Scope scope, boolean explain, String identity, StopSignal stop) {
        Decided d = decide(scope);
        log(false, runId, d);
        LedgerStore ledger = ports.ledger();
        Execution done = new Executor(ports.evictions(), ledger::read, ledger::record, happyPath, ports.clock(), ports.sleeper())
                .execute(d.decision().plan(), stop);
        Result result = complete(d, false, runId, done.moves(), done.abort(), stop.reason(), identity, explain);
        Report.AfterView after = after(d, done.moves(), stop);
        return after == null ? result
                : new Result(result.report().withAfter(after), result.moves(), result.abort(), result.stoppedBy(), null);
    }

    /**
     * The cluster after a pass that evicted, read again: the report's state, placements and summary are the
     * cluster the pass decided on, and a reader must not take "Off the Happy Path: 2" for what is left.
     * Null when nothing was evicted (the cluster is as read) or the read fails or the pass is stopping:
     * the next pass reads it anyway.
     */
    private Report.AfterView after(Decided d, List<Move> moves, StopSignal stop) {
        if (moves.stream().noneMatch(m -> m.outcome() == Outcome.EVICTED) || stop.isStopped()) {
            return null;
        }
        try {
            ClusterSnapshot again = ports.cluster().read();
            return ReportBuilder.after(again, HappyPathComparer.compare(again, happyPath));
        } catch (RuntimeException e) {
            LOG.warn("could not read the cluster again after the pass ({}): the report gives its state before the pass only", e.getMessage());
            return null;
        }
    }

    private static Result withRunId(String runId, java.util.function.Supplier<Result> pass) {
        MDC.put("runId", runId);
        try {
            return pass.get();
        } finally {
            MDC.remove("runId");
        }
    }

    private static void log(boolean dryRun, String runId, Decided d) {
        LOG.info("{} pass {}: cluster {}, gate {}, {} move(s) proposed", dryRun ? "dry-run" : "live", runId,
                d.decision().comparison().state(), d.decision().gate().summary(), d.decision().plan().moves().size());
    }

    /**
     * The report with the pass's figures, a log line per move and, live after acting, the Events: a pass
     * cut short (SIGTERM, the Lease lost) still tells what it did.
     *
     * @param identity the reporting instance of the Events; null when none are recorded
     */
    private Result complete(Decided d, boolean dryRun, String runId, List<Move> moves, String abort,
                            StopSignal.Reason stoppedBy, String identity, boolean explain) {
        Instant ended = ports.clock().instant();
        Report report = ReportBuilder.build(dryRun, ended, runId, happyPath, d.snapshot(), d.decision().comparison(),
                d.decision().gate(), moves, explain);
        report = report.withMetrics(ReportBuilder.metrics(report, Duration.between(d.started(), ended)));
        logMoves(moves);
        if (!dryRun && identity != null) {
            ports.events().publish(report, moves, identity, ended);
        }
        return new Result(report, moves, abort, stoppedBy, null);
    }

    /** One line per move, with the fields log pipelines index (pod, node, target, outcome, reason). */
    private static void logMoves(List<Move> moves) {
        for (Move m : moves) {
            MDC.put("pod", m.pod().key());
            MDC.put("node", m.pod().nodeName());
            if (m.target() != null) {
                MDC.put("target", m.target());
            }
            MDC.put("outcome", m.outcome().name());
            MDC.put("reason", m.reason().name());
            MDC.put("code", m.code().name());
            try {
                LOG.info("{} {} {} -> {} [{} {}]: {}", m.outcome(), m.pod().key(), m.pod().nodeName(),
                        m.target() == null ? "?" : m.target(), m.reason(), m.code(), String.join("; ", m.details()));
            } finally {
                MDC.remove("pod");
                MDC.remove("node");
                MDC.remove("target");
                MDC.remove("outcome");
                MDC.remove("reason");
                MDC.remove("code");
            }
        }
    }
}
