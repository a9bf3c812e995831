package dev.happypath.rebalancer.init;

import dev.happypath.rebalancer.cli.Cli;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.config.HappyPathLoader;
import dev.happypath.rebalancer.config.NodeRole;
import dev.happypath.rebalancer.execute.Sleeper;
import dev.happypath.rebalancer.testing.LiveCluster;
import dev.happypath.rebalancer.testing.Scenario;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code init} end to end: where it reads, where it writes, and when it refuses. */
class InitCommandTest {

    private static final String GREEN = "config/examples/idp-green.yaml";

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
        HappyPath loaded() {
            return HappyPathLoader.parse("stdout", out.getBytes(StandardCharsets.UTF_8));
        }
    }

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new Cli(new PrintWriter(out, true), new PrintWriter(err, true),
                Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC), Sleeper.REAL, null).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void fromADumpItPrintsAConfigurationTheLoaderAccepts() {
        Run r = cli("init", "--snapshot", GREEN);
        assertThat(r.code()).as(r.err()).isZero();
        HappyPath hp = r.loaded();
        assertThat(hp.workloads()).hasSize(30);
        assertThat(r.err()).contains("init: 30 workload rules, 0 separations (2 more proposed, commented out) from " + GREEN);
    }

    @Test
    void dashOWritesTheFileAndNothingToStdout() throws Exception {
        Path file = dir.resolve("rebalancer.yaml");
        Run r = cli("init", "--snapshot", GREEN, "-o", file.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(HappyPathLoader.load(file).workloads()).hasSize(30);
        assertThat(r.err()).contains("written to " + file);

        // check --config, with no cluster or dump, accepts it as it is written
        Run checked = cli("check", "--config", file.toString());
        assertThat(checked.code()).as(checked.out() + checked.err()).isZero();

        // the README's next step: checked against the cluster it was proposed from, it is GREEN with nothing to move
        Run check = cli("plan", "--config", file.toString(), "--snapshot", GREEN, "--now", "2026-11-21T10:00:00Z");
        assertThat(check.code()).as(check.err()).isZero();
        assertThat(check.out()).contains("Cluster state: GREEN", "Gate: OPEN").doesNotContain("Moves (");
    }

    @Test
    void dashReadsTheDumpFromStandardInput() throws Exception {
        Run fromFile = cli("init", "--snapshot", GREEN);
        Run fromStdin = withStdin(Files.readAllBytes(Path.of(GREEN)), () -> cli("init", "--snapshot", "-"));
        assertThat(fromStdin.code()).as(fromStdin.err()).isZero();
        assertThat(fromStdin.out().replace("<stdin>", GREEN)).isEqualTo(fromFile.out());
    }

    @Test
    void aBadDumpOnStandardInputIsNamedAsSuch() {
        Run r = withStdin("kind: [".getBytes(StandardCharsets.UTF_8), () -> cli("init", "--snapshot", "-"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: <stdin>: ").contains("not valid YAML").doesNotContain("/tmp").doesNotContain("Exception");
        assertThat(r.err().strip().lines()).hasSize(1);
    }

    @Test
    void aDegradedClusterIsRefusedNamingTheNodeUnlessForced() {
        Run refused = cli("init", "--snapshot", "config/examples/idp-worker-down.yaml");
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.out()).isEmpty();
        assertThat(refused.err().strip()).startsWith("error: config/examples/idp-worker-down.yaml: the cluster is degraded: k3d-idp-demo-agent-0 (Ready=Unknown")
                .contains("tainted node.kubernetes.io/unreachable").contains("--force").doesNotContain("k3d-idp-demo-agent-1").doesNotContain("Exception");
        assertThat(refused.err().strip().lines()).hasSize(1);

        Run forced = cli("init", "--snapshot", "config/examples/idp-worker-down.yaml", "--force");
        assertThat(forced.code()).as(forced.err()).isZero();
        assertThat(forced.out()).contains("# WARNING: written with --force while the cluster was degraded: k3d-idp-demo-agent-0");
        assertThat(forced.err()).contains("warning: --force: proposed from a degraded cluster (k3d-idp-demo-agent-0");
        forced.loaded();
    }

    @Test
    void aCordonedWorkerIsDegradedToo() {
        try (LiveCluster cluster = new LiveCluster(Scenario.parse("cordoned", """
                nodes:
                  - { idp: k3d-idp-demo-server-0 }
                  - { idp: k3d-idp-demo-agent-0, unschedulable: true }
                  - { idp: k3d-idp-demo-agent-1 }
                pods:
                  - { ns: web, name: web-1, labels: { app: web }, node: k3d-idp-demo-agent-1 }
                """))) {
            LiveCluster.Result r = cluster.run("init");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("the cluster is degraded: k3d-idp-demo-agent-0 (cordoned)");
        }
    }

    @Test
    void liveItReadsTheClusterOfTheContext() {
        try (LiveCluster cluster = new LiveCluster(Scenario.parse("live", """
                nodes: idp
                pods:
                  - { ns: web, name: web-a1b2c-x1, owner: ReplicaSet/web-a1b2c, labels: { app: web, pod-template-hash: a1b2c }, node: k3d-idp-demo-agent-1 }
                  - { ns: web, name: db-0, owner: StatefulSet/db, labels: { app: db }, node: k3d-idp-demo-agent-0 }
                """))) {
            LiveCluster.Result r = cluster.run("init");
            assertThat(r.exitCode()).as(r.toString()).isZero();
            HappyPath hp = HappyPathLoader.parse("stdout", r.out().getBytes(StandardCharsets.UTF_8));
            assertThat(hp.workloads()).extracting(w -> w.name() + " " + w.home()).containsExactly(
                    "db worker role=infra", "web worker role=apps");
            assertThat(r.out()).contains("# from the cluster at http");
            var snapshot = Scenario.parse("live", "nodes: idp").snapshot();
            assertThat(snapshot.nodes()).extracting(hp::roleOf).containsExactly(NodeRole.LIFEBOAT, NodeRole.WORKER, NodeRole.WORKER);
        }
    }

    @Test
    void anUnwritableOutputIsBadInput() {
        Run r = cli("init", "--snapshot", GREEN, "-o", dir.resolve("no/such/dir/rebalancer.yaml").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("rebalancer.yaml: cannot be written").doesNotContain("Exception");
    }

    private static Run withStdin(byte[] bytes, java.util.function.Supplier<Run> body) {
        InputStream before = System.in;
        System.setIn(new ByteArrayInputStream(bytes));
        try {
            return body.get();
        } finally {
            System.setIn(before);
        }
    }
}
