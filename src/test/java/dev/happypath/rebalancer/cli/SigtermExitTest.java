package dev.happypath.rebalancer.cli;

import dev.happypath.rebalancer.testing.Await;
import dev.happypath.rebalancer.testing.LiveCluster;
import dev.happypath.rebalancer.testing.OpsCluster;
import dev.happypath.rebalancer.testing.RunningCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Kubernetes sees when it stops the pod: a real JVM (the CLI's main, as the container runs it) gets a
 * real SIGTERM ({@link Process#destroy()}), and its exit status is what docs/operations.md promises: 0 for
 * a daemon and for {@code run --wait-for-gate} stopped while waiting (not 143, which a Job records as
 * Failed).
 */
class SigtermExitTest {

    /** Generous: a JVM starts, connects and stops on a loaded 2-core machine well within it. */
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private Path kubeconfig(LiveCluster c) throws IOException {
        return Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters: [ { name: in-process, cluster: { server: "%s" } } ]
                users: [ { name: nobody, user: {} } ]
                contexts: [ { name: in-process, context: { cluster: in-process, user: nobody } } ]
                current-context: in-process
                """.formatted(c.api().url()));
    }

    /** The CLI's main in a JVM of its own, on this test's classpath. */
    private Process start(Path kubeconfig, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(args));
        command.addAll(List.of("--kubeconfig", kubeconfig.toString()));
        return startJvm(List.of(), command);
    }

    private Process startJvm(List<String> jvmFlags, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Cli.class.getName()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile());
        pb.environment().remove("KUBECONFIG");
        return pb.start();
    }

    private String err() throws IOException {
        File f = dir.resolve("err").toFile();
        return f.exists() ? Files.readString(f.toPath(), StandardCharsets.UTF_8) : "";
    }

    private int sigterm(Process p) throws Exception {
        p.destroy(); // SIGTERM on Linux, as the kubelet sends it
        if (!p.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("did not exit within " + WAIT + " of SIGTERM\n" + err());
        }
        return p.exitValue();
    }

    @Test
    void runWaitingForTheGateExitsZeroOnSigterm() throws Exception {
        String config = OpsCluster.configFile(OpsCluster.config("1s", 5)).toString();
        try (LiveCluster c = OpsCluster.start(true, "stray")) {
            Process p = start(kubeconfig(c), "run", "--wait-for-gate", "30m", "--config", config, "-o", "json");
            try {
                Await.until(WAIT, () -> "waiting for the gate, watching the nodes\n" + errQuietly(),
                        () -> c.api().dispatcher().requests().stream().anyMatch(q -> q.path().startsWith("/api/v1/nodes?") && q.path().contains("watch=true")));

                int code = sigterm(p);

                assertThat(code).as(err()).isZero();
                assertThat(err()).contains("stopping on SIGTERM while waiting for the gate; no pass ran");
                assertThat(c.api().dispatcher().requests()).noneMatch(q -> q.path().contains("/eviction"));
            } finally {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void aDaemonExitsZeroOnSigterm() throws Exception {
        String config = OpsCluster.configFile(OpsCluster.config("1s", 5)).toString();
        int port = RunningCli.freePort();
        try (LiveCluster c = OpsCluster.start(true, "stray")) {
            Process p = start(kubeconfig(c), "daemon", "--schedule", "0 0 0 1 1 ? 2099", "--config", config,
                    "--metrics-port", Integer.toString(port));
            try {
                Await.until(WAIT, () -> "the daemon takes the Lease\n" + errQuietly(),
                        () -> c.api().dispatcher().requests().stream().anyMatch(q -> q.path().contains("/leases")));
                Await.until(WAIT, () -> "the daemon says when it runs\n" + errQuietly(), () -> errQuietly().contains("next scheduled pass at"));

                int code = sigterm(p);

                assertThat(code).as(err()).isZero();
                assertThat(err()).contains("stopping on SIGTERM");
            } finally {
                p.destroyForcibly();
            }
        }
    }

    /**
     * Without a SIGTERM the process ends with the command's code through System.exit, and the JVM's other
     * shutdown hooks run to their end: a flight recording asked for on the command line is written (the
     * SIGTERM hook used to halt the JVM on every exit, and the recording was an empty file).
     */
    @Test
    void aCommandEndingOnItsOwnKeepsItsCodeAndLetsTheJvmsOtherHooksFinish() throws Exception {
        Path recording = dir.resolve("pass.jfr");
        Process p = startJvm(List.of("-XX:StartFlightRecording=filename=" + recording + ",settings=default"),
                List.of("plan", "--snapshot", dir.resolve("no-such-dump.yaml").toString()));
        if (!p.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("did not exit within " + WAIT + "\n" + err());
        }

        assertThat(p.exitValue()).as(err()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(err()).contains("no-such-dump.yaml: no such file");
        assertThat(recording).as("the flight recording is written at exit").exists();
        assertThat(Files.size(recording)).as("the flight recording is written at exit").isPositive();
    }

    private String errQuietly() {
        try {
            return err();
        } catch (IOException e) {
            return "";
        }
    }
}
