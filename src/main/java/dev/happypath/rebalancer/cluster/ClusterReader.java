package dev.happypath.rebalancer.cluster;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import dev.happypath.rebalancer.RuntimeFailure;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.NodeState;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.internal.OperationSupport;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.URLUtils;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Reads the cluster once: one LIST per kind (nodes, pods, PodDisruptionBudgets, claims, volumes) into a
 * snapshot. Nothing else in the decision path talks to the API.
 *
 * <p>Each LIST goes through the client's HTTP stack (its authentication, TLS and timeouts) but its body is
 * streamed: one item at a time is parsed into a small tree and converted to a record, so neither the whole
 * response nor the client's model objects are ever held (docs/performance.md: binding a PodList to the
 * client's model classes cost a CronJob pass about half a second and 20 MB, and grows with the cluster).
 */
public final class ClusterReader {

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(64 << 20).build())
            .build();

    private final KubernetesClient client;
    private final Clock clock;

    public ClusterReader(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    public ClusterSnapshot read() {
        var nodes = readNodes();
        var pods = list("pods", "api/v1/pods", "Pod", ModelConverter::pod);
        var budgets = list("poddisruptionbudgets", "apis/policy/v1/poddisruptionbudgets", "PodDisruptionBudget", ModelConverter::budget);
        var claims = list("persistentvolumeclaims", "api/v1/persistentvolumeclaims", "PersistentVolumeClaim", ModelConverter::claim);
        var volumes = list("persistentvolumes", "api/v1/persistentvolumes", "PersistentVolume", ModelConverter::volume);
        return new ClusterSnapshot(clock.instant(), nodes, pods, budgets, claims, volumes);
    }

    /** Nodes only: one LIST (the executor re-reads the whole cluster before each eviction, see read()). */
    public List<NodeState> readNodes() {
        return list("nodes", "api/v1/nodes", "Node", ModelConverter::node);
    }

    private <R> List<R> list(String resource, String path, String kind, Function<JsonNode, R> convert) {
        HttpClient http = client.getHttpClient();
        HttpRequest request = http.newHttpRequestBuilder()
                .uri(URLUtils.join(client.getMasterUrl().toString(), path))
                .timeout(client.getConfiguration().getRequestTimeout(), TimeUnit.MILLISECONDS)
                .build();
        List<R> out = new ArrayList<>();
        try {
            HttpResponse<InputStream> response = send(http, request);
            try (InputStream body = response.body()) {
                if (!response.isSuccessful()) {
                    throw OperationSupport.requestFailure(request, OperationSupport.createStatus(response, client.getKubernetesSerialization()));
                }
                try (JsonParser parser = JSON.createParser(body)) {
                    items(parser, item -> out.add(convert(item, kind, convert)));
                }
            } catch (IOException e) {
                throw OperationSupport.requestException(request, e);
            }
        } catch (KubernetesClientException e) {
            throw ApiErrors.describe(e, "list", resource, "at cluster scope", String.valueOf(client.getMasterUrl()));
        }
        return out;
    }

    /** Waits for the response as the client's own operations do, keeping the cause for the message. */
    private static HttpResponse<InputStream> send(HttpClient http, HttpRequest request) {
        try {
            return http.sendAsync(request, InputStream.class).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException ie = new InterruptedIOException();
            ie.initCause(e);
            throw KubernetesClientException.launderThrowable(ie);
        } catch (ExecutionException e) {
            Throwable t = e.getCause() != null ? e.getCause() : e;
            if (t instanceof KubernetesClientException k) {
                throw k;
            }
            throw KubernetesClientException.launderThrowable(new IOException(t.getMessage(), t));
        }
    }

    /** Hands each element of the top-level {@code items} array to {@code each}, one at a time. */
    private static void items(JsonParser parser, java.util.function.Consumer<JsonNode> each) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw new IOException("the response is not a Kubernetes List");
        }
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (field.equals("items") && value == JsonToken.START_ARRAY) {
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    each.accept(ItemTrees.read(parser));
                }
            } else {
                parser.skipChildren();
            }
        }
    }

    private static <R> R convert(JsonNode item, String kind, Function<JsonNode, R> convert) {
        try {
            return convert.apply(item);
        } catch (ModelException e) {
            JsonNode meta = item.path("metadata");
            String ns = meta.path("namespace").asText("");
            String name = meta.path("name").asText("?");
            throw new RuntimeFailure("the API server returned " + kind + " " + (ns.isEmpty() ? "" : ns + "/") + name
                    + " with " + e.path() + ": " + e.getMessage());
        }
    }
}
