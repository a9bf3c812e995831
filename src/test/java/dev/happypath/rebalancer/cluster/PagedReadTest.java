package dev.happypath.rebalancer.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.happypath.rebalancer.RuntimeFailure;
import dev.happypath.rebalancer.sim.ApiDispatcher;
import dev.happypath.rebalancer.sim.InProcessApi;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.cli.Cli;
import dev.happypath.rebalancer.testing.ClusterGenerator;
import dev.happypath.rebalancer.testing.FakeTime;
import dev.happypath.rebalancer.testing.Kubectl;
import dev.happypath.rebalancer.testing.KubectlDump;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The reader pages through every LIST ({@code limit} + {@code continue}) and the in-process API serves
 * pages as a real API server does, including the 410 Gone of an expired continue token.
 */
class PagedReadTest {

    private static final Clock CLOCK = Clock.fixed(ClusterGenerator.NOW, ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** 12 nodes and 300 pods with budgets, claims and volumes: many pages of 7, one page of 500. */
    private static final ClusterSnapshot CLUSTER = ClusterGenerator.generate(16L, 12, 300);

    @TempDir
    Path dir;

    /** The generated cluster as the objects a kubectl dump holds. */
    private static List<HasMetadata> objects(ClusterSnapshot cluster) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        KubectlDump.write(cluster, out, false);
        List<HasMetadata> objects = new ArrayList<>();
        for (JsonNode item : JSON.readTree(out.toByteArray()).get("items")) {
            objects.add(Serialization.unmarshal(item.toString(), HasMetadata.class));
        }
        return objects;
    }

    private static List<HasMetadata> clusterObjects;

    private static synchronized List<HasMetadata> clusterObjects() throws Exception {
        if (clusterObjects == null) {
            clusterObjects = objects(CLUSTER);
        }
        return clusterObjects;
    }

    private static InProcessApi seeded() throws Exception {
        InProcessApi api = new InProcessApi(100_000);
        api.seed(clusterObjects());
        return api;
    }

    private static ClusterSnapshot read(InProcessApi api, int chunkSize) {
        try (KubernetesClient client = KubernetesClients.create(api.clientConfig())) {
            return new ClusterReader(client, CLOCK, chunkSize).read();
        }
    }

    /** Everything a decision reads from the two snapshots is equal (ClusterSnapshot is not a value itself). */
    private static void assertSame(ClusterSnapshot actual, ClusterSnapshot expected) {
        assertThat(actual.nodes()).isEqualTo(expected.nodes());
        assertThat(actual.pods()).isEqualTo(expected.pods());
        assertThat(actual.budgets()).isEqualTo(expected.budgets());
        assertThat(actual.claims()).isEqualTo(expected.claims());
        assertThat(actual.volumes()).isEqualTo(expected.volumes());
    }

    private static long lists(InProcessApi api, String collection, boolean continued) {
        return api.dispatcher().requests().stream()
                .filter(q -> q.method().equals("GET") && q.path().replaceAll("\\?.*", "").equals(collection))
                .filter(q -> q.path().contains("continue=") == continued).count();
    }

    @Test
    void aManyPageReadEqualsTheUnpagedRead() throws Exception {
        try (InProcessApi api = seeded()) {
            ClusterSnapshot unpaged = read(api, 0);
            assertThat(api.dispatcher().requests()).noneMatch(q -> q.path().contains("limit="));
            api.dispatcher().clearRequests();

            ClusterSnapshot paged = read(api, 7);

            assertThat(unpaged.pods()).hasSize(300);
            assertThat(unpaged.nodes()).hasSize(12);
            assertThat(unpaged.budgets()).isNotEmpty();
            assertSame(paged, unpaged);
            // 300 pods in pages of 7: the first page, then 42 continued ones
            assertThat(lists(api, "/api/v1/pods", false)).isEqualTo(1);
            assertThat(lists(api, "/api/v1/pods", true)).isEqualTo(42);
            assertThat(api.dispatcher().requests()).allMatch(q -> q.code() == 200 && q.path().contains("limit=7"));
            // and as the commands read by default: one page of 500 holds them all
            api.dispatcher().clearRequests();
            assertSame(read(api, ClusterReader.DEFAULT_CHUNK_SIZE), unpaged);
            assertThat(lists(api, "/api/v1/pods", true)).isZero();
        }
    }

    @Test
    void anExpiredContinueTokenIsAnswered410AndTheReaderListsAgainFromTheStart() throws Exception {
        try (InProcessApi api = seeded()) {
            ClusterSnapshot unpaged = read(api, 0);
            AtomicInteger continued = new AtomicInteger();
            // etcd compacts the revision of the list between its third and fourth page, once
            api.dispatcher().addInterceptor((method, path, body) -> {
                if (path.startsWith("/api/v1/pods?") && path.contains("continue=") && continued.incrementAndGet() == 3) {
                    api.expireContinueTokens();
                }
                return null;
            });
            api.dispatcher().clearRequests();

            ClusterSnapshot paged = read(api, 50);

            assertSame(paged, unpaged);
            List<ApiDispatcher.LoggedRequest> pods = api.dispatcher().requests().stream()
                    .filter(q -> q.path().startsWith("/api/v1/pods?")).toList();
            assertThat(pods).extracting(ApiDispatcher.LoggedRequest::code).containsExactly(200, 200, 200, 410, 200, 200, 200, 200, 200, 200);
            assertThat(pods.get(4).path()).doesNotContain("continue=");
        }
    }

    @Test
    void aListWhoseTokenKeepsExpiringEndsThePassWithAClearMessage() throws Exception {
        try (InProcessApi api = seeded()) {
            api.dispatcher().addInterceptor((method, path, body) -> {
                if (path.startsWith("/api/v1/pods?") && path.contains("continue=")) {
                    api.expireContinueTokens();
                }
                return null;
            });

            assertThatThrownBy(() -> read(api, 100))
                    .isInstanceOf(RuntimeFailure.class)
                    .hasMessageContaining("continue token of the LIST of pods")
                    .hasMessageContaining("410 Gone")
                    .hasMessageContaining("--chunk-size");
            assertThat(lists(api, "/api/v1/pods", false)).isEqualTo(ClusterReader.MAX_LIST_RESTARTS + 1);
        }
    }

    @Test
    void pagesCarryTheirTokenTheRemainingCountAndOneResourceVersion() throws Exception {
        try (InProcessApi api = seeded()) {
            String base = api.url().replaceAll("/$", "");
            HttpClient http = HttpClient.newHttpClient();
            JsonNode first = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/pods?limit=280")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(first.get("kind").asText()).isEqualTo("PodList");
            assertThat(first.get("items")).hasSize(280);
            assertThat(first.at("/metadata/remainingItemCount").asInt()).isEqualTo(20);
            String token = first.at("/metadata/continue").asText();
            assertThat(token).isNotEmpty();

            JsonNode last = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/pods?limit=280&continue=" + token)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(last.get("items")).hasSize(20);
            assertThat(last.at("/metadata/continue").isMissingNode()).isTrue();
            assertThat(last.at("/metadata/resourceVersion").asText()).isEqualTo(first.at("/metadata/resourceVersion").asText());

            // the view the token named is gone once the list is complete, as on a real server after compaction
            HttpResponse<String> again = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/pods?limit=280&continue=" + token)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(again.statusCode()).isEqualTo(410);
            assertThat(JSON.readTree(again.body()).get("reason").asText()).isEqualTo("Expired");
            HttpResponse<String> garbage = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/pods?limit=5&continue=bm9wZQ")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(garbage.statusCode()).isEqualTo(400);
        }
    }

    /**
     * As a real API server (APIResponseCompression): a large page is gzip-compressed for a client that asks,
     * and only then; the reader asks, and reads the same cluster from compressed pages as from plain ones.
     */
    @Test
    void aLargePageIsSentCompressedToAClientThatAcceptsGzip() throws Exception {
        try (InProcessApi api = seeded()) {
            String base = api.url().replaceAll("/$", "");
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<byte[]> plain = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/pods?limit=500")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(plain.body().length).isGreaterThan(ApiDispatcher.GZIP_THRESHOLD_BYTES);
            HttpResponse<byte[]> gzipped = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/pods?limit=500"))
                    .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(gzipped.headers().firstValue("Content-Encoding")).contains("gzip");
            assertThat(gzipped.body().length).isLessThan(plain.body().length / 4);
            try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzipped.body()))) {
                JsonNode inflated = JSON.readTree(in);
                assertThat(inflated.get("items")).hasSize(300);
                assertThat(inflated).isEqualTo(JSON.readTree(plain.body()));
            }
            HttpResponse<byte[]> small = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/pods?limit=2"))
                    .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(small.headers().firstValue("Content-Encoding")).as("a small page is sent as it is").isEmpty();

            long before = api.dispatcher().compressedResponses();
            ClusterSnapshot fromSmallPages = read(api, 7);
            assertThat(api.dispatcher().compressedResponses()).as("pages of 7 are small").isEqualTo(before);
            ClusterSnapshot fromLargePages = read(api, 500);
            assertThat(api.dispatcher().compressedResponses() - before).as("the reader's large pages came compressed").isPositive();
            assertSame(fromLargePages, fromSmallPages);
        }
    }

    @Test
    void kubectlPagesThroughTheSameList() throws Exception {
        try (InProcessApi api = seeded()) {
            Kubectl kubectl = Kubectl.against(api.writeKubeconfig(dir.resolve("kubeconfig"), "paged"), dir);
            Kubectl.Result r = kubectl.run("get", "pods", "-A", "--chunk-size=40", "-o", "name");
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.out().lines()).hasSize(300);
            assertThat(lists(api, "/api/v1/pods", true)).isEqualTo(7);
        }
    }

    @Test
    void seedingStoresWhatCreatingOneByOneStoresAndRefusesATwin() throws Exception {
        List<HasMetadata> objects = objects(ClusterGenerator.generate(3L, 3, 40));
        try (InProcessApi created = new InProcessApi(); InProcessApi seeded = new InProcessApi()) {
            objects.forEach(created::create);
            seeded.seed(objects);
            // the same objects in the same order; only what the server assigns (uid, creationTimestamp) is its own
            assertThat(read(seeded, 0).pods()).extracting(p -> p.key() + " " + p.nodeName() + " " + p.labels())
                    .containsExactlyElementsOf(read(created, 0).pods().stream().map(p -> p.key() + " " + p.nodeName() + " " + p.labels()).toList());
            assertThat(seeded.pods()).extracting(p -> p.getMetadata().getName())
                    .containsExactlyElementsOf(created.pods().stream().map(p -> p.getMetadata().getName()).toList());
            assertThatThrownBy(() -> seeded.seed(List.of(objects.get(5))))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("409");
            assertThat(seeded.pods()).hasSameSizeAs(created.pods());
        }
    }

    /** Runs the CLI against {@code api} at the generated cluster's time; exit code and stderr. */
    private Object[] cli(InProcessApi api, String... args) throws Exception {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        FakeTime time = new FakeTime(ClusterGenerator.NOW);
        int code = new Cli(new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true), time, time,
                options -> KubernetesClients.create(api.clientConfig())).execute(args);
        return new Object[]{code, err.toString()};
    }

    @Test
    void theCommandsPageByChunkSizeAndRefuseANegativeOne() throws Exception {
        Path config = dir.resolve("generated.yaml");
        java.nio.file.Files.writeString(config, ClusterGenerator.CONFIG.formatted(5, 3, 3));
        try (InProcessApi api = seeded()) {
            Object[] paged = cli(api, "run", "--dry-run", "--chunk-size", "40", "--config", config.toString(), "-o", "json");
            assertThat(paged[0]).as(String.valueOf(paged[1])).isEqualTo(0);
            // 300 pods in pages of 40: the first page and 7 continued ones
            assertThat(lists(api, "/api/v1/pods", false)).isEqualTo(1);
            assertThat(lists(api, "/api/v1/pods", true)).isEqualTo(7);
            api.dispatcher().clearRequests();

            Object[] refused = cli(api, "run", "--dry-run", "--chunk-size", "-1", "--config", config.toString());
            assertThat(refused[0]).isEqualTo(2);
            assertThat(((String) refused[1]).strip()).doesNotContain("\n").contains("--chunk-size").contains("got -1");
            assertThat(api.dispatcher().requests()).isEmpty();
        }
    }

    /**
     * The next page is asked for as soon as a page's continue token is read, while its items are still being
     * read: this server holds the first page open, mid-items, until the second is asked for, which a reader
     * that asks only after a whole page never does (it would wait for the deadline, then fail).
     */
    @Test
    void theNextPageIsAskedForWhileThisOneIsRead() throws Exception {
        java.util.concurrent.CountDownLatch secondAsked = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean askedWhileFirstOpen = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean firstOpen = new java.util.concurrent.atomic.AtomicBoolean();
        try (RawServer server = RawServer.answering("/api/v1/nodes", exchange -> {
            String query = exchange.getRequestURI().getQuery();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, 0);
            try (java.io.OutputStream body = exchange.getResponseBody()) {
                if (!query.contains("continue=")) {
                    firstOpen.set(true);
                    body.write(("{\"kind\":\"NodeList\",\"metadata\":{\"continue\":\"page-2\"},\"items\":[" + node("n1") + ",").getBytes(StandardCharsets.UTF_8));
                    body.flush();
                    boolean asked;
                    try {
                        asked = secondAsked.await(20, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        asked = false;
                    }
                    firstOpen.set(false);
                    body.write((node("n2") + "]}").getBytes(StandardCharsets.UTF_8));
                    assertThat(asked).isTrue();
                } else {
                    askedWhileFirstOpen.set(firstOpen.get());
                    secondAsked.countDown();
                    body.write(("{\"kind\":\"NodeList\",\"metadata\":{},\"items\":[" + node("n3") + "]}").getBytes(StandardCharsets.UTF_8));
                }
            }
        }, new java.util.concurrent.CountDownLatch(1))) {
            List<dev.happypath.rebalancer.snapshot.NodeState> nodes = server.readNodes(10_000);
            assertThat(nodes).extracting(dev.happypath.rebalancer.snapshot.NodeState::name).containsExactly("n1", "n2", "n3");
            assertThat(askedWhileFirstOpen).as("the second page was asked for while the first was still open").isTrue();
        }
    }

    /** An answer in an encoding the reader did not ask for is refused in words, not parsed as JSON. */
    @Test
    void anAnswerInAnotherEncodingThanAskedForIsRefused() throws Exception {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        try (RawServer server = RawServer.answering("/api/v1/nodes", exchange -> {
            exchange.getResponseHeaders().add("Content-Encoding", "br");
            exchange.sendResponseHeaders(200, 0);
            try (java.io.OutputStream body = exchange.getResponseBody()) {
                body.write(new byte[]{1, 2, 3});
            }
        }, done)) {
            assertThatThrownBy(() -> server.readNodes(10_000)).hasMessageContaining("Content-Encoding br");
        }
    }

    /**
     * A compressed page that stops before its gzip header is a stalled LIST, in the same words as one that
     * stops among its items, after as long without a byte as the request timeout.
     */
    @Test
    void aCompressedPageThatStopsInItsHeaderIsAStalledList() throws Exception {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        try (RawServer server = RawServer.answering("/api/v1/nodes", exchange -> {
            exchange.getResponseHeaders().add("Content-Encoding", "gzip");
            exchange.sendResponseHeaders(200, 0);
            exchange.getResponseBody().write(new byte[]{0x1f});
            exchange.getResponseBody().flush();
            try {
                // silent until the test is over (or a deadline), the connection left open
                done.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        }, done)) {
            assertThatThrownBy(() -> server.readNodes(1_000)).isInstanceOf(RuntimeFailure.class)
                    .hasMessageContaining("stopped sending the LIST of nodes (nothing for 1 s after 1 bytes of a page");
        }
    }

    /** A JDK HTTP server answering one path as a handler says; closing it releases {@code done} first. */
    private record RawServer(com.sun.net.httpserver.HttpServer server, java.util.concurrent.ExecutorService threads,
                             java.util.concurrent.CountDownLatch done) implements AutoCloseable {

        static RawServer answering(String path, com.sun.net.httpserver.HttpHandler handler, java.util.concurrent.CountDownLatch done)
                throws java.io.IOException {
            com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
            java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newCachedThreadPool();
            server.setExecutor(threads);
            server.createContext(path, handler);
            server.start();
            return new RawServer(server, threads, done);
        }

        List<dev.happypath.rebalancer.snapshot.NodeState> readNodes(int requestTimeoutMillis) {
            io.fabric8.kubernetes.client.Config config = io.fabric8.kubernetes.client.Config.empty();
            config.setMasterUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/");
            KubernetesClients.Timeouts timeouts = new KubernetesClients.Timeouts(java.time.Duration.ofSeconds(5),
                    java.time.Duration.ofMillis(requestTimeoutMillis));
            try (KubernetesClient client = KubernetesClients.create(config, timeouts)) {
                return new ClusterReader(client, CLOCK, 2).readNodes();
            }
        }

        @Override
        public void close() {
            done.countDown();
            server.stop(0);
            threads.shutdownNow();
        }
    }

    private static String node(String name) {
        return "{\"metadata\":{\"name\":\"" + name + "\"},\"status\":{\"allocatable\":{\"cpu\":\"2\",\"memory\":\"4Gi\",\"pods\":\"110\"}}}";
    }
}
