package dev.happypath.rebalancer.cli;

import dev.happypath.rebalancer.InvalidInputException;
import dev.happypath.rebalancer.StopSignal;
import dev.happypath.rebalancer.config.ConfigNode;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.pass.GateWait;
import dev.happypath.rebalancer.pass.Lease;
import dev.happypath.rebalancer.pass.Pass;
import dev.happypath.rebalancer.plan.Scope;
import io.fabric8.kubernetes.client.KubernetesClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class, description = {
        "Runs one pass against the cluster of the current kube context (in a pod: in-cluster).",
        "Live by default: evicts through the Eviction API, holding the Lease 'happypath-rebalancer' while it acts (skipped, exit 0, when another rebalancer holds it).",
        "With --dry-run: reports what it would do."})
final class RunCommand implements Callable<Integer> {

    @Option(names = "--dry-run", description = "Read and report only; evict nothing, record no Events, take no Lease.")
    boolean dryRun;

    @Option(names = "--wait-for-gate", paramLabel = "DURATION", converter = DurationConverter.class,
            description = {"First wait, watching the nodes, until the gate opens (every worker Ready and stable for",
                    "gate.stableFor), at most DURATION (e.g. 30m); then run once. When the deadline passes: no pass, exit 0."})
    Duration waitForGate;

    @Mixin
    ConfigOption config;

    @Mixin
    ScopeOptions scope;

    @Mixin
    ReportOptions report;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    LeaseOptions lease;

    @Mixin
    LogOptions logs;

    private final Cli cli;

    RunCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        HappyPath happyPath = config.load();
        Scope only = scope.scope(happyPath);
        report.checkWritable();
        lease.timing();
        if (waitForGate != null && (waitForGate.isZero() || waitForGate.compareTo(Duration.ofDays(1)) > 0)) {
            throw InvalidInputException.at(null, "--wait-for-gate", "expected a duration from 1s to 24h, got " + ConfigNode.format(waitForGate));
        }
        StopSignal stop = cli.shutdown().signal();
        try (KubernetesClient client = cli.connect(cluster)) {
            Pass.Ports ports = cli.ports(client, happyPath, lease);
            if (waitForGate != null && !gateOpened(client, happyPath, stop)) {
                return ExitCode.OK;
            }
            Pass pass = new Pass(ports, happyPath);
            String runId = Cli.newRunId();
            if (dryRun) {
                Pass.Result result = pass.dryRun(runId, only, report.explain);
                return cli.finish(result.report(), result.moves(), result.abort(), report);
            }
            return live(pass, ports.lease(), runId, only, stop);
        }
    }

    /** A live pass (see {@link Pass#oneShot}): its report, and what stopped or skipped it in one line on stderr. */
    private int live(Pass pass, Lease lease, String runId, Scope only, StopSignal stop) {
        Pass.Result result = pass.oneShot(runId, only, report.explain, stop);
        if (result.skipped()) {
            cli.err().println("skipped: the Lease " + lease.where() + " is held by " + result.heldBy()
                    + ": another rebalancer is acting on this cluster; nothing was done");
            return ExitCode.OK;
        }
        StopSignal.Reason stopped = result.stoppedBy();
        if (stopped == StopSignal.Reason.LEASE_LOST) {
            cli.err().println("error: lost the Lease " + lease.where() + " during the pass: stopped evicting (see the report)");
        } else if (stopped != null && result.report() != null) {
            cli.err().println("stopping on SIGTERM: the pass was cut short, nothing more is evicted (see the report)");
        } else if (stopped != null) {
            cli.err().println("stopping on SIGTERM before the Lease was taken: no pass ran, nothing was done");
            return ExitCode.RUNTIME_FAILURE;
        }
        int code = cli.finish(result.report(), result.moves(), result.abort(), report);
        // a pass that did not run to its end is no success, whoever stopped it
        return stopped != null ? ExitCode.RUNTIME_FAILURE : code;
    }

    private static final String STOPPED_WAITING = "stopping on SIGTERM while waiting for the gate; no pass ran";

    /** Waits (watching the nodes) for the gate to open; false, after saying why, when it did not in time. */
    private boolean gateOpened(KubernetesClient client, HappyPath happyPath, StopSignal stop) {
        GateWait.Ended ended = GateWait.await(happyPath, cli.clock(), Cli.nodeChanges(client),
                waitForGate, stop);
        switch (ended.how()) {
            case OPENED -> {
                return true;
            }
            case STOPPED -> {
                cli.err().println(STOPPED_WAITING);
                return false;
            }
            case DEADLINE -> {
                StringBuilder why = new StringBuilder();
                if (ended.last() != null) {
                    ended.last().reasons().forEach(r -> why.append("\n  - ").append(r));
                }
                cli.err().println("the gate did not open within " + ConfigNode.format(waitForGate)
                        + " (--wait-for-gate); no pass ran, nothing was done. Still closed:" + why);
                return false;
            }
            default -> throw new IllegalStateException(ended.how().toString());
        }
    }
}
