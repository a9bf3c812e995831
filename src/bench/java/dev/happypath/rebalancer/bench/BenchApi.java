package dev.happypath.rebalancer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.happypath.rebalancer.sim.ApiDispatcher;
import dev.happypath.rebalancer.sim.InProcessApi;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The in-process API server of the benchmark: seeded from a kubectl dump, with the discovery documents
 * kubectl needs ({@code /api}, {@code /apis}, {@code /api/v1}, {@code /apis/policy/v1}) so that
 * {@code kubectl get nodes,pods,pdb,pvc,pv -A -o json} can be measured against the very same server.
 */
final class BenchApi implements AutoCloseable {

    private static final String VERBS = "[\"create\",\"delete\",\"deletecollection\",\"get\",\"list\",\"patch\",\"update\",\"watch\"]";

    private static final Map<String, String> DISCOVERY = Map.of(
            "/api", """
                    {"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"127.0.0.1"}]}""",
            "/apis", """
                    {"kind":"APIGroupList","apiVersion":"v1","groups":[{"name":"policy","versions":[{"groupVersion":"policy/v1","version":"v1"}],
                     "preferredVersion":{"groupVersion":"policy/v1","version":"v1"}}]}""",
            "/api/v1", """
                    {"kind":"APIResourceList","groupVersion":"v1","resources":[
                     {"name":"nodes","singularName":"node","namespaced":false,"kind":"Node","verbs":%1$s,"shortNames":["no"]},
                     {"name":"pods","singularName":"pod","namespaced":true,"kind":"Pod","verbs":%1$s,"shortNames":["po"],"categories":["all"]},
                     {"name":"persistentvolumeclaims","singularName":"persistentvolumeclaim","namespaced":true,"kind":"PersistentVolumeClaim","verbs":%1$s,"shortNames":["pvc"]},
                     {"name":"persistentvolumes","singularName":"persistentvolume","namespaced":false,"kind":"PersistentVolume","verbs":%1$s,"shortNames":["pv"]}]}"""
                    .formatted(VERBS),
            "/apis/policy/v1", """
                    {"kind":"APIResourceList","apiVersion":"v1","groupVersion":"policy/v1","resources":[
                     {"name":"poddisruptionbudgets","singularName":"poddisruptionbudget","namespaced":true,"kind":"PodDisruptionBudget","verbs":%1$s,"shortNames":["pdb"]}]}"""
                    .formatted(VERBS));

    /** TLS, as the CronJob's connection to a real API server is: the handshake is part of a pass's cost. */
    private final InProcessApi api = new InProcessApi(100_000, true);

    BenchApi(Path dump) throws IOException {
        api.dispatcher().addInterceptor((method, path, body) -> {
            int q = path.indexOf('?');
            String json = method.equals("GET") ? DISCOVERY.get(q < 0 ? path : path.substring(0, q)) : null;
            return json == null ? null : new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json").setBody(json);
        });
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
