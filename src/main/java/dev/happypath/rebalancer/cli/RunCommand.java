package dev.happypath.rebalancer.cli;

import dev.happypath.rebalancer.cluster.ClusterReader;
import dev.happypath.rebalancer.cluster.LedgerStore;
import dev.happypath.rebalancer.config.ClusterFit;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.execute.ApiEvictions;
import dev.happypath.rebalancer.execute.Execution;
import dev.happypath.rebalancer.execute.Executor;
import dev.happypath.rebalancer.ledger.Ledger;
import dev.happypath.rebalancer.plan.Decision;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import io.fabric8.kubernetes.client.KubernetesClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class, description = {
        "Runs one pass against the cluster of the current kube context (in a pod: in-cluster).",
        "Live by default: evicts through the Eviction API. With --dry-run: reports what it would do."})
final class RunCommand implements Callable<Integer> {

    @Option(names = "--dry-run", description = "Read and report only; evict nothing.")
    boolean dryRun;

    @Mixin
    ConfigOption config;

    @Mixin
    ReportOptions report;

    @Mixin
    ClusterOptions cluster;

    private final Cli cli;

    RunCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        HappyPath happyPath = config.load();
        report.checkWritable();
        try (KubernetesClient client = cli.connect(cluster)) {
            ClusterReader reader = new ClusterReader(client, cli.clock());
            ClusterSnapshot snapshot = reader.read();
            ClusterFit.check(happyPath, snapshot);
            LedgerStore ledger = new LedgerStore(client, happyPath.antiFlap());
            Ledger past = ledger.read();
            Instant now = cli.clock().instant();
            Decision decision = Decision.decide(snapshot, happyPath, past, now);
            if (dryRun) {
                return cli.finish(true, cli.clock().instant(), happyPath, snapshot, decision, decision.plan().moves(), null, report);
            }
            Execution done = new Executor(new ApiEvictions(client, reader), ledger::record, happyPath, cli.clock(), cli.sleeper())
                    .execute(decision.plan());
            return cli.finish(false, cli.clock().instant(), happyPath, snapshot, decision, done.moves(), done.abort(), report);
        }
    }
}
