package dev.happypath.rebalancer.cli;

import dev.happypath.rebalancer.InvalidInputException;
import dev.happypath.rebalancer.cluster.LedgerFile;
import dev.happypath.rebalancer.config.ClusterFit;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.ledger.Ledger;
import dev.happypath.rebalancer.plan.Decision;
import dev.happypath.rebalancer.plan.Scope;
import dev.happypath.rebalancer.report.Report;
import dev.happypath.rebalancer.report.ReportBuilder;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;

@Command(name = "plan", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class, description = {
        "Plans a pass offline, from a dump of the cluster: what a live run would do now, and why.",
        "The dump is what 'kubectl get nodes,pods,pdb,pvc,pv -A -o yaml' (or -o json) prints."})
final class PlanCommand implements Callable<Integer> {

    @Option(names = "--snapshot", paramLabel = "FILE", required = true, description = "kubectl dump of nodes, pods, pdb, pvc, pv; '-' reads it from stdin.")
    Path snapshot;

    @Option(names = "--now", paramLabel = "RFC3339",
            description = "The instant at which the gate is judged (default: when the dump was taken, its newest node heartbeat).")
    String now;

    @Option(names = "--ledger", paramLabel = "FILE",
            description = "The ledger of past moves: 'kubectl get configmap happypath-rebalancer-ledger -o yaml' (default: none).")
    Path ledger;

    @Mixin
    ConfigOption config;

    @Mixin
    ScopeOptions scope;

    @Mixin
    ReportOptions report;

    @Mixin
    LogOptions logs;

    private final Cli cli;

    PlanCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        Instant given = now == null ? null : parseNow(now);
        HappyPath happyPath = config.load();
        report.checkWritable();
        Ledger past = ledger == null ? Ledger.EMPTY : LedgerFile.read(ledger);
        Scope only = scope.scope(happyPath);
        ClusterSnapshot cluster = SnapshotInput.read(cli, snapshot, given);
        // judged as of when the dump was taken unless told otherwise: a dump of a worker down is read as one
        Instant at = cluster.readAt();
        if (given == null) {
            report.asOf = asOf(cluster, at);
        }
        ClusterFit.check(happyPath, cluster);
        Decision decision = Decision.decide(cluster, happyPath, past, at, only);
        Report built = ReportBuilder.build(true, at, Cli.newRunId(), happyPath, cluster, decision.comparison(), decision.gate(),
                decision.plan().moves(), report.explain);
        return cli.finish(built, decision.plan().moves(), null, report);
    }

    /** What the header says of the instant a dump is judged at when --now is not given. */
    private String asOf(ClusterSnapshot cluster, Instant at) {
        Instant newestChange = cluster.nodes().stream().flatMap(n -> n.conditions().values().stream())
                .map(c -> c.lastTransitionTime()).filter(java.util.Objects::nonNull).max(Instant::compareTo).orElse(null);
        if (newestChange == null && at.equals(cli.clock().instant())) {
            return "as of now: the dump tells no time (no node conditions); --now sets one";
        }
        // the heartbeat is not kept in the model: when the instant is no condition change, it was a heartbeat
        return "as of " + at + " (the newest " + (at.equals(newestChange) ? "node condition change" : "node heartbeat")
                + " in the dump); --now overrides";
    }

    static Instant parseNow(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw InvalidInputException.at(null, "--now", "expected an RFC 3339 time such as 2026-11-21T10:00:00Z, got '" + text + "'");
        }
    }
}
