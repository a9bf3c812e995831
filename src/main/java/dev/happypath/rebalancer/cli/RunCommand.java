package dev.happypath.rebalancer.cli;

import dev.happypath.rebalancer.InvalidInputException;
import dev.happypath.rebalancer.RuntimeFailure;
import dev.happypath.rebalancer.cluster.NodeWatch;
import dev.happypath.rebalancer.config.ConfigNode;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.events.PassEvents;
import dev.happypath.rebalancer.gate.GateVerdict;
import dev.happypath.rebalancer.lease.PassLease;
import dev.happypath.rebalancer.plan.Scope;
import dev.happypath.rebalancer.trigger.GateOpening;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class, description = {
        "Runs one pass against the cluster of the current kube context (in a pod: in-cluster).",
        "Live by default: evicts through the Eviction API, holding the Lease 'happypath-rebalancer' while it acts (skipped, exit 0, when another rebalancer holds it).",
        "With --dry-run: reports what it would do."})
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

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
    public Integer call() throws InterruptedException {
        HappyPath happyPath = config.load();
        Scope only = scope.scope(happyPath);
        report.checkWritable();
        PassLease.Timing timing = lease.timing();
        if (waitForGate != null && (waitForGate.isZero() || waitForGate.compareTo(Duration.ofDays(1)) > 0)) {
            throw InvalidInputException.at(null, "--wait-for-gate", "expected a duration from 1s to 24h, got " + ConfigNode.format(waitForGate));
        }
        Thread passThread = Thread.currentThread();
        cli.shutdown().onRequest(passThread::interrupt);
        try (KubernetesClient client = cli.connect(cluster)) {
            if (waitForGate != null && !gateOpened(client, happyPath)) {
                return ExitCode.OK;
            }
            String runId = Cli.newRunId();
            if (dryRun) {
                Pass.Result result = Pass.run(cli, client, happyPath, true, runId, null, report.explain, only);
                return cli.finish(result.report(), result.moves(), result.abort(), report);
            }
            return live(client, happyPath, timing, runId, only);
        }
    }

    /**
     * A live pass with something to execute holds the Lease from before its read to after its last Event.
     * A first read decides whether there is anything to execute: when not (the usual, green case) the
     * pass ends there and writes nothing, not even the Lease; when there is, the Lease is taken and the
     * cluster read again, because another rebalancer may have acted in between.
     */
    private int live(KubernetesClient client, HappyPath happyPath, PassLease.Timing timing, String runId, Scope only) throws InterruptedException {
        Pass.Decided first = Pass.decide(cli, client, happyPath, only);
        if (!first.hasPlannedMoves()) {
            Pass.Result result = Pass.nothingToExecute(cli, happyPath, first, runId, null, report.explain);
            return cli.finish(result.report(), result.moves(), result.abort(), report);
        }
        String namespace = lease.namespace();
        PassLease.Holder holder = PassLease.currentHolder(client, namespace);
        if (holder != null) {
            cli.err().println(skipped(namespace, holder.identity() + " (renewed at " + holder.renewedAt() + ")"));
            return ExitCode.OK;
        }
        Thread passThread = Thread.currentThread();
        AtomicBoolean lost = new AtomicBoolean();
        String identity = PassLease.newIdentity();
        try (PassLease held = PassLease.contend(client, namespace, identity, timing, () -> {
            lost.set(true);
            passThread.interrupt();
        })) {
            switch (held.awaitLeading(timing.leaseDuration())) {
                case LEADING -> {
                }
                case HELD_ELSEWHERE -> {
                    cli.err().println(skipped(namespace, "another rebalancer, which took it first"));
                    return ExitCode.OK;
                }
                case FAILED -> throw new RuntimeFailure("could not take the Lease " + namespace + "/" + PassLease.NAME
                        + " that keeps two rebalancers from evicting at once: " + held.lastError());
                default -> throw new IllegalStateException();
            }
            Pass.Result result = Pass.run(cli, client, happyPath, false, runId, new PassEvents(client, identity), report.explain, only);
            // an interrupt meant for the pass must not cut the Lease's release short
            boolean cutShort = Thread.interrupted() && cli.shutdown().requested();
            if (lost.get()) {
                cli.err().println("error: lost the Lease " + namespace + "/" + PassLease.NAME + " during the pass: stopped evicting (see the report)");
            } else if (cutShort) {
                cli.err().println("stopping on SIGTERM: the pass was cut short, nothing more is evicted (see the report)");
            }
            int code = cli.finish(result.report(), result.moves(), result.abort(), report);
            // a pass that did not run to its end is no success, whoever stopped it
            return lost.get() || cutShort ? ExitCode.RUNTIME_FAILURE : code;
        }
    }

    private static String skipped(String namespace, String holder) {
        return "skipped: the Lease " + namespace + "/" + PassLease.NAME + " is held by " + holder
                + ": another rebalancer is acting on this cluster; nothing was done";
    }

    /** The node watch; null, after saying so, when SIGTERM came while it was being set up. */
    private NodeWatch startWatching(KubernetesClient client, GateOpening gate) {
        try {
            return NodeWatch.start(client, gate::nodesChanged);
        } catch (RuntimeFailure e) {
            if (!cli.shutdown().requested()) {
                throw e;
            }
            Thread.interrupted();
            cli.err().println(STOPPED_WAITING);
            return null;
        }
    }

    private static final String STOPPED_WAITING = "stopping on SIGTERM while waiting for the gate; no pass ran";

    /** Waits (watching the nodes) for the gate to open; false, after saying why, when it did not in time. */
    private boolean gateOpened(KubernetesClient client, HappyPath happyPath) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        cli.shutdown().onRequest(done::countDown);
        try (GateOpening gate = new GateOpening(happyPath, cli.clock(), true, v -> done.countDown());
             NodeWatch watch = startWatching(client, gate)) {
            if (watch == null) {
                return false;
            }
            GateVerdict first = gate.last();
            if (first != null && !first.open()) {
                LOG.info("waiting up to {} for the gate to open, watching the nodes: {}", ConfigNode.format(waitForGate), first.summary());
            }
            try {
                done.await(waitForGate.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                // SIGTERM: said below
            }
            GateVerdict last = gate.last();
            if (last != null && last.open() && !cli.shutdown().requested()) {
                LOG.info("the gate is open: running the pass");
                return true;
            }
            // SIGTERM both counts the latch down and interrupts this thread, in either order
            if (cli.shutdown().requested()) {
                Thread.interrupted();
                cli.err().println(STOPPED_WAITING);
                return false;
            }
            StringBuilder why = new StringBuilder();
            if (last != null) {
                last.reasons().forEach(r -> why.append("\n  - ").append(r));
            }
            cli.err().println("the gate did not open within " + ConfigNode.format(waitForGate)
                    + " (--wait-for-gate); no pass ran, nothing was done. Still closed:" + why);
            return false;
        }
    }
}
