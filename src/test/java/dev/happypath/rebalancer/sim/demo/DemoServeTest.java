package dev.happypath.rebalancer.sim.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.happypath.rebalancer.cli.Cli;
import dev.happypath.rebalancer.execute.Sleeper;
import dev.happypath.rebalancer.testing.Await;
import dev.happypath.rebalancer.testing.Kubectl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.happypath.rebalancer.sim.demo.IdpSeed.AGENT0;
import static dev.happypath.rebalancer.sim.demo.IdpSeed.AGENT1;
import static dev.happypath.rebalancer.sim.demo.IdpSeed.SERVER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * demo --serve: the cluster of a scenario, stopped where the rebalancer is needed, served behind a
 * kubeconfig that independent clients use: kubectl (when installed) and the rebalancer's own run.
 */
class DemoServeTest {

    @TempDir
    Path dir;

    @Test
    void kubectlAndADryRunSeeTheServedClusterUntilItIsStopped() throws Exception {
        Path kubeconfig = dir.resolve("served/kubeconfig");
        StringWriter out = new StringWriter();
        DemoCommand demo = new DemoCommand();
        CompletableFuture<Integer> serving = CompletableFuture.supplyAsync(() -> new CommandLine(demo)
                .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(new StringWriter(), true))
                .execute("--serve", "--kubeconfig-file", kubeconfig.toString()));
        try {
            Await.until(Duration.ofSeconds(90), "the cluster served",
                    () -> serving.isDone() || Files.exists(kubeconfig) && out.toString().contains("Ctrl-C"));
            assertThat(serving).as("still serving").isNotDone();
            assertThat(out.toString()).contains("export KUBECONFIG=" + kubeconfig).contains("run --dry-run --kubeconfig " + kubeconfig);

            // the rebalancer, as another program would run it against the served cluster
            StringWriter report = new StringWriter();
            StringWriter err = new StringWriter();
            int code = new Cli(new PrintWriter(report, true), new PrintWriter(err, true), Clock.systemUTC(), Sleeper.REAL, null)
                    .execute("run", "--dry-run", "--kubeconfig", kubeconfig.toString(), "-o", "json");
            assertThat(code).as(err.toString()).isZero();
            JsonNode json = new ObjectMapper().readTree(report.toString());
            assertThat(json.get("clusterState").asText()).isEqualTo("RECOVERING");
            assertThat(json.get("gate").get("open").asBoolean()).as("judged by the wall clock: the gate is open").isTrue();
            List<String> planned = new ArrayList<>();
            json.get("moves").forEach(m -> {
                if (m.get("outcome").asText().equals("PLANNED")) {
                    planned.add(m.get("pod").asText());
                }
            });
            assertThat(planned).contains("argocd-application-controller-0", "prometheus-kube-prometheus-stack-prometheus-0");

            // kubectl, an independent client, when this machine has it
            Kubectl kubectl = Kubectl.against(kubeconfig, dir);
            Kubectl.Result nodes = kubectl.run("get", "nodes");
            assertThat(nodes.exitCode()).as(nodes.toString()).isZero();
            assertThat(nodes.out()).contains(SERVER).contains(AGENT0).contains(AGENT1);
            assertThat(nodes.out().lines().skip(1)).allMatch(l -> l.contains(" Ready "));
            Kubectl.Result pods = kubectl.run("get", "pods", "-A", "-o", "wide");
            assertThat(pods.exitCode()).as(pods.toString()).isZero();
            assertThat(line(pods.out(), "argocd-application-controller-0")).as("on the lifeboat").contains(SERVER).contains("Running");
            assertThat(line(pods.out(), "prometheus-kube-prometheus-stack-prometheus-0")).as("next to Loki").contains(AGENT1);
            assertThat(line(pods.out(), "loki-0")).contains(AGENT1);

            // the story, as the components told it, and a delete that waits (a watch streamed over plain HTTP)
            Kubectl.Result events = kubectl.run("get", "events", "-A");
            assertThat(events.exitCode()).as(events.toString()).isZero();
            assertThat(events.out()).contains("NodeNotReady").contains("TaintManagerEviction").contains("Scheduled");
            String hubble = kubectl.run("get", "pods", "-n", "kube-system", "-o", "name").out().lines()
                    .filter(l -> l.startsWith("pod/hubble-ui")).findFirst().orElseThrow();
            Kubectl.Result deleted = kubectl.run("delete", "-n", "kube-system", hubble, "--timeout=50s");
            assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
            assertThat(deleted.out()).contains("deleted");
            assertThat(kubectl.run("get", "pods", "-n", "kube-system", "-o", "name").out())
                    .as("gone once its kubelet confirmed; its ReplicaSet made another").doesNotContain(hubble).contains("pod/hubble-ui");
        } finally {
            demo.stop();
            assertThat(serving.get(30, TimeUnit.SECONDS)).isZero();
        }
        assertThat(kubeconfig).as("removed on the way out").doesNotExist();
        assertThat(out.toString()).contains("Stopping");
    }

    private static String line(String table, String pod) {
        return table.lines().filter(l -> l.contains(" " + pod + " ")).findFirst()
                .orElseThrow(() -> new AssertionError(pod + " not in\n" + table));
    }
}
