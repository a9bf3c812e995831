package dev.happypath.rebalancer.cli;

import dev.happypath.rebalancer.testing.Await;
import dev.happypath.rebalancer.testing.LiveCluster;
import dev.happypath.rebalancer.testing.OpsCluster;
import dev.happypath.rebalancer.testing.RunningCli;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import static dev.happypath.rebalancer.testing.OpsCluster.WORKER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * How soon a recovered worker gets its pods back: the node watch (--on-node-recovery) against the cron
 * schedule alone (seeds 002/003 compare watching with polling). Both must react; the figures are printed
 * and appended to target/reaction-times.txt, not asserted: timing is measured, not tested.
 */
class ReactionTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration STABLE_FOR = Duration.ofSeconds(1);

    /** From the moment the gate opens (Ready + stableFor) to the first eviction request. */
    private static Duration react(boolean watch, String schedule) {
        String config = OpsCluster.configFile(OpsCluster.config("1s", 5)).toString();
        int port = RunningCli.freePort();
        try (LiveCluster c = OpsCluster.start(true, "stray")) {
            AtomicReference<Instant> evictedAt = new AtomicReference<>();
            c.api().dispatcher().onEviction(p -> evictedAt.compareAndSet(null, Instant.now()));
            String[] args = watch ? DaemonTest.daemon(config, schedule, port, "--on-node-recovery")
                    : DaemonTest.daemon(config, schedule, port);
            try (RunningCli d = RunningCli.start(c, args)) {
                Await.until(WAIT, () -> "the daemon holds the Lease\n" + d,
                        () -> DaemonTest.scrape(port).contains("happypath_lease_held 1.0"));
                if (watch) {
                    Await.until(WAIT, "a node watch", () -> c.api().dispatcher().requests().stream()
                            .anyMatch(q -> q.path().startsWith("/api/v1/nodes?") && q.path().contains("watch=true")));
                }
                Instant ready = OpsCluster.setReady(c, WORKER, true);
                Await.until(WAIT, () -> "an eviction\n" + d, () -> evictedAt.get() != null);
                assertThat(d.stop(WAIT)).isZero();
                return Duration.between(ready.plus(STABLE_FOR), evictedAt.get());
            }
        }
    }

    @Test
    void theWatchReactsAsSoonAsTheGateOpensTheScheduleOnlyAtItsNextTick() throws IOException {
        Duration watch = react(true, "0 0 0 1 1 ? 2099");
        Duration cron = react(false, "0/3 * * * * ?");
        String figures = String.format("reaction after the gate opened (stableFor %ss elapsed): node watch %d ms; "
                        + "cron every 3s %d ms (a cron reacts at its next tick: up to its period, 5 min for the CronJob)%n",
                STABLE_FOR.toSeconds(), watch.toMillis(), cron.toMillis());
        System.out.print(figures);
        Files.writeString(Path.of("target/reaction-times.txt"), Instant.now() + " " + figures,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        // the only claims: both react, and neither before the gate could open
        assertThat(watch).isPositive();
        assertThat(cron).isPositive();
    }
}
