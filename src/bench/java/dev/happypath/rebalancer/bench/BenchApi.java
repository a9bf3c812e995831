package dev.happypath.rebalancer.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.happypath.rebalancer.sim.ApiDispatcher;
import dev.happypath.rebalancer.sim.InProcessApi;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The in-process API server of the benchmark, seeded from a kubectl dump (in linear time: {@link InProcessApi#seed}). It serves the discovery
 * documents kubectl reads first (sim.Discovery), so {@code kubectl get nodes,pods,pdb,pvc,pv -A -o json}
 * can be measured against the very same server.
 */
final class BenchApi implements AutoCloseable {

    /** TLS, as the CronJob's connection to a real API server is: the handshake is part of a pass's cost. */
    private final InProcessApi api = new InProcessApi(100_000, true);

    /** How long seeding the server took, in seconds. */
    private final double seedSeconds;
    private final int objects;

    BenchApi(Path dump) throws IOException {
        List<HasMetadata> items = new ArrayList<>();
        if (dump.toString().endsWith(".json")) {
            // a large kubectl JSON dump: item by item, never the whole tree
            ObjectMapper mapper = Serialization.jsonMapper();
            try (JsonParser p = mapper.getFactory().createParser(dump.toFile())) {
                while (p.nextToken() != null) {
                    if (p.currentToken() == JsonToken.FIELD_NAME && "items".equals(p.currentName()) && p.nextToken() == JsonToken.START_ARRAY) {
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            items.add(mapper.readValue(p, HasMetadata.class));
                        }
                    }
                }
            }
        } else {
            for (JsonNode item : new YAMLMapper().readTree(dump.toFile()).get("items")) {
                items.add(Serialization.unmarshal(item.toString(), HasMetadata.class));
            }
        }
        long start = System.nanoTime();
        api.seed(items);
        this.seedSeconds = (System.nanoTime() - start) / 1e9;
        this.objects = items.size();
        answering();
    }

    /**
     * Waits until the server answers a request over TLS. On the loaded development machine the first
     * connections to a fresh server failed ("connection refused", ClosedChannelException) while later ones
     * succeeded; a measured pass must not be the one that finds out.
     */
    private void answering() {
        long deadline = System.nanoTime() + 120_000_000_000L;
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                javax.net.ssl.SSLContext trustAll = javax.net.ssl.SSLContext.getInstance("TLS");
                trustAll.init(null, new javax.net.ssl.TrustManager[]{new javax.net.ssl.X509TrustManager() {
                    public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {
                    }

                    public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {
                    }

                    public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                        return new java.security.cert.X509Certificate[0];
                    }
                }}, null);
                java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().sslContext(trustAll).build();
                var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(api.url() + "version"))
                        .timeout(java.time.Duration.ofSeconds(30)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    api.dispatcher().clearRequests();
                    return;
                }
                last = new IllegalStateException("GET /version answered " + response.statusCode());
            } catch (Exception e) {
                last = new IllegalStateException("GET /version: " + e, e);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("the in-process API at " + api.url() + " did not answer within 2 minutes", last);
    }

    String url() {
        return api.url();
    }

    double seedSeconds() {
        return seedSeconds;
    }

    int objects() {
        return objects;
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
