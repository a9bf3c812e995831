package dev.happypath.rebalancer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.happypath.rebalancer.cli.Cli;
import dev.happypath.rebalancer.cluster.KubernetesClients;
import dev.happypath.rebalancer.sim.ApiDispatcher;
import dev.happypath.rebalancer.sim.InProcessApi;
import dev.happypath.rebalancer.testing.ClusterGenerator;
import dev.happypath.rebalancer.testing.FakeTime;
import dev.happypath.rebalancer.testing.KubectlDump;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * What a live pass costs beyond a dry run's read and decision: five evictions on a simulated cluster, each
 * with its re-read of the cluster (issue 12), its ledger write, its Event and its wait for the replacement,
 * under the Lease. The waits are left out: the pass runs in this JVM on simulated time (its sleeps are
 * skipped), and a controller stand-in recreates each evicted pod at once, Ready, where the plan said it
 * would land. So the figure is the pass's own work and its round trips to the API, not the cluster's pace.
 * Each iteration gets a fresh cluster; the first two warm the JIT up and are not counted.
 */
final class LivePassOverhead {

    private static final int NODES = 12;
    private static final int PODS = 360;
    private static final int WARM_UP = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where Bench puts a row. */
    interface Rows {
        void row(String figure, String median, String spread, String target, Boolean met);
    }

    private LivePassOverhead() {
    }

    static List<String> measure(int runs, Rows rows) throws Exception {
        List<HasMetadata> objects = objects();
        Path config = Files.createTempFile("overhead-rebalancer", ".yaml");
        Files.writeString(config, ClusterGenerator.CONFIG.formatted(5, 3, 3));
        int n = Math.max(5, runs);
        System.out.println("[overhead] " + (n + WARM_UP) + " in-process passes, dry and live, on fresh " + PODS + "-pod clusters ...");
        double[] dry = new double[n];
        double[] live = new double[n];
        int[] liveRequests = new int[n];
        int[] dryRequests = new int[n];
        int evictions = -1;
        for (int i = 0; i < n + WARM_UP; i++) {
            try (InProcessApi api = new InProcessApi(100_000)) {
                api.seed(objects);
                FakeTime time = new FakeTime(ClusterGenerator.NOW);
                long start = System.nanoTime();
                Pass dryPass = pass(api, time, "run", "--dry-run", "--config", config.toString(), "-o", "json");
                double drySeconds = (System.nanoTime() - start) / 1e9;
                int dryCount = api.dispatcher().requests().size();
                Map<String, String> targets = new HashMap<>();
                for (JsonNode m : dryPass.report().path("moves")) {
                    if (m.path("outcome").asText().equals("PLANNED")) {
                        targets.put(m.path("namespace").asText() + "/" + m.path("pod").asText(), m.path("to").asText());
                    }
                }
                recreateAtTarget(api, targets);
                api.dispatcher().clearRequests();
                start = System.nanoTime();
                pass(api, time, "run", "--config", config.toString(), "-o", "json");
                double liveSeconds = (System.nanoTime() - start) / 1e9;
                List<ApiDispatcher.LoggedRequest> log = api.dispatcher().requests();
                int evicted = (int) log.stream().filter(q -> q.path().endsWith("/eviction") && q.code() == 201).count();
                // the row names how many evictions it measured: the fewest of any pass, should one have done less
                evictions = evictions < 0 ? evicted : Math.min(evictions, evicted);
                if (i >= WARM_UP) {
                    dry[i - WARM_UP] = drySeconds;
                    live[i - WARM_UP] = liveSeconds;
                    dryRequests[i - WARM_UP] = dryCount;
                    liveRequests[i - WARM_UP] = log.size();
                }
            }
        }
        Files.deleteIfExists(config);
        double[] overhead = new double[n];
        for (int i = 0; i < n; i++) {
            overhead[i] = live[i] - dry[i];
        }
        rows.row("live pass, " + evictions + " evictions, waits excluded: time in-process", seconds(median(live)), range(live), "", null);
        rows.row("dry-run pass, same cluster: time in-process", seconds(median(dry)), range(dry), "", null);
        rows.row("live pass's own overhead (live − dry run)", seconds(median(overhead)), range(overhead), "", null);
        rows.row("live pass: API requests (dry run: " + (int) median(Arrays.stream(dryRequests).asDoubleStream().toArray()) + ")",
                String.format(Locale.ROOT, "%.0f", median(Arrays.stream(liveRequests).asDoubleStream().toArray())), "", "", null);
        return List.of(String.format(Locale.ROOT, "Live pass overhead: %d nodes, %d generated pods (9%% placed anywhere), default limits"
                + " (5 moves per run); `run` and `run --dry-run` in the bench's JVM against the in-process API (plain HTTP), simulated"
                + " time (sleeps skipped), each evicted pod recreated at once, Ready, on the node the plan predicted; %d passes of each after"
                + " %d warm-up ones, each on a freshly seeded cluster; C2-compiled, so cheaper than the same work in a fresh CronJob JVM.",
                NODES, PODS, n, WARM_UP));
    }

    /** A pass's report and exit code. */
    private record Pass(int exitCode, JsonNode report) {
    }

    private static Pass pass(InProcessApi api, FakeTime time, String... args) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Cli cli = new Cli(new PrintWriter(out, true), new PrintWriter(err, true), time, time,
                options -> KubernetesClients.create(api.clientConfig()));
        int code = cli.execute(args);
        if (code != 0) {
            throw new IllegalStateException(String.join(" ", args) + " exited " + code + ": " + err);
        }
        return new Pass(code, JSON.readTree(out.toString()));
    }

    /** A controller stand-in: each evicted pod comes back at once, Ready, on the node its move planned. */
    private static void recreateAtTarget(InProcessApi api, Map<String, String> targets) {
        api.dispatcher().onEviction(old -> {
            String key = old.getMetadata().getNamespace() + "/" + old.getMetadata().getName();
            String owner = old.getMetadata().getOwnerReferences().isEmpty() ? "" : old.getMetadata().getOwnerReferences().get(0).getKind();
            String name = owner.equals("StatefulSet") ? old.getMetadata().getName() : old.getMetadata().getName() + "-r";
            Pod replacement = new PodBuilder(old)
                    .editMetadata().withName(name).withUid(UUID.randomUUID().toString()).withResourceVersion(null)
                    .withDeletionTimestamp(null).endMetadata()
                    .editSpec().withNodeName(targets.getOrDefault(key, old.getSpec().getNodeName())).endSpec()
                    .build();
            api.create(replacement);
        });
    }

    private static List<HasMetadata> objects() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        KubectlDump.write(ClusterGenerator.generate(PlannerBenchmark.SEED, NODES, PODS,
                ClusterGenerator.Profile.settled(PlannerBenchmark.STRAY_SHARE * 3)), out, false);
        List<HasMetadata> objects = new ArrayList<>();
        for (JsonNode item : JSON.readTree(out.toByteArray()).get("items")) {
            objects.add(Serialization.unmarshal(item.toString(), HasMetadata.class));
        }
        return objects;
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String range(double[] values) {
        return String.format(Locale.ROOT, "%.3f–%.3f", Arrays.stream(values).min().orElse(0), Arrays.stream(values).max().orElse(0));
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.3f s", s);
    }
}
