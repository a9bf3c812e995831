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
            description = "The instant at which the gate is judged, to replay an incident (default: now).")
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
        Instant at = now == null ? cli.clock().instant() : parseNow(now);
        HappyPath happyPath = config.load();
        report.checkWritable();
        Ledger past = ledger == null ? Ledger.EMPTY : LedgerFile.read(ledger);
        Scope only = scope.scope(happyPath);
        ClusterSnapshot cluster = SnapshotInput.read(cli, snapshot, at);
        ClusterFit.check(happyPath, cluster);
        Decision decision = Decision.decide(cluster, happyPath, past, at, only);
        Report built = ReportBuilder.build(true, at, Cli.newRunId(), happyPath, cluster, decision.comparison(), decision.gate(),
                decision.plan().moves(), report.explain);
        return cli.finish(built, decision.plan().moves(), null, report);
    }

    static Instant parseNow(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw InvalidInputException.at(null, "--now", "expected an RFC 3339 time such as 2026-11-21T10:00:00Z, got '" + text + "'");
        }
    }
}
