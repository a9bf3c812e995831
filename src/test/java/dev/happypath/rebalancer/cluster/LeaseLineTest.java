package dev.happypath.rebalancer.cluster;

import dev.happypath.rebalancer.cluster.KubernetesClients;
import dev.happypath.rebalancer.execute.Sleeper;
import dev.happypath.rebalancer.testing.CapturedStderr;
import dev.happypath.rebalancer.testing.LiveCluster;
import dev.happypath.rebalancer.testing.OpsCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;

import static org.assertj.core.api.Assertions.assertThat;

/** The line about who holds the Lease says what happened to it: held, released, or expired. */
class LeaseLineTest {

    private static final ZonedDateTime RENEWED = ZonedDateTime.parse("2026-11-21T10:00:00Z");

    private static LeaderElectionRecord record(Duration duration) {
        return new LeaderElectionRecord("job-a", duration, RENEWED, RENEWED, 1);
    }

    @Test
    void eachStateOfTheLeaseHasItsWords() {
        assertThat(KubernetesLease.holderLine("ns", "job-a", record(Duration.ofSeconds(15)), RENEWED.plusSeconds(5)))
                .isEqualTo("lease ns/happypath-rebalancer is held by job-a (renewed at 2026-11-21T10:00:00Z, valid until 2026-11-21T10:00:15Z)");
        assertThat(KubernetesLease.holderLine("ns", "job-a", record(Duration.ofSeconds(1)), RENEWED.plusSeconds(5)))
                .isEqualTo("lease ns/happypath-rebalancer was released by job-a at 2026-11-21T10:00:00Z; taking it");
        assertThat(KubernetesLease.holderLine("ns", "job-a", record(Duration.ofSeconds(15)), RENEWED.plusSeconds(60)))
                .startsWith("lease ns/happypath-rebalancer expired: job-a last renewed it at 2026-11-21T10:00:00Z (for 15s)")
                .endsWith("; taking it");
    }

    @Test
    void theRunAfterAReleaseSaysTheLeaseWasReleasedNotHeld() {
        String config = OpsCluster.configFile(OpsCluster.config("1s", 5)).toString();
        // a stray each time: a pass takes the Lease only when it has something to evict
        try (LiveCluster c = OpsCluster.start(false, "stray")) {
            assertThat(c.run(Clock.systemUTC(), Sleeper.REAL, "run", "--config", config, "-o", "json").exitCode()).isZero();
            c.awaitLeaseFree();
            String first;
            try (KubernetesClient client = KubernetesClients.create(c.api().clientConfig())) {
                first = client.leases().inNamespace("happypath-rebalancer").withName(KubernetesLease.NAME).get().getSpec().getHolderIdentity();
            }

            OpsCluster.addLifeboated(c, "stray-2");
            String logs;
            LiveCluster.Result again;
            try (CapturedStderr captured = CapturedStderr.start()) {
                again = c.run(Clock.systemUTC(), Sleeper.REAL, "run", "--config", config, "-o", "json");
                logs = captured.text();
            }

            assertThat(again.exitCode()).as(again.toString()).isZero();
            assertThat(logs).contains("lease happypath-rebalancer/happypath-rebalancer was released by " + first + " at ")
                    .doesNotContain("is held by " + first);
        }
    }
}
