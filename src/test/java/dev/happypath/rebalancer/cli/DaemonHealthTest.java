package dev.happypath.rebalancer.cli;

import dev.happypath.rebalancer.sim.ApiDispatcher;
import dev.happypath.rebalancer.testing.Await;
import dev.happypath.rebalancer.testing.CapturedStderr;
import dev.happypath.rebalancer.testing.LiveCluster;
import dev.happypath.rebalancer.testing.OpsCluster;
import dev.happypath.rebalancer.testing.RunningCli;
import io.fabric8.mockwebserver.http.MockResponse;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The daemon's probes beside /metrics: /healthz while the process serves, /readyz while it reaches the API
 * server and its Lease; and a warning line, not minutes of silence, when it cannot.
 */
class DaemonHealthTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NEVER_SOON = "0 0 0 1 1 ? 2099";

    /** Status and body, or null while the endpoint is not up yet (or does not answer within a few seconds). */
    static HttpResponse<String> get(int port, String path) {
        try {
            return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static int status(int port, String path) {
        HttpResponse<String> r = get(port, path);
        return r == null ? -1 : r.statusCode();
    }

    @Test
    void readyWhileTheApiAnswersNotReadyAndWarnedWhenItDoesNot() {
        String config = OpsCluster.configFile(OpsCluster.config("1s", 5)).toString();
        int port = RunningCli.freePort();
        try (CapturedStderr logs = CapturedStderr.start();
             LiveCluster c = OpsCluster.start(true, "stray");
             RunningCli d = RunningCli.start(c, DaemonTest.daemon(config, NEVER_SOON, port, "--api-check-interval", "1s"))) {
            Await.until(WAIT, () -> "/readyz answers 200\n" + d, () -> status(port, "/readyz") == 200);
            assertThat(get(port, "/healthz").body()).isEqualTo("ok\n");
            assertThat(status(port, "/healthz")).isEqualTo(200);
            assertThat(logs.text()).doesNotContain("WARN").as("the first answer is no recovery").doesNotContain("answer again");

            // the API server fails every request for the Lease (as an overloaded or broken server does)
            ApiDispatcher.Interceptor broken = (m, p, b) -> p.contains("/leases") ? new MockResponse().setResponseCode(503) : null;
            c.api().dispatcher().addInterceptor(broken);
            Await.until(WAIT, () -> "/readyz answers 503\n" + d, () -> status(port, "/readyz") == 503);
            assertThat(get(port, "/readyz").body()).startsWith("not ready: the API server answered 503 to get leases in namespace happypath-rebalancer");
            assertThat(status(port, "/healthz")).as("alive all the same: a restart would not help").isEqualTo(200);
            Await.until(WAIT, () -> "a warning line\n" + logs.text(), () -> logs.text().contains("WARN  the API server answered 503 to get leases"));
            assertThat(logs.text()).contains("passes and the Lease wait until it answers (/readyz: not ready)");
            assertThat(CapturedStderr.stackTraceLines(logs.text())).isEmpty();

            // and back: ready again, said once
            c.api().dispatcher().removeInterceptor(broken);
            Await.until(WAIT, () -> "/readyz answers 200 again\n" + d, () -> status(port, "/readyz") == 200);
            Await.until(WAIT, () -> "the recovery said\n" + logs.text(), () -> logs.text().contains("answer again"));
            assertThat(logs.text().lines().filter(l -> l.contains("the API server and the Lease happypath-rebalancer/happypath-rebalancer answer again")))
                    .hasSize(1);

            assertThat(d.stop(WAIT)).isZero();
        }
    }

    /**
     * A daemon started while its API server is away (restarting with the server node, say) keeps running: the
     * node watch of --on-node-recovery is tried again until it starts, the passes and the Lease wait, /readyz
     * says why, and one warning line says what happened. It used to exit 1 at once (a crash loop for the
     * Deployment), where without --on-node-recovery it waited.
     */
    @Test
    void aDaemonStartedWithoutItsApiServerKeepsRunningAndSaysWhy() {
        java.nio.file.Path kubeconfig = write("""
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]
                users: [{name: u, user: {token: x}}]
                contexts: [{name: x, context: {cluster: c, user: u}}]
                current-context: x
                """);
        int port = RunningCli.freePort();
        try (CapturedStderr logs = CapturedStderr.start();
             RunningCli d = RunningCli.startConnectingItself("daemon", "--schedule", NEVER_SOON, "--on-node-recovery",
                     "--kubeconfig", kubeconfig.toString(), "--metrics-port", Integer.toString(port), "--api-check-interval", "1s")) {
            Await.until(WAIT, () -> "the node watch's warning\n" + logs.text(),
                    () -> logs.text().contains("WARN  the node watch cannot start: cannot reach the API server at http://127.0.0.1:1/ to watch nodes"));
            Await.until(WAIT, () -> "/readyz answers 503\n" + d, () -> status(port, "/readyz") == 503);
            assertThat(status(port, "/healthz")).as("alive: a restart would not bring the API server back").isEqualTo(200);
            assertThat(d.exited()).as("still running\n" + d).isFalse();
            assertThat(logs.text()).doesNotContain("listSyncAndWatch").doesNotContain("Exception:");
            assertThat(CapturedStderr.stackTraceLines(logs.text())).isEmpty();

            assertThat(d.stop(WAIT)).as("SIGTERM\n" + d).isZero();
            assertThat(d.err()).doesNotContain("error:");
        }
    }

    private static java.nio.file.Path write(String text) {
        try {
            java.nio.file.Path f = java.nio.file.Files.createTempFile("kubeconfig-", ".yaml");
            f.toFile().deleteOnExit();
            java.nio.file.Files.writeString(f, text);
            return f;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
