package dev.happypath.rebalancer.cli;

import dev.happypath.rebalancer.InvalidInputException;
import dev.happypath.rebalancer.RuntimeFailure;
import dev.happypath.rebalancer.StopSignal;
import dev.happypath.rebalancer.cluster.ApiWatchdog;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.metrics.MetricsEndpoint;
import dev.happypath.rebalancer.metrics.PassMetrics;
import dev.happypath.rebalancer.pass.Daemon;
import dev.happypath.rebalancer.pass.Lease;
import dev.happypath.rebalancer.pass.KeptNodeWatch;
import dev.happypath.rebalancer.pass.NodeChanges;
import dev.happypath.rebalancer.pass.Pass;
import dev.happypath.rebalancer.plan.Scope;
import dev.happypath.rebalancer.report.ReportFormat;
import dev.happypath.rebalancer.trigger.CronSchedule;
import dev.happypath.rebalancer.trigger.GateOpening;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.quartz.CronExpression;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "daemon", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class, description = {
        "Runs live passes on a cron schedule and, with --on-node-recovery, as soon as a recovered worker has been stable for gate.stableFor.",
        "Only the holder of the Lease 'happypath-rebalancer' acts; the others wait to take over.",
        "Serves Prometheus metrics on /metrics, and /healthz and /readyz for probes. Stops cleanly on SIGTERM."})
final class DaemonCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(DaemonCommand.class);

    @Option(names = "--schedule", paramLabel = "CRON", required = true, description = {
            "When to run a pass, in UTC: 5 fields like a CronJob ('*/5 * * * *') or Quartz's 6-7 starting with seconds",
            "('0 0/5 * * * ?')."})
    String schedule;

    @Option(names = "--on-node-recovery", description = "Also run a pass when the node watch sees the gate open "
            + "(a worker back Ready and stable for gate.stableFor).")
    boolean onNodeRecovery;

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "9090",
            description = "Port of /metrics, /healthz and /readyz (default: ${DEFAULT-VALUE}).")
    int metricsPort;

    @Option(names = "--api-check-interval", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
            description = "How often the daemon checks it can reach the API server and its Lease: /readyz, and a warning line when not (default: ${DEFAULT-VALUE}).")
    Duration apiCheckInterval;

    // jsonl by default: a daemon's stdout is a container log, where each line is one entry (Loki, jq -c)
    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "jsonl",
            description = "Format of each pass's report on stdout: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}, one line per report).")
    ReportFormat output;

    @Option(names = "--report-file", paramLabel = "FILE", description = "Write each pass's report to FILE (replacing the last) instead of stdout.")
    Path reportFile;

    @Mixin
    ConfigOption config;

    @Mixin
    ScopeOptions scope;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    LeaseOptions lease;

    @Mixin
    LogOptions logs;

    private final Cli cli;

    DaemonCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        // Everything the user wrote is checked before the cluster is touched.
        HappyPath happyPath = config.load();
        Scope only = scope.scope(happyPath);
        CronExpression cron = CronSchedule.parse(schedule);
        lease.timing();
        if (metricsPort < 1 || metricsPort > 65535) {
            throw InvalidInputException.at(null, "--metrics-port", "expected a port from 1 to 65535, got " + metricsPort);
        }
        if (apiCheckInterval.isZero() || apiCheckInterval.compareTo(Duration.ofMinutes(10)) > 0) {
            throw InvalidInputException.at(null, "--api-check-interval", "expected a duration from 1s to 10m, got " + dev.happypath.rebalancer.config.ConfigNode.format(apiCheckInterval));
        }
        ReportOptions report = new ReportOptions();
        report.output = output;
        report.reportFile = reportFile;
        report.checkWritable();

        PassMetrics metrics = new PassMetrics();
        try (KubernetesClient client = cli.connect(cluster);
             ApiWatchdog watchdog = ApiWatchdog.start(client, lease.namespace(), apiCheckInterval);
             MetricsEndpoint endpoint = serve(metrics, watchdog);
             // the daemon's life: ended by SIGTERM, or by the daemon itself (a pass's error, its election dead)
             StopSignal life = cli.shutdown().signal().child()) {
            Pass.Ports ports = cli.ports(client, happyPath, lease);
            Pass pass = new Pass(ports, happyPath);
            Daemon daemon = new Daemon(ports.lease(), Lease.newIdentity(), metrics, life,
                    (trigger, identity, stop) -> pass(pass, only, report, metrics, trigger, identity, stop));
            daemon.start();
            LOG.info("daemon: passes on '{}' (UTC){}{}; metrics on :{}/metrics, probes on /healthz and /readyz", schedule,
                    onNodeRecovery ? " and on node recovery" : "", only.everything() ? "" : ", moving only " + only.describe(),
                    endpoint.port());
            try (CronSchedule timetable = CronSchedule.start(cron, () -> daemon.trigger("schedule"));
                 GateOpening gate = onNodeRecovery ? new GateOpening(happyPath, cli.clock(), false, v -> daemon.trigger("node-recovery")) : null;
                 // tried again until it starts: a daemon that starts while the API server is away waits for it
                 NodeChanges.Watching watch = onNodeRecovery ? KeptNodeWatch.start(Cli.nodeChanges(client), gate::nodesChanged, cli.shutdown().signal()) : null) {
                LOG.info("next scheduled pass at {}", timetable.nextFire());
                while (!life.await(Duration.ofHours(1))) {
                    LOG.debug("daemon alive; next scheduled pass at {}", timetable.nextFire());
                }
                if (daemon.fatal() == null) {
                    LOG.info("stopping on SIGTERM");
                }
            } finally {
                daemon.stop(Shutdown.GRACE.minusSeconds(5));
            }
            if (daemon.fatal() != null) {
                // the daemon said why when the pass failed; the kubelet restarts the container
                return ExitCode.RUNTIME_FAILURE;
            }
        }
        return ExitCode.OK;
    }

    private MetricsEndpoint serve(PassMetrics metrics, ApiWatchdog watchdog) {
        try {
            return MetricsEndpoint.serve(metricsPort, metrics, watchdog::problem);
        } catch (IOException e) {
            throw new RuntimeFailure("cannot serve metrics on port " + metricsPort + ": " + e.getMessage(), e);
        }
    }

    private void pass(Pass pass, Scope only, ReportOptions report, PassMetrics metrics, String trigger, String identity, StopSignal stop) {
        Pass.Result result = pass.underLease(Cli.newRunId(), only, false, identity, stop);
        synchronized (this) {
            report.write(result.report(), cli.out());
        }
        if (result.abort() != null) {
            LOG.error("the pass stopped: {}", result.abort());
        }
        metrics.completed(trigger, result.report(), cli.clock().instant());
    }
}
