package dev.happypath.rebalancer.cli;

import dev.happypath.rebalancer.cluster.ClusterReader;
import dev.happypath.rebalancer.cluster.LedgerStore;
import dev.happypath.rebalancer.config.ClusterFit;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.events.PassEvents;
import dev.happypath.rebalancer.execute.ApiEvictions;
import dev.happypath.rebalancer.execute.Execution;
import dev.happypath.rebalancer.execute.Executor;
import dev.happypath.rebalancer.plan.Decision;
import dev.happypath.rebalancer.plan.Move;
import dev.happypath.rebalancer.plan.Outcome;
import dev.happypath.rebalancer.plan.Scope;
import dev.happypath.rebalancer.report.Report;
import dev.happypath.rebalancer.report.ReportBuilder;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One pass against the cluster, shared by {@code run} and {@code daemon}: read, check the fit, decide,
 * execute (live) or not (dry run), then report, log each move and, live, record Events. The report
 * carries the pass's figures.
 */
final class Pass {

    private static final Logger LOG = LoggerFactory.getLogger(Pass.class);

    /**
     * What a pass leaves: its report, the moves behind it, and why it stopped early if a runtime problem
     * that is no move's failure cut it short (null otherwise).
     */
    record Result(Report report, List<Move> moves, String abort) {
    }

    private Pass() {
    }

    /** The cluster as read and what to do about it, before anything is done. */
    record Decided(ClusterReader reader, LedgerStore ledger, ClusterSnapshot snapshot, Decision decision, Instant started) {

        boolean hasPlannedMoves() {
            return decision.plan().moves().stream().anyMatch(m -> m.outcome() == Outcome.PLANNED);
        }
    }

    /** Reads the cluster and the ledger once, checks the configuration fits the cluster, decides. Touches nothing. */
    static Decided decide(Cli cli, KubernetesClient client, HappyPath happyPath) {
        return decide(cli, client, happyPath, Scope.ALL);
    }

    /** Restricted to a scope (--namespace, --rule): the rest is read and counted, never moved. */
    static Decided decide(Cli cli, KubernetesClient client, HappyPath happyPath, Scope scope) {
        Instant started = cli.clock().instant();
        ClusterReader reader = new ClusterReader(client, cli.clock(), cli.listChunkSize());
        ClusterSnapshot snapshot = reader.read();
        ClusterFit.check(happyPath, snapshot);
        LedgerStore ledger = new LedgerStore(client, happyPath.antiFlap());
        Decision decision = Decision.decide(snapshot, happyPath, ledger.read(), cli.clock().instant(), scope);
        return new Decided(reader, ledger, snapshot, decision, started);
    }

    /**
     * A whole pass: decide, then execute (live) or not (dry run), then report.
     *
     * @param events  where a live pass records its Events, or null for none
     * @param explain whether the report carries every node's per-plugin scores
     */
    static Result run(Cli cli, KubernetesClient client, HappyPath happyPath, boolean dryRun, String runId, PassEvents events,
                      boolean explain) {
        return run(cli, client, happyPath, dryRun, runId, events, explain, Scope.ALL);
    }

    static Result run(Cli cli, KubernetesClient client, HappyPath happyPath, boolean dryRun, String runId, PassEvents events,
                      boolean explain, Scope scope) {
        MDC.put("runId", runId);
        try {
            Decided d = decide(cli, client, happyPath, scope);
            log(dryRun, runId, d);
            if (dryRun) {
                return complete(cli, happyPath, d, true, runId, d.decision().plan().moves(), null, events, explain);
            }
            Execution done = new Executor(new ApiEvictions(client, d.reader()), d.ledger()::read, d.ledger()::record, happyPath, cli.clock(), cli.sleeper())
                    .execute(d.decision().plan());
            Result result = complete(cli, happyPath, d, false, runId, done.moves(), done.abort(), events, explain);
            Report.AfterView after = after(d, happyPath, done.moves());
            return after == null ? result : new Result(result.report().withAfter(after), result.moves(), result.abort());
        } finally {
            MDC.remove("runId");
        }
    }

    /**
     * The cluster after a pass that evicted, read again: the report's state, placements and summary are the
     * cluster the pass decided on, and a reader must not take "Off the Happy Path: 2" for what is left.
     * Null when nothing was evicted (the cluster is as read) or the read fails or the pass is stopping:
     * the next pass reads it anyway.
     */
    private static Report.AfterView after(Decided d, HappyPath happyPath, List<Move> moves) {
        if (moves.stream().noneMatch(m -> m.outcome() == dev.happypath.rebalancer.plan.Outcome.EVICTED) || Thread.currentThread().isInterrupted()) {
            return null;
        }
        try {
            ClusterSnapshot again = d.reader().read();
            return ReportBuilder.after(again, dev.happypath.rebalancer.compare.HappyPathComparer.compare(again, happyPath));
        } catch (RuntimeException e) {
            LOG.warn("could not read the cluster again after the pass ({}): the report gives its state before the pass only", e.getMessage());
            return null;
        }
    }

    /** A live pass whose plan holds nothing to execute: its moves are final as decided, nothing is acted on. */
    static Result nothingToExecute(Cli cli, HappyPath happyPath, Decided d, String runId, PassEvents events, boolean explain) {
        MDC.put("runId", runId);
        try {
            log(false, runId, d);
            return complete(cli, happyPath, d, false, runId, d.decision().plan().moves(), null, events, explain);
        } finally {
            MDC.remove("runId");
        }
    }

    private static void log(boolean dryRun, String runId, Decided d) {
        LOG.info("{} pass {}: cluster {}, gate {}, {} move(s) proposed", dryRun ? "dry-run" : "live", runId,
                d.decision().comparison().state(), d.decision().gate().summary(), d.decision().plan().moves().size());
    }

    private static Result complete(Cli cli, HappyPath happyPath, Decided d, boolean dryRun, String runId, List<Move> moves,
                                   String abort, PassEvents events, boolean explain) {
        Instant ended = cli.clock().instant();
        Report report = ReportBuilder.build(dryRun, ended, runId, happyPath, d.snapshot(), d.decision().comparison(),
                d.decision().gate(), moves, explain);
        report = report.withMetrics(ReportBuilder.metrics(report, Duration.between(d.started(), ended)));
        logMoves(moves);
        if (!dryRun && events != null) {
            // a pass cut short (SIGTERM, the Lease lost) still tells what it did; the stop is honoured after
            boolean stopping = Thread.interrupted();
            try {
                events.publish(report, moves, PassEvents.Self.fromEnvironment(), ended);
            } finally {
                if (stopping) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        return new Result(report, moves, abort);
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
