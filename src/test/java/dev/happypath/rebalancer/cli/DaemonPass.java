package dev.happypath.rebalancer.cli;

import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.events.PassEvents;
import dev.happypath.rebalancer.plan.Move;
import dev.happypath.rebalancer.report.Report;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.List;

/**
 * The very pass {@code daemon} runs on each trigger ({@link DaemonCommand}: {@link Pass#run} live, with
 * Events), for the soak, which drives the daemon's triggers on simulated time: the daemon's own threads
 * (Lease renewal, Quartz, the stability timer) run on the wall clock, far too slow for seven days.
 */
public final class DaemonPass {

    /** What the pass did: every move as it ended, the report, and why it stopped early (null if it did not). */
    public record Done(List<Move> moves, Report report, String abort) {
    }

    private DaemonPass() {
    }

    public static Done run(Cli cli, KubernetesClient client, HappyPath happyPath, String identity) {
        Pass.Result r = Pass.run(cli, client, happyPath, false, Cli.newRunId(), new PassEvents(client, identity), false);
        return new Done(r.moves(), r.report(), r.abort());
    }
}
