package dev.happypath.rebalancer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.happypath.rebalancer.execute.Sleeper;
import dev.happypath.rebalancer.testing.LiveCluster;
import dev.happypath.rebalancer.testing.OpsCluster;
import org.junit.jupiter.api.Test;

import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A live pass that evicted reports the cluster it decided on (clusterState, placements, summary: BEFORE the
 * pass) and the cluster read again at its end ({@code after}), each labelled, so that "Off the Happy Path:
 * 1" is never read as what the pass left behind.
 */
class BeforeAndAfterTest {

    @Test
    void aLivePassSaysTheStateBeforeAndAfterIt() {
        String config = OpsCluster.configFile(OpsCluster.config("1s", 5)).toString();
        try (LiveCluster c = OpsCluster.start(false, "stray")) {
            LiveCluster.Result json = c.run(Clock.systemUTC(), Sleeper.REAL, "run", "--config", config, "-o", "json");

            assertThat(json.exitCode()).as(json.toString()).isZero();
            JsonNode r = json.json();
            assertThat(r.get("clusterState").asText()).as("before: the stray on the lifeboat").isEqualTo("RECOVERING");
            assertThat(r.get("summary").get("offPath").asInt()).isEqualTo(1);
            assertThat(r.get("moves").get(0).get("outcome").asText()).isEqualTo("EVICTED");
            JsonNode after = r.get("after");
            assertThat(after).as(json.toString()).isNotNull();
            assertThat(after.get("clusterState").asText()).isEqualTo("GREEN");
            assertThat(after.get("offPath").asInt()).isZero();
            assertThat(after.get("managedPods").asInt()).isEqualTo(1);
            assertThat(after.get("driftRemains").asBoolean()).isFalse();

            c.awaitLeaseFree();
            OpsCluster.addLifeboated(c, "stray-2");
            LiveCluster.Result table = c.run(Clock.systemUTC(), Sleeper.REAL, "run", "--config", config);
            assertThat(table.exitCode()).as(table.toString()).isZero();
            assertThat(table.out()).contains("Cluster state before the pass: RECOVERING")
                    .contains("Off the Happy Path before the pass: 1 of 2 managed pods")
                    .containsPattern("After the pass \\(read again at [0-9T:.Z-]+\\): cluster state GREEN; Off the Happy Path: 0 of 2 "
                            + "managed pods; drift none");
        }
    }

    @Test
    void aDryRunHasNoAfter() {
        String config = OpsCluster.configFile(OpsCluster.config("1s", 5)).toString();
        try (LiveCluster c = OpsCluster.start(false, "stray")) {
            LiveCluster.Result r = c.run(Clock.systemUTC(), Sleeper.REAL, "run", "--dry-run", "--config", config, "-o", "json");
            assertThat(r.json().has("after")).isFalse();
            assertThat(c.run(Clock.systemUTC(), Sleeper.REAL, "run", "--dry-run", "--config", config).out())
                    .contains("Cluster state: RECOVERING").doesNotContain("before the pass");
        }
    }
}
