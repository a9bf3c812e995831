package dev.happypath.rebalancer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.happypath.rebalancer.cluster.KubernetesClients;
import dev.happypath.rebalancer.execute.Sleeper;
import dev.happypath.rebalancer.sim.ApiDispatcher;
import dev.happypath.rebalancer.sim.InProcessApi;
import dev.happypath.rebalancer.testing.BadInputs;
import dev.happypath.rebalancer.testing.CapturedStderr;
import dev.happypath.rebalancer.testing.FakeTime;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A generated corpus of broken configurations, dumps and schedules (testing/BadInputs, committed seeds).
 * Every case, through the commands a user runs (plan --snapshot, run --dry-run, run, daemon): exit 2, one
 * message that names the file and the field (or line) and what was expected, no stack trace, and no request
 * to the API server: the input is refused before the cluster is touched. A configuration that is valid but
 * does not fit the cluster is refused after the read, with nothing written. A rule that names no pod is
 * accepted, and the report says so.
 */
class BadInputCorpusTest {

    static final long FIRST_SEED = 20261122L;
    static final int CONFIGS = 160;
    static final int SNAPSHOTS = 70;
    static final int SCHEDULES = 30;
    static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    /** Bounded, so that a stall would show; far above what an answered in-process request takes on a loaded machine. */
    private static final KubernetesClients.Timeouts SHORT = new KubernetesClients.Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(10));

    private static InProcessApi api;
    private static final Map<String, AtomicInteger> TRIED = new TreeMap<>();
    private static final AtomicInteger STACK_TRACES = new AtomicInteger();
    private static final AtomicInteger API_REQUESTS = new AtomicInteger();

    @TempDir
    Path dir;

    /** The IDP Blueprint after recovery, served by an in-process API: the cluster the run cases read. */
    @BeforeAll
    static void cluster() throws IOException {
        api = new InProcessApi();
        JsonNode dump = new YAMLMapper().readTree(BadInputs.BASE_SNAPSHOT.toFile());
        for (JsonNode item : dump.get("items")) {
            api.create(Serialization.unmarshal(item.toString(), HasMetadata.class));
        }
    }

    @AfterAll
    static void figures() {
        api.close();
        int total = TRIED.values().stream().mapToInt(AtomicInteger::get).sum();
        System.out.println("bad input corpus: " + total + " inputs tried " + TRIED + ", " + STACK_TRACES.get() + " stack traces, "
                + API_REQUESTS.get() + " API requests before refusing invalid input");
    }

    static Stream<Long> seeds(int count, long salt) {
        Random r = new Random(FIRST_SEED + salt);
        return LongStream.range(0, count).map(i -> r.nextLong()).boxed();
    }

    static Stream<BadInputs.Case> configs() {
        return seeds(CONFIGS, 1).map(BadInputs::config);
    }

    static Stream<BadInputs.Case> snapshots() {
        return seeds(SNAPSHOTS, 2).map(BadInputs::snapshot);
    }

    static Stream<BadInputs.Case> schedules() {
        return seeds(SCHEDULES, 3).map(BadInputs::schedule);
    }

    /** What one command printed and returned, the log lines it wrote, and the requests the API server saw. */
    record Ran(int code, String out, String err, String logs, List<ApiDispatcher.LoggedRequest> requests) {

        @Override
        public String toString() {
            return "exit " + code + "\nstdout:\n" + out + "\nstderr:\n" + err + "\nlogs:\n" + logs + "\nrequests: " + requests;
        }
    }

    private static Ran cli(String... args) {
        api.dispatcher().clearRequests();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        FakeTime time = new FakeTime(NOW);
        Cli cli = new Cli(new PrintWriter(out, true), new PrintWriter(err, true), time, time,
                options -> KubernetesClients.create(api.clientConfig(), SHORT));
        try (CapturedStderr logs = CapturedStderr.start()) {
            int code = cli.execute(args);
            return new Ran(code, out.toString(), err.toString(), logs.text(), api.dispatcher().requests());
        }
    }

    private Path write(BadInputs.Case c, String name) {
        try {
            Path file = dir.resolve(name);
            Files.write(file, c.bytes());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Exit 2, one line on stderr that says it all, nothing on stdout, no stack trace anywhere. */
    private static void refused(BadInputs.Case c, Path file, Ran r) {
        assertThat(r.code()).as(c + "\n" + r).isEqualTo(ExitCode.INVALID_INPUT);
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as(c + ": one message\n" + r).hasSize(1);
        String message = lines.get(0);
        assertThat(message).as(c.toString()).startsWith("error: ");
        for (String fragment : c.expected()) {
            assertThat(message).as(c + "\n" + r).contains(file == null ? fragment : fragment.replace(BadInputs.FILE, file.toString()));
        }
        assertThat(message).as(c + ": no parser internals").doesNotContain("[Source").doesNotContain("java.");
        assertThat(r.out()).as(c + ": no report").isEmpty();
        noStackTrace(c, r);
    }

    private static void noStackTrace(BadInputs.Case c, Ran r) {
        List<String> traces = new ArrayList<>(CapturedStderr.stackTraceLines(r.err()));
        traces.addAll(CapturedStderr.stackTraceLines(r.logs()));
        if (!traces.isEmpty() || r.err().contains("Exception") || r.logs().contains("Exception")) {
            STACK_TRACES.incrementAndGet();
        }
        assertThat(traces).as(c + ": stack trace\n" + r).isEmpty();
        assertThat(r.err() + r.logs()).as(c + "\n" + r).doesNotContain("Exception").doesNotContain("internal error");
    }

    private static void untouched(BadInputs.Case c, Ran r) {
        API_REQUESTS.addAndGet(r.requests().size());
        assertThat(r.requests()).as(c + ": refused before the cluster is touched").isEmpty();
    }

    private static void tried(String what) {
        synchronized (TRIED) {
            TRIED.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void aBrokenConfigurationIsRefusedWithOneMessageAndNothingTouched(BadInputs.Case c) {
        Path file = write(c, "rebalancer.yaml");
        String snapshot = BadInputs.BASE_SNAPSHOT.toString();
        switch (c.kind()) {
            case CONFIG -> {
                tried("configurations");
                Ran plan = cli("plan", "--snapshot", snapshot, "--config", file.toString(), "--now", NOW.toString());
                refused(c, file, plan);
                // a live run (as the CronJob runs it) and a dry run alike: the configuration is read first
                boolean live = Math.floorMod(c.hashCode(), 2) == 0;
                Ran run = live ? cli("run", "--config", file.toString()) : cli("run", "--dry-run", "--config", file.toString());
                refused(c, file, run);
                untouched(c, run);
                assertThat(run.err()).isEqualTo(plan.err());
            }
            case CLUSTER_FIT -> {
                tried("configurations that do not fit the cluster");
                refused(c, file, cli("plan", "--snapshot", snapshot, "--config", file.toString(), "--now", NOW.toString()));
                Ran run = cli("run", "--config", file.toString());
                refused(c, file, run);
                // the cluster must be read to know: reads only, nothing written
                assertThat(run.requests()).as(c + "\n" + run).isNotEmpty().allMatch(q -> q.method().equals("GET"))
                        .noneMatch(q -> q.path().contains("leases") || q.path().contains("configmaps"));
            }
            case ACCEPTED -> {
                tried("rules that name no pod (accepted)");
                for (Ran r : List.of(cli("plan", "--snapshot", snapshot, "--config", file.toString(), "--now", NOW.toString(), "-o", "json"),
                        cli("run", "--dry-run", "--config", file.toString(), "-o", "json"))) {
                    assertThat(r.code()).as(c + "\n" + r).isZero();
                    noStackTrace(c, r);
                    assertThat(json(r).at("/summary/rulesWithoutPods").toString()).as(c + "\n" + r).contains("\"" + c.expected().get(0) + "\"");
                }
                Ran table = cli("plan", "--snapshot", snapshot, "--config", file.toString(), "--now", NOW.toString());
                assertThat(table.out()).contains("Rules that name no pod now (not an error: workloads come and go; check the selector if one should):\n  "
                        + c.expected().get(0));
            }
            default -> throw new AssertionError(c.toString());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("snapshots")
    void aBrokenSnapshotIsRefusedWithOneMessage(BadInputs.Case c) {
        tried("snapshots");
        Path file = write(c, "cluster.dump");
        Ran plan = cli("plan", "--snapshot", file.toString(), "--now", NOW.toString());
        refused(c, file, plan);
        untouched(c, plan);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schedules")
    void aBrokenScheduleIsRefusedBeforeTheDaemonStarts(BadInputs.Case c) {
        tried("schedules");
        Ran daemon = cli("daemon", "--schedule", c.schedule(), "--metrics-port", "1");
        refused(c, null, daemon);
        untouched(c, daemon);
    }

    /**
     * 50 MB of kubectl JSON whose very last item is broken: read as a stream (one item at a time, never the
     * whole file as a tree or a string), refused with the item's index and field.
     */
    @Test
    void aFiftyMegabyteSnapshotIsStreamedToItsBrokenLastItem() {
        tried("a 50 MB snapshot");
        Path file = dir.resolve("large.json");
        List<String> expected = BadInputs.writeLargeSnapshot(file, 50L << 20);
        BadInputs.Case c = new BadInputs.Case("a 50 MB dump broken at its end", BadInputs.Kind.SNAPSHOT, null, null, expected);
        long start = System.nanoTime();

        Ran plan = cli("plan", "--snapshot", file.toString(), "--now", NOW.toString());

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        System.out.println("a " + (file.toFile().length() >> 20) + " MB snapshot refused in " + took.toMillis() + " ms");
        refused(c, file, plan);
        untouched(c, plan);
        assertThat(file.toFile().length()).isGreaterThanOrEqualTo(50L << 20);
        assertThat(took).isLessThan(Duration.ofSeconds(60));
    }

    private static JsonNode json(Ran r) {
        try {
            return new ObjectMapper().readTree(r.out());
        } catch (IOException e) {
            throw new UncheckedIOException("no JSON report:\n" + r, e);
        }
    }
}
