package dev.happypath.rebalancer.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.happypath.rebalancer.cli.Cli;
import dev.happypath.rebalancer.cluster.KubernetesClients;
import dev.happypath.rebalancer.execute.Sleeper;
import dev.happypath.rebalancer.sim.InProcessApi;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Function;

/**
 * An in-process API seeded from a compact scenario, with a controller stand-in that recreates evicted
 * pods, and a way to run the CLI against it.
 */
public final class LiveCluster implements AutoCloseable {

    private final InProcessApi api = new InProcessApi();
    private final FakeTime time;
    private volatile String via;
    private volatile KubernetesClients.Timeouts timeouts = KubernetesClients.Timeouts.DEFAULT;

    public LiveCluster(Scenario scenario) {
        this.time = new FakeTime(scenario.now());
        for (JsonNode item : scenario.kubectlList().get("items")) {
            api.create(Serialization.unmarshal(item.toString(), HasMetadata.class));
        }
    }

    public InProcessApi api() {
        return api;
    }

    public FakeTime time() {
        return time;
    }

    /**
     * A controller stand-in: each evicted pod is recreated at once, bound to the node {@code placement}
     * picks for it (a ReplicaSet's replacement gets a new name, a StatefulSet's the same name).
     *
     * @param ready whether the replacement comes up Ready
     */
    public LiveCluster recreateEvicted(Function<Pod, String> placement, boolean ready) {
        api.dispatcher().onEviction(old -> {
            String owner = old.getMetadata().getOwnerReferences().get(0).getKind();
            String name = owner.equals("StatefulSet") ? old.getMetadata().getName() : old.getMetadata().getName() + "-r";
            Pod replacement = new PodBuilder(old)
                    .editMetadata().withName(name).withUid(UUID.randomUUID().toString()).withResourceVersion(null)
                    .withDeletionTimestamp(null).endMetadata()
                    .editSpec().withNodeName(placement.apply(old)).endSpec()
                    .editStatus().withConditions().addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                    .endStatus()
                    .build();
            api.create(replacement);
        });
        return this;
    }

    /**
     * Waits until no rebalancer holds the Lease: a live run releases it when it ends, and the Lease is free
     * for the next one a moment later (fabric8 releases by shortening the Lease to one second).
     */
    public void awaitLeaseFree() {
        try (var client = dev.happypath.rebalancer.cluster.KubernetesClients.create(api.clientConfig())) {
            Await.until(java.time.Duration.ofSeconds(30), "the Lease to be released",
                    () -> dev.happypath.rebalancer.cluster.KubernetesLease.currentHolder(client, "happypath-rebalancer") == null);
        }
    }

    /** From now on the CLI reaches the API through {@code link} (a network that can fail). */
    public LiveCluster via(FlakyLink link) {
        this.via = link.url();
        return this;
    }

    /** From now on the CLI's client uses these timeouts (short ones keep fault tests fast). */
    public LiveCluster timeouts(KubernetesClients.Timeouts timeouts) {
        this.timeouts = timeouts;
        return this;
    }

    /** A client as the CLI gets it: through the link when one is set, with the chosen timeouts. */
    public io.fabric8.kubernetes.client.KubernetesClient connect() {
        var config = api.clientConfig();
        if (via != null) {
            config.setMasterUrl(via);
        }
        return KubernetesClients.create(config, timeouts);
    }

    /** Runs the CLI against this cluster; stdout and stderr are captured. */
    public Result run(String... args) {
        return run(time, time, args);
    }

    public Result run(Clock clock, Sleeper sleeper, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Cli cli = new Cli(new PrintWriter(out, true), new PrintWriter(err, true), clock, sleeper,
                options -> connect());
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Override
    public void close() {
        api.close();
    }

    /** What a CLI run printed and returned. */
    public record Result(int exitCode, String out, String err) {

        public JsonNode json() {
            try {
                return new ObjectMapper().readTree(out);
            } catch (IOException e) {
                throw new UncheckedIOException("stdout is not JSON: " + out + "\nstderr: " + err, e);
            }
        }

        public JsonNode move(String podName) {
            JsonNode moves = json().get("moves");
            if (moves == null) {
                // a run that ended before its report: say how, rather than fail on a null
                throw new AssertionError("no report with moves; " + this);
            }
            for (JsonNode m : moves) {
                if (m.get("pod").asText().equals(podName)) {
                    return m;
                }
            }
            throw new AssertionError("no move for " + podName + " in " + out);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    public static Instant at(String text) {
        return Instant.parse(text);
    }
}
