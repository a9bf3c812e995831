package dev.happypath.rebalancer.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.happypath.rebalancer.testing.Await;
import dev.happypath.rebalancer.testing.LiveCluster;
import dev.happypath.rebalancer.testing.Scenario;
import io.fabric8.kubernetes.api.model.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static dev.happypath.rebalancer.testing.Scenario.AGENT1;
import static dev.happypath.rebalancer.testing.Scenario.SERVER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the in-process API does with each PATCH type and with a watch streamed over plain HTTP, seen by a
 * plain HTTP client at the address the kubeconfig names (no kubectl needed).
 */
class PatchAndWatchTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PODS = """
            pods:
              - { ns: argocd, name: argocd-server-1, node: k3d-idp-demo-server-0, tolerations: ["node-role.kubernetes.io/control-plane:NoSchedule"] }
              - { ns: observability, name: loki-0, owner: StatefulSet/loki, node: k3d-idp-demo-agent-1, memory: 512Mi }
            """;

    @TempDir
    Path dir;

    private static LiveCluster cluster() {
        return new LiveCluster(Scenario.parse("patches", PODS));
    }

    private static HttpResponse<String> patch(InProcessApi api, String path, String type, String body) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(api.outsideUrl().replaceAll("/$", "") + path))
                .header("Content-Type", type).method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build();
        return HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode ok(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).as("client-go reads an unlabelled body as protobuf").hasValue("application/json");
        return JSON.readTree(r.body());
    }

    private static List<String> taintKeys(Node node) {
        return node.getSpec().getTaints() == null ? List.of() : node.getSpec().getTaints().stream().map(t -> t.getKey()).toList();
    }

    @Test
    void aStrategicMergePatchCordonsAndTaintsAsKubectlSendsIt() throws Exception {
        try (LiveCluster c = cluster()) {
            String node = "/api/v1/nodes/" + AGENT1;
            String smp = "application/strategic-merge-patch+json";

            ok(patch(c.api(), node, smp, "{\"spec\":{\"unschedulable\":true}}"));
            assertThat(c.api().node(AGENT1).getSpec().getUnschedulable()).as("kubectl cordon").isTrue();

            ok(patch(c.api(), node, smp, "{\"spec\":{\"taints\":[{\"effect\":\"NoSchedule\",\"key\":\"a\",\"value\":\"b\"}]}}"));
            ok(patch(c.api(), node, smp, "{\"spec\":{\"taints\":[{\"effect\":\"NoExecute\",\"key\":\"c\",\"value\":\"d\"}]}}"));
            assertThat(taintKeys(c.api().node(AGENT1))).as("taints are an atomic list: the patch's list replaces it").containsExactly("c");

            // conditions merge by type: Ready changes, the others stay; a $patch: delete element removes one
            ok(patch(c.api(), node + "/status", smp, "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\"},"
                    + "{\"type\":\"DiskPressure\",\"$patch\":\"delete\"}],\"$setElementOrder/conditions\":[{\"type\":\"Ready\"}]}}"));
            assertThat(c.api().node(AGENT1).getStatus().getConditions()).extracting(x -> x.getType() + "=" + x.getStatus())
                    .contains("Ready=False", "MemoryPressure=False").doesNotContain("DiskPressure=False");

            // finalizers merge as a set; null removes a field
            String pod = "/api/v1/namespaces/observability/pods/loki-0";
            ok(patch(c.api(), pod, smp, "{\"metadata\":{\"finalizers\":[\"a/one\"]}}"));
            JsonNode after = ok(patch(c.api(), pod, smp, "{\"metadata\":{\"finalizers\":[\"a/two\",\"a/one\"],\"labels\":{\"x\":\"y\"}}}"));
            assertThat(after.path("metadata").path("finalizers").toString()).isEqualTo("[\"a/one\",\"a/two\"]");
            ok(patch(c.api(), node, smp, "{\"spec\":{\"unschedulable\":null}}"));
            assertThat(c.api().node(AGENT1).getSpec().getUnschedulable()).as("kubectl uncordon").isNull();

            assertThat(patch(c.api(), "/api/v1/nodes/nope", smp, "{}").statusCode()).isEqualTo(404);
            assertThat(patch(c.api(), node, smp, "[1]").statusCode()).as("not an object").isEqualTo(400);
        }
    }

    @Test
    void aMergePatchAndAJsonPatchApplyAsTheirRfcsSay() throws Exception {
        try (LiveCluster c = cluster()) {
            String node = "/api/v1/nodes/" + AGENT1;
            ok(patch(c.api(), node, "application/merge-patch+json", "{\"spec\":{\"unschedulable\":true},\"metadata\":{\"labels\":{\"x\":\"y\"}}}"));
            assertThat(c.api().node(AGENT1).getSpec().getUnschedulable()).isTrue();
            ok(patch(c.api(), node, "application/merge-patch+json", "{\"spec\":{\"unschedulable\":null}}"));
            assertThat(c.api().node(AGENT1).getSpec().getUnschedulable()).as("null removes (RFC 7386)").isNull();
            assertThat(c.api().node(AGENT1).getMetadata().getLabels()).containsEntry("x", "y");

            ok(patch(c.api(), "/api/v1/nodes/" + SERVER, "application/json-patch+json",
                    "[{\"op\":\"add\",\"path\":\"/spec/taints/-\",\"value\":{\"key\":\"e\",\"effect\":\"NoSchedule\"}}]"));
            assertThat(taintKeys(c.api().node(SERVER))).as("added to the control-plane taint (RFC 6902)")
                    .containsExactly("node-role.kubernetes.io/control-plane", "e");

            assertThat(patch(c.api(), node, "application/apply-patch+yaml", "spec: {}").statusCode()).as("server-side apply").isEqualTo(415);
        }
    }

    /** Reads a streamed watch line by line in the background. */
    private static final class Stream implements AutoCloseable {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        final CompletableFuture<Integer> done;
        private volatile java.io.InputStream body;

        Stream(InProcessApi api, String path) {
            HttpRequest r = HttpRequest.newBuilder(URI.create(api.outsideUrl().replaceAll("/$", "") + path)).build();
            done = HttpClient.newHttpClient().sendAsync(r, HttpResponse.BodyHandlers.ofInputStream()).thenApply(resp -> {
                body = resp.body();
                try (BufferedReader in = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        lines.add(line);
                    }
                } catch (java.io.IOException closed) {
                    // closed by the test
                }
                return resp.statusCode();
            });
        }

        List<String> snapshot() {
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }

        @Override
        public void close() throws Exception {
            if (body != null) {
                body.close();
            }
        }
    }

    @Test
    void aWatchStreamedOverPlainHttpStartsAfterTheListsResourceVersionAndStreamsEachChange() throws Exception {
        try (LiveCluster c = cluster()) {
            HttpResponse<String> list = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(c.api().outsideUrl() + "api/v1/namespaces/observability/pods")).build(), HttpResponse.BodyHandlers.ofString());
            String rv = JSON.readTree(list.body()).path("metadata").path("resourceVersion").asText();
            assertThat(rv).as("a list says what to watch from").isNotEmpty();

            try (Stream fromList = new Stream(c.api(), "/api/v1/namespaces/observability/pods?allowWatchBookmarks=true&resourceVersion="
                    + rv + "&watch=true");
                 Stream fromNow = new Stream(c.api(), "/api/v1/pods?watch=1&labelSelector=app%3Dnone")) {
                Await.until(Duration.ofSeconds(20), "both watches registered", () -> c.api().dispatcher().watchStreams().watching() == 2);
                var loki = c.api().pod("observability", "loki-0");
                loki.getMetadata().getLabels().put("touched", "yes");
                c.api().update(loki);
                c.api().delete(loki);

                Await.until(Duration.ofSeconds(20), () -> "MODIFIED then DELETED, got " + fromList.snapshot(), () -> fromList.snapshot().size() >= 2);
                List<String> events = fromList.snapshot();
                assertThat(events).as("nothing before the list's resourceVersion is replayed").hasSize(2);
                assertThat(JSON.readTree(events.get(0)).path("type").asText()).isEqualTo("MODIFIED");
                assertThat(JSON.readTree(events.get(0)).path("object").path("metadata").path("labels").path("touched").asText()).isEqualTo("yes");
                assertThat(JSON.readTree(events.get(1)).path("type").asText()).isEqualTo("DELETED");
                assertThat(fromList.done).as("still streaming").isNotDone();
                assertThat(fromNow.snapshot()).as("the label selector admits none of it").isEmpty();
            }
        }
    }

    @Test
    void aWatchWithoutResourceVersionStartsWithTheCurrentObjectsAndAForgottenOneIsExpired() throws Exception {
        try (LiveCluster c = cluster()) {
            c.api().outsideUrl();
            try (Stream all = new Stream(c.api(), "/api/v1/pods?watch=true&fieldSelector=metadata.name%3Dloki-0")) {
                Await.until(Duration.ofSeconds(20), () -> "ADDED loki-0, got " + all.snapshot(), () -> !all.snapshot().isEmpty());
                assertThat(all.snapshot()).singleElement().satisfies(l -> assertThat(l).contains("\"ADDED\"").contains("loki-0"));
            }
            // the seed came before anything was kept: a watch from its resourceVersion cannot be replayed
            try (Stream old = new Stream(c.api(), "/api/v1/pods?watch=true&resourceVersion=1")) {
                assertThat(old.done.get(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(200);
                assertThat(old.snapshot()).singleElement().satisfies(l -> assertThat(l).contains("\"ERROR\"").contains("\"code\":410"));
            }
        }
    }
}
