package dev.happypath.rebalancer.cli;

import dev.happypath.rebalancer.StopSignal;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.pass.Pass;
import dev.happypath.rebalancer.plan.Move;
import dev.happypath.rebalancer.plan.Scope;
import dev.happypath.rebalancer.report.Report;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.time.Duration;
import java.util.List;

/**
 * The very pass {@code daemon} runs on each trigger ({@link DaemonCommand}: {@link Pass#underLease}, with
 * Events, on the ports {@link Cli} wires), for the soak, which drives the daemon's triggers on simulated
 * time: the daemon's own threads (Lease renewal, Quartz, the stability timer) run on the wall clock, far
 * too slow for seven days.
 */
public final class DaemonPass {

    /** What the pass did: every move as it ended, the report, and why it stopped early (null if it did not). */
    public record Done(List<Move> moves, Report report, String abort) {
    }

    private DaemonPass() {
    }

    public static Done run(Cli cli, KubernetesClient client, HappyPath happyPath, String identity, StopSignal stop) {
        LeaseOptions lease = new LeaseOptions();
        lease.duration = Duration.ofSeconds(15);
        Pass.Result r = new Pass(cli.ports(client, happyPath, lease), happyPath).underLease(Cli.newRunId(), Scope.ALL, false, identity, stop);
        return new Done(r.moves(), r.report(), r.abort());
    }
}
