package dev.happypath.rebalancer.security;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import dev.happypath.rebalancer.cli.Cli;
import dev.happypath.rebalancer.cluster.KubernetesClients;
import dev.happypath.rebalancer.execute.Sleeper;
import dev.happypath.rebalancer.testing.CapturedStderr;
import dev.happypath.rebalancer.testing.LiveCluster;
import dev.happypath.rebalancer.testing.OpsCluster;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/security.md, "What is logged": a kubeconfig's credentials never reach stdout, stderr, the log or
 * an Event, whether the kubeconfig is broken (the YAML parser's own message quotes the offending line)
 * or works (a live pass with every debug line of ours on).
 */
class CredentialsStayOutOfOutputTest {

    private static final String TOKEN = "hp-s3cr3t-t0ken-4f9c2a";

    @TempDir
    Path dir;

    private record Ran(int exitCode, String out, String err, String log) {
    }

    private static Ran cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (CapturedStderr log = CapturedStderr.start()) {
            int code = new Cli(new PrintWriter(out, true), new PrintWriter(err, true), Clock.systemUTC(), Sleeper.REAL, null)
                    .execute(args);
            return new Ran(code, out.toString(), err.toString(), log.text());
        }
    }

    private Path kubeconfig(String server, String user) throws Exception {
        Path file = dir.resolve("kubeconfig-" + Math.abs(user.hashCode()) + ".yaml");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: idp
                  cluster: { server: "%s" }
                users:
                - name: idp
                %s
                contexts:
                - name: idp
                  context: { cluster: idp, user: idp }
                current-context: idp
                """.formatted(server, user));
        return file;
    }

    @ParameterizedTest
    @ValueSource(strings = {"run --dry-run", "run", "run --dry-run --context idp", "daemon --schedule 0_*/5_*_*_*_?"})
    void aBrokenLineHoldingTheTokenIsNamedByPositionNotQuoted(String command) throws Exception {
        // YAML breaks on the token's line: a flow mapping with a second ': '.
        Path file = kubeconfig("https://127.0.0.1:1", "  user: { token: " + TOKEN + ": oops }");
        List<String> args = splitArgs(command);
        args.addAll(List.of("--kubeconfig", file.toString()));

        Ran r = cli(args.toArray(String[]::new));

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains(file.toString()).contains("is not a readable kubeconfig: not valid YAML at line 8, column");
        assertThat(r.err() + r.out() + r.log()).doesNotContain(TOKEN).doesNotContain("oops");
        assertThat(CapturedStderr.stackTraceLines(r.err() + r.log())).isEmpty();
    }

    @Test
    void aTokenOfTheWrongTypeIsNamedByItsPath() throws Exception {
        Path file = kubeconfig("https://127.0.0.1:1", "  user: { token: [ " + TOKEN + " ] }");

        Ran r = cli("run", "--dry-run", "--kubeconfig", file.toString());

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains(file.toString()).contains("users[0].user.token");
        assertThat(r.err() + r.out() + r.log()).doesNotContain(TOKEN);
    }

    @Test
    void aLivePassWithDebugLogsSaysNothingOfTheToken() throws Exception {
        // Worse than HAPPYPATH_LOG_LEVEL=DEBUG (which raises only our loggers): every logger at TRACE,
        // fabric8's HTTP and client loggers included.
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        for (String name : List.of("io.fabric8", "io.fabric8.kubernetes.client.http", "java.net.http", "jdk.internal.httpclient")) {
            context.getLogger(name);
        }
        Map<Logger, Level> before = new HashMap<>();
        context.getLoggerList().forEach(l -> before.put(l, l.getLevel()));
        String config = OpsCluster.configFile(OpsCluster.config("1s", 5)).toString();
        try (LiveCluster c = OpsCluster.start(false, "stray")) {
            Path file = kubeconfig(c.api().url().replaceAll("/$", ""), "  user: { token: " + TOKEN + " }");
            // The in-process API server's own loggers stay as they are: they are the cluster, not the client.
            before.keySet().stream().filter(l -> !l.getName().startsWith("io.fabric8.kubernetes.client.server.mock")
                            && !l.getName().startsWith("io.fabric8.mockwebserver") && !l.getName().startsWith("io.netty")
                            && !l.getName().startsWith("io.vertx"))
                    .forEach(l -> l.setLevel(Level.TRACE));
            Ran human = cli("run", "--config", config, "--kubeconfig", file.toString(), "-o", "json");
            c.awaitLeaseFree();
            Ran json = cli("run", "--dry-run", "--config", config, "--kubeconfig", file.toString(), "--log-format", "json", "--explain");

            // The token was in play: the passes authenticated with it and acted.
            assertThat(human.exitCode()).as(human.toString()).isZero();
            assertThat(human.out()).contains("\"outcome\" : \"EVICTED\"");
            assertThat(json.exitCode()).as(json.toString()).isZero();
            assertThat(human.log() + json.log()).contains("DEBUG");
            for (Ran r : List.of(human, json)) {
                assertThat(r.out() + r.err() + r.log()).doesNotContain(TOKEN);
            }
            try (KubernetesClient client = KubernetesClients.create(c.api().clientConfig())) {
                List<Event> events = client.v1().events().inAnyNamespace().list().getItems();
                assertThat(events).isNotEmpty().allSatisfy(e -> assertThat(e.toString()).doesNotContain(TOKEN));
            }
        } finally {
            before.forEach(Logger::setLevel);
        }
    }

    private static List<String> splitArgs(String command) {
        List<String> args = new java.util.ArrayList<>();
        for (String word : command.split(" ")) {
            args.add(word.replace('_', ' '));
        }
        return args;
    }
}
