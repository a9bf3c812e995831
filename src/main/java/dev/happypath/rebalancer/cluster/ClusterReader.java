package dev.happypath.rebalancer.cluster;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import dev.happypath.rebalancer.RuntimeFailure;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.URLUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Reads the cluster once: one LIST per kind (nodes, pods, PodDisruptionBudgets, claims, volumes) into a
 * snapshot. Nothing else in the decision path talks to the API. Each LIST is paged ({@code limit} and
 * {@code continue}, {@link #DEFAULT_CHUNK_SIZE} items a page), as kubectl reads.
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

    /**
     * Items per LIST request (the {@code limit} of each page; {@code --chunk-size}). kubectl's default: a page
     * of 500 pods is about 2 MB of JSON, so neither the API server nor this process ever holds a whole large
     * cluster's response, and a 30,000-pod cluster is 60 requests of a few tens of milliseconds each.
     */
    public static final int DEFAULT_CHUNK_SIZE = 500;
    /** How often one LIST is started again after its continue token expired (410 Gone) before the pass gives up. */
    static final int MAX_LIST_RESTARTS = 3;
    private static final Logger LOG = LoggerFactory.getLogger(ClusterReader.class);

    private final KubernetesClient client;
    private final Clock clock;
    private final int chunkSize;

    public ClusterReader(KubernetesClient client, Clock clock) {
        this(client, clock, DEFAULT_CHUNK_SIZE);
    }

    /** @param chunkSize items per LIST request; 0 reads each kind in one response */
    public ClusterReader(KubernetesClient client, Clock clock, int chunkSize) {
        if (chunkSize < 0) {
            throw new IllegalArgumentException("chunkSize < 0: " + chunkSize);
        }
        this.client = client;
        this.clock = clock;
        this.chunkSize = chunkSize;
    }

    public ClusterSnapshot read() {
        var nodes = readNodes();
        var pods = list("pods", "api/v1/pods", ClusterReader::pod);
        var budgets = list("poddisruptionbudgets", "apis/policy/v1/poddisruptionbudgets", trees("PodDisruptionBudget", ModelConverter::budget));
        var claims = list("persistentvolumeclaims", "api/v1/persistentvolumeclaims", trees("PersistentVolumeClaim", ModelConverter::claim));
        var volumes = list("persistentvolumes", "api/v1/persistentvolumes", trees("PersistentVolume", ModelConverter::volume));
        return new ClusterSnapshot(clock.instant(), nodes, pods, budgets, claims, volumes);
    }

    /** Nodes only: one LIST (the executor re-reads the whole cluster before each eviction, see read()). */
    public List<NodeState> readNodes() {
        return list("nodes", "api/v1/nodes", trees("Node", ModelConverter::node));
    }

    /** Reads one item of a LIST, the parser on its first token, and converts it to the record the decision keeps. */
    @FunctionalInterface
    private interface ItemReader<R> {
        R read(JsonParser parser) throws IOException;
    }

    /** Items read as small trees ({@link ItemTrees}), then converted. */
    private static <R> ItemReader<R> trees(String kind, Function<JsonNode, R> convert) {
        return parser -> {
            JsonNode item = ItemTrees.read(parser);
            try {
                return convert.apply(item);
            } catch (ModelException e) {
                JsonNode meta = item.path("metadata");
                String ns = meta.path("namespace").asText("");
                throw returned(kind, (ns.isEmpty() ? "" : ns + "/") + meta.path("name").asText("?"), e);
            }
        };
    }

    /** A pod, read straight from the tokens into what its conversion reads ({@link PodWire}): pods are most of a LIST's bytes. */
    private static PodState pod(JsonParser parser) throws IOException {
        PodWire pod = ItemTrees.readPod(parser);
        try {
            return ModelConverter.pod(pod);
        } catch (ModelException e) {
            throw returned("Pod", pod.label(), e);
        }
    }

    private static RuntimeFailure returned(String kind, String namespacedName, ModelException e) {
        return new RuntimeFailure("the API server returned " + kind + " " + namespacedName + " with " + e.path() + ": " + e.getMessage());
    }

    private <R> List<R> list(String resource, String path, ItemReader<R> convert) {
        for (int restarts = 0; ; restarts++) {
            List<R> out = new ArrayList<>();
            Page current = ask(path, null);
            try {
                while (current != null) {
                    // on a failure, current stays the page that failed (its token decides a 410's restart)
                    current = read(resource, path, current, out, convert);
                }
                return out;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 410 || current.token() == null) {
                    throw ApiErrors.describe(e, "list", resource, "at cluster scope", String.valueOf(client.getMasterUrl()));
                }
                // 410 Gone on a continue token: the API server no longer holds the view the first page was
                // cut from (etcd compacted it). The pages read so far are of another moment than the rest
                // would be: start the LIST again, a bounded number of times.
                if (restarts >= MAX_LIST_RESTARTS) {
                    throw new RuntimeFailure("the API server expired the continue token of the LIST of " + resource + " " + (restarts + 1)
                            + " times (410 Gone) before the list was complete: the cluster changes faster than " + out.size()
                            + "+ items can be read in chunks of " + chunkSize + "; try a larger --chunk-size (0 reads each kind"
                            + " in one response)", e);
                }
                LOG.info("the API server expired the continue token of the LIST of {} after {} items (410 Gone): listing again ({}/{})",
                        resource, out.size(), restarts + 1, MAX_LIST_RESTARTS);
            }
        }
    }

    /** A page asked for: the continue token it was asked with (null: the first), its request and the answer to come. */
    private record Page(String token, HttpRequest request, CompletableFuture<HttpResponse<InputStream>> response) {

        /** A page asked for but not to be read (the read of the one before it failed): its answer is closed when it comes. */
        void discard() {
            response.whenComplete((r, failed) -> {
                if (r != null) {
                    try {
                        r.body().close();
                    } catch (IOException | RuntimeException ignored) {
                        // nothing was read from it; the connection goes back or is dropped either way
                    }
                }
            });
        }
    }

    /** Sends the request for one page; the answer is read by {@link #read}. */
    private Page ask(String path, String token) {
        HttpClient http = client.getHttpClient();
        StringBuilder uri = new StringBuilder(URLUtils.join(client.getMasterUrl().toString(), path));
        if (chunkSize > 0) {
            uri.append("?limit=").append(chunkSize);
            if (token != null) {
                uri.append("&continue=").append(URLEncoder.encode(token, StandardCharsets.UTF_8));
            }
        }
        HttpRequest request = http.newHttpRequestBuilder()
                .uri(uri.toString())
                // as client-go does: an API server compresses a large page (APIResponseCompression), which is then
                // a tenth of the bytes to receive and to decrypt
                .header("Accept-Encoding", "gzip")
                .timeout(client.getConfiguration().getRequestTimeout(), TimeUnit.MILLISECONDS)
                .build();
        return new Page(token, request, http.sendAsync(request, InputStream.class));
    }

    /**
     * Reads one page into {@code out}, item by item, and returns the next page, or null when this was the last
     * (or the server does not page: it may ignore {@code limit}). The next page is asked for as soon as this
     * one's continue token is read, which a real API server writes before the items: the server prepares it
     * while this one is converted, instead of each waiting for the other (docs/performance.md, Paged reads).
     */
    private <R> Page read(String resource, String path, Page page, List<R> out, ItemReader<R> convert) {
        HttpRequest request = page.request();
        HttpResponse<InputStream> response = answer(page);
        Page[] next = {null};
        // the request timeout ends at the headers; a body that stops coming is given up after as long without a byte
        Duration idle = Duration.ofMillis(Math.max(1, client.getConfiguration().getRequestTimeout()));
        try (StalledBodyGuard body = StalledBodyGuard.watch(response.body(), idle)) {
            try (InputStream content = decoded(response, body)) {
                if (!response.isSuccessful()) {
                    throw failure(request, response.code(), response.message(), content);
                }
                try (JsonParser parser = JSON.createParser(content)) {
                    String token = items(parser, convert, out, continued -> {
                        if (next[0] == null && chunkSize > 0 && !continued.isEmpty()) {
                            next[0] = ask(path, continued);
                        }
                    });
                    if (next[0] == null && token != null && !token.isEmpty() && chunkSize > 0) {
                        next[0] = ask(path, token);
                    }
                    return next[0];
                }
            } catch (IOException e) {
                // wherever the body stopped: a compressed page's header, an error's Status, the items
                if (body.stalled()) {
                    throw new RuntimeFailure("the API server at " + client.getMasterUrl() + " stopped sending the LIST of " + resource
                            + " (nothing for " + idle.toSeconds() + " s after " + body.bytes() + " bytes of a page, " + out.size()
                            + " items read): a stalled connection or API server; nothing was done, the next pass reads again", e);
                }
                throw e;
            }
        } catch (IOException e) {
            discard(next[0]);
            throw new KubernetesClientException("Error executing: " + request.method() + " at: " + request.uri() + ". Cause: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            discard(next[0]);
            throw e;
        }
    }

    private static void discard(Page page) {
        if (page != null) {
            page.discard();
        }
    }

    /** The body as sent, or inflated when the API server compressed it ({@code Content-Encoding: gzip}). */
    private static InputStream decoded(HttpResponse<InputStream> response, InputStream body) throws IOException {
        String encoding = response.header("Content-Encoding");
        if (encoding == null || encoding.isBlank() || encoding.equalsIgnoreCase("identity")) {
            return body;
        }
        if (!encoding.equalsIgnoreCase("gzip")) {
            throw new IOException("the API server answered in an encoding that was not asked for: Content-Encoding " + encoding);
        }
        return new java.util.zip.GZIPInputStream(body, 64 * 1024);
    }

    /**
     * The exception fabric8's own operations throw for a refused request, from its public API only: the
     * HTTP code and the API server's Status (its reason and message, read by ApiErrors and the 410 restart),
     * or a Status made of the code and the HTTP reason when the body is not one.
     */
    private KubernetesClientException failure(HttpRequest request, int code, String httpMessage, InputStream body) throws IOException {
        // an error body is a small Status; bounded all the same, as anything read from the network
        String text = new String(body.readNBytes(64 * 1024), StandardCharsets.UTF_8);
        Status status = null;
        if (!text.isBlank()) {
            try {
                status = client.getKubernetesSerialization().unmarshal(text, Status.class);
            } catch (RuntimeException notAStatus) {
                LOG.debug("the {} response to {} is not a Status", code, request.uri());
            }
        }
        if (status == null || status.getCode() == null) {
            status = (status == null ? new StatusBuilder() : new StatusBuilder(status))
                    .withCode(code).withMessage(status != null && status.getMessage() != null ? status.getMessage() : httpMessage).build();
        }
        return new KubernetesClientException("Failure executing: " + request.method() + " at: " + request.uri() + ". Message: "
                + status.getMessage() + ". Received status: " + status + ".", code, status);
    }

    /** Waits for a page's response as the client's own operations do, keeping the cause for the message. */
    private static HttpResponse<InputStream> answer(Page page) {
        try {
            return page.response().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            page.discard();
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

    /**
     * Hands each element of the top-level {@code items} array (of {@code kind}) to {@code each}, one at a time, and returns
     * the list's {@code metadata.continue} (null when there is none), which is also handed to {@code continued}
     * as soon as it is read. A real server writes metadata before items, but either order is read.
     */
    private static <R> String items(JsonParser parser, ItemReader<R> each, List<R> out,
                                    java.util.function.Consumer<String> continued) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw new IOException("the response is not a Kubernetes List");
        }
        String next = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (field.equals("items") && value == JsonToken.START_ARRAY) {
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    out.add(each.read(parser));
                }
            } else if (field.equals("metadata") && value == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    JsonToken v = parser.nextToken();
                    if (name.equals("continue") && v == JsonToken.VALUE_STRING) {
                        next = parser.getText();
                        continued.accept(next);
                    } else {
                        parser.skipChildren();
                    }
                }
            } else {
                parser.skipChildren();
            }
        }
        return next;
    }
}
