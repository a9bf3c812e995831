package dev.happypath.rebalancer.cli;

import dev.happypath.rebalancer.execute.Sleeper;
import dev.happypath.rebalancer.testing.LiveCluster;
import dev.happypath.rebalancer.testing.Scenario;
import io.fabric8.mockwebserver.http.MockResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;

/** How run connects, and what it says when it cannot. */
class RunCommandTest {

    @TempDir
    Path dir;

    private static final String IDP = """
            pods:
              - { ns: argocd, name: argocd-server-1, node: k3d-idp-demo-server-0, tolerations: ["node-role.kubernetes.io/control-plane:NoSchedule"] }
            """;

    private Path kubeconfig(String server, String context) throws Exception {
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: demo
                  cluster: { server: "%s", insecure-skip-tls-verify: true }
                users:
                - name: demo
                  user: { token: not-a-secret }
                contexts:
                - name: %s
                  context: { cluster: demo, user: demo, namespace: default }
                current-context: %s
                """.formatted(server, context, context));
        return file;
    }

    private static PlanCommandTest.Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new Cli(new PrintWriter(out, true), new PrintWriter(err, true), Clock.systemUTC(), Sleeper.REAL, null).execute(args);
        return new PlanCommandTest.Run(code, out.toString(), err.toString());
    }

    @Test
    void aKubeconfigAndContextReachTheCluster() throws Exception {
        try (LiveCluster c = new LiveCluster(Scenario.parse("idp", IDP))) {
            Path config = kubeconfig(c.api().url(), "idp-demo");
            PlanCommandTest.Run r = cli("run", "--dry-run", "--kubeconfig", config.toString(), "--context", "idp-demo", "-o", "json");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.json().get("clusterState").asText()).isEqualTo("RECOVERING");
            assertThat(r.json().get("moves").get(0).get("outcome").asText()).isEqualTo("PLANNED");
        }
    }

    @Test
    void anUnreachableApiServerIsARuntimeFailure() throws Exception {
        PlanCommandTest.Run r = cli("run", "--dry-run", "--kubeconfig", kubeconfig("http://127.0.0.1:1", "x").toString());
        assertThat(r.code()).isEqualTo(ExitCode.RUNTIME_FAILURE);
        assertThat(r.err()).contains("error: cannot reach the API server at http://127.0.0.1:1/ to list nodes");
        assertThat(r.err()).doesNotContain("\tat ");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void forbiddenSaysWhatToGrant() throws Exception {
        try (LiveCluster c = new LiveCluster(Scenario.parse("idp", IDP))) {
            c.api().dispatcher().addInterceptor((method, path, body) -> path.startsWith("/api/v1/pods")
                    ? new MockResponse().setResponseCode(403).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":403,"
                    + "\"reason\":\"Forbidden\",\"message\":\"pods is forbidden: User \\\"system:serviceaccount:x:y\\\" cannot list resource \\\"pods\\\"\"}")
                    : null);
            LiveCluster.Result r = c.run("run", "--dry-run");
            assertThat(r.exitCode()).isEqualTo(ExitCode.RUNTIME_FAILURE);
            assertThat(r.err()).contains("forbidden (403) to list pods at cluster scope: grant verb 'list' on resource 'pods'");
            assertThat(r.out()).isEmpty();
        }
    }

    @Test
    void aMissingKubeconfigOrContextIsInvalidInput() throws Exception {
        PlanCommandTest.Run missing = cli("run", "--dry-run", "--kubeconfig", dir.resolve("nope").toString());
        assertThat(missing.code()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(missing.err()).contains("--kubeconfig: no such file");

        PlanCommandTest.Run context = cli("run", "--dry-run", "--kubeconfig", kubeconfig("http://127.0.0.1:1", "real").toString(),
                "--context", "imaginary");
        assertThat(context.code()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(context.err()).contains("--context: no context named 'imaginary' (known: real)");
    }

    @Test
    void aConfigErrorStopsTheRunBeforeTheClusterIsTouched() throws Exception {
        try (LiveCluster c = new LiveCluster(Scenario.parse("idp", IDP))) {
            c.api().dispatcher().clearRequests();
            LiveCluster.Result r = c.run("run", "--config", "src/test/resources/broken/unknown-key.yaml");
            assertThat(r.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
            assertThat(c.api().dispatcher().requests()).isEmpty();

            LiveCluster.Result misfit = c.run("run", "--config", "src/test/resources/broken/no-such-workers.yaml");
            assertThat(misfit.exitCode()).isEqualTo(ExitCode.INVALID_INPUT);
            assertThat(c.api().dispatcher().requests()).allMatch(q -> q.method().equals("GET"));
        }
    }
}
