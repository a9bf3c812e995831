package dev.happypath.rebalancer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.happypath.rebalancer.sim.ApiDispatcher;
import dev.happypath.rebalancer.sim.InProcessApi;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The in-process API server of the benchmark, seeded from a kubectl dump. It serves the discovery
 * documents kubectl reads first (sim.Discovery), so {@code kubectl get nodes,pods,pdb,pvc,pv -A -o json}
 * can be measured against the very same server.
 */
final class BenchApi implements AutoCloseable {

    /** TLS, as the CronJob's connection to a real API server is: the handshake is part of a pass's cost. */
    private final InProcessApi api = new InProcessApi(100_000, true);

    BenchApi(Path dump) throws IOException {
        JsonNode items = new YAMLMapper().readTree(dump.toFile()).get("items");
        for (JsonNode item : items) {
            api.create(Serialization.unmarshal(item.toString(), HasMetadata.class));
        }
    }

    /** A kubeconfig for this server, as a CronJob's in-cluster config would point at its API server. */
    Path writeKubeconfig(Path file) throws IOException {
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters: [ { name: bench, cluster: { server: "%s", insecure-skip-tls-verify: true } } ]
                users: [ { name: bench, user: { token: bench } } ]
                contexts: [ { name: bench, context: { cluster: bench, user: bench, namespace: default } } ]
                current-context: bench
                """.formatted(api.url()));
        return file;
    }

    void clearRequests() {
        api.dispatcher().clearRequests();
    }

    List<ApiDispatcher.LoggedRequest> requests() {
        return api.dispatcher().requests();
    }

    @Override
    public void close() {
        api.close();
    }
}
