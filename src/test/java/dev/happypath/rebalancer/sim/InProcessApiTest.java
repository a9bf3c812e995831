package dev.happypath.rebalancer.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.happypath.rebalancer.cluster.KubernetesClients;
import dev.happypath.rebalancer.testing.Kubectl;
import dev.happypath.rebalancer.testing.LiveCluster;
import dev.happypath.rebalancer.testing.Scenario;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static dev.happypath.rebalancer.testing.Scenario.AGENT0;
import static dev.happypath.rebalancer.testing.Scenario.AGENT1;
import static dev.happypath.rebalancer.testing.Scenario.SERVER;
import static org.assertj.core.api.Assertions.assertThat;

/** What the in-process API does beyond CRUD mode, seen by clients: fabric8, plain HTTP, and kubectl. */
class InProcessApiTest {

    private static final String TWO_PODS = """
            pods:
              - { ns: argocd, name: argocd-server-1, node: k3d-idp-demo-server-0, tolerations: ["node-role.kubernetes.io/control-plane:NoSchedule"] }
              - { ns: observability, name: loki-0, owner: StatefulSet/loki, node: k3d-idp-demo-agent-1, memory: 512Mi }
            """;

    @TempDir
    Path dir;

    @Test
    void servesTlsAsARealApiServerDoesAndTheReaderListsThroughIt() {
        // the benchmark measures a pass over TLS: the handshake and its classes are part of a CronJob's start
        try (InProcessApi api = new InProcessApi(100, true)) {
            api.create(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata().withName(SERVER).endMetadata().build());
            assertThat(api.url()).startsWith("https://");
            try (KubernetesClient client = KubernetesClients.create(api.clientConfig())) {
                assertThat(new dev.happypath.rebalancer.cluster.ClusterReader(client, Clock.systemUTC()).readNodes())
                        .extracting(n -> n.name()).containsExactly(SERVER);
            }
        }
    }

    private static LiveCluster cluster() {
        return new LiveCluster(Scenario.parse("two-pods", TWO_PODS));
    }

    private static HttpResponse<String> get(InProcessApi api, String path, String accept) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api.url().replaceAll("/$", "") + path));
        if (accept != null) {
            b.header("Accept", accept);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new ObjectMapper().readTree(r.body());
    }

    @Test
    void discoveryServesWhatKubectlReadsBeforeAnythingElse() throws Exception {
        try (LiveCluster c = cluster()) {
            assertThat(json(get(c.api(), "/api", null)).get("versions").toString()).isEqualTo("[\"v1\"]");
            assertThat(json(get(c.api(), "/apis", null)).get("groups").get(0).get("preferredVersion").get("groupVersion").asText())
                    .isEqualTo("policy/v1");
            List<String> core = new ArrayList<>();
            json(get(c.api(), "/api/v1", null)).get("resources").forEach(r -> core.add(r.get("name").asText()));
            assertThat(core).contains("pods", "pods/eviction", "nodes", "persistentvolumeclaims", "persistentvolumes", "namespaces");
            assertThat(json(get(c.api(), "/apis/policy/v1", null)).get("resources").get(0).get("shortNames").toString())
                    .isEqualTo("[\"pdb\"]");
            assertThat(json(get(c.api(), "/version", null)).get("gitVersion").asText()).startsWith("v1.33");
        }
    }

    @Test
    void listsHonourFieldSelectorsAndAreTyped() throws Exception {
        try (LiveCluster c = cluster()) {
            JsonNode onAgent1 = json(get(c.api(), "/api/v1/pods?fieldSelector=spec.nodeName%3D" + AGENT1, null));
            assertThat(onAgent1.get("kind").asText()).isEqualTo("PodList");
            assertThat(onAgent1.get("items")).extracting(p -> p.get("metadata").get("name").asText()).containsExactly("loki-0");

            JsonNode notThere = json(get(c.api(), "/api/v1/pods?fieldSelector=spec.nodeName!%3D" + AGENT1 + ",metadata.name%3Dloki-0", null));
            assertThat(notThere.get("items")).isEmpty();
        }
    }

    @Test
    void aClientAskingForATableGetsTheServersColumns() throws Exception {
        try (LiveCluster c = cluster()) {
            String accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
            JsonNode pods = json(get(c.api(), "/api/v1/namespaces/observability/pods", accept));
            assertThat(pods.get("kind").asText()).isEqualTo("Table");
            List<String> columns = new ArrayList<>();
            pods.get("columnDefinitions").forEach(col -> columns.add(col.get("name").asText()));
            assertThat(columns).startsWith("Name", "Ready", "Status").contains("Node");
            JsonNode row = pods.get("rows").get(0);
            assertThat(row.get("cells").get(0).asText()).isEqualTo("loki-0");
            assertThat(row.get("cells").get(columns.indexOf("Node")).asText()).isEqualTo(AGENT1);
            assertThat(row.get("object").get("metadata").get("namespace").asText()).isEqualTo("observability");

            JsonNode nodes = json(get(c.api(), "/api/v1/nodes", accept));
            assertThat(nodes.get("rows")).extracting(r -> r.get("cells").get(1).asText()).containsOnly("Ready");
        }
    }

    @Test
    void withGracefulDeletionAnEvictedPodIsTerminatingUntilItsKubeletConfirms() {
        try (LiveCluster c = cluster(); KubernetesClient client = KubernetesClients.create(c.api().clientConfig())) {
            c.api().gracefulPodDeletion(true);
            c.api().useClock(Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC));

            boolean evicted = client.pods().inNamespace("observability").withName("loki-0")
                    .evict(new EvictionBuilder().withNewMetadata().withName("loki-0").withNamespace("observability").endMetadata().build());

            assertThat(evicted).isTrue();
            Pod terminating = c.api().pod("observability", "loki-0");
            assertThat(terminating.getMetadata().getDeletionTimestamp()).isEqualTo("2026-11-21T10:00:00Z");
            assertThat(terminating.getMetadata().getDeletionGracePeriodSeconds()).isEqualTo(30L);
            c.api().finishDeletion(terminating);
            assertThat(c.api().pod("observability", "loki-0")).isNull();
        }
    }

    @Test
    void aDeleteIsGracefulUnlessItsGracePeriodIsZero() {
        try (LiveCluster c = cluster(); KubernetesClient client = KubernetesClients.create(c.api().clientConfig())) {
            c.api().gracefulPodDeletion(true);

            client.pods().inNamespace("observability").withName("loki-0").delete();
            assertThat(c.api().pod("observability", "loki-0").getMetadata().getDeletionTimestamp()).isNotNull();

            client.pods().inNamespace("argocd").withName("argocd-server-1").withGracePeriod(0).delete();
            assertThat(c.api().pod("argocd", "argocd-server-1")).isNull();
        }
    }

    /**
     * An Eviction's deleteOptions.preconditions.uid, as a real API server honours it: another UID than the
     * pod's is a 409 Conflict and nothing is evicted; the pod's own UID evicts it.
     */
    @Test
    void anEvictionWhoseUidPreconditionNamesAnotherPodIsRefusedWith409() {
        try (LiveCluster c = cluster(); KubernetesClient client = KubernetesClients.create(c.api().clientConfig())) {
            String uid = c.api().pod("observability", "loki-0").getMetadata().getUid();
            var stale = new EvictionBuilder().withNewMetadata().withName("loki-0").withNamespace("observability").endMetadata()
                    .withDeleteOptions(new io.fabric8.kubernetes.api.model.DeleteOptionsBuilder()
                            .withNewPreconditions().withUid("the-uid-before-it-was-recreated").endPreconditions().build())
                    .build();
            var refused = org.assertj.core.api.Assertions.catchThrowableOfType(io.fabric8.kubernetes.client.KubernetesClientException.class,
                    () -> client.pods().inNamespace("observability").withName("loki-0").evict(stale));
            assertThat(refused.getCode()).isEqualTo(409);
            assertThat(refused.getStatus().getMessage()).contains("the UID in the precondition (the-uid-before-it-was-recreated)")
                    .contains("does not match the UID in record (" + uid + ")");
            assertThat(c.api().pod("observability", "loki-0")).as("not evicted").isNotNull();

            var current = new EvictionBuilder().withNewMetadata().withName("loki-0").withNamespace("observability").endMetadata()
                    .withDeleteOptions(new io.fabric8.kubernetes.api.model.DeleteOptionsBuilder()
                            .withNewPreconditions().withUid(uid).endPreconditions().build())
                    .build();
            assertThat(client.pods().inNamespace("observability").withName("loki-0").evict(current)).isTrue();
            assertThat(c.api().pod("observability", "loki-0")).isNull();
        }
    }

    @Test
    void withoutGracefulDeletionAnEvictedPodIsGoneAtOnce() {
        try (LiveCluster c = cluster(); KubernetesClient client = KubernetesClients.create(c.api().clientConfig())) {
            client.pods().inNamespace("observability").withName("loki-0")
                    .evict(new EvictionBuilder().withNewMetadata().withName("loki-0").withNamespace("observability").endMetadata().build());
            assertThat(c.api().pod("observability", "loki-0")).isNull();
        }
    }

    @Test
    void everyWriteIsCounted() {
        try (LiveCluster c = cluster()) {
            long before = c.api().dispatcher().changes();
            Pod loki = c.api().pod("observability", "loki-0");
            loki.getMetadata().getLabels().put("touched", "yes");
            c.api().update(loki);
            assertThat(c.api().dispatcher().changes()).isEqualTo(before + 1);
        }
    }

    @Test
    void theWrittenKubeconfigConnectsAClient() {
        try (LiveCluster c = cluster()) {
            Path kubeconfig = c.api().writeKubeconfig(dir.resolve("demo/kubeconfig"), "happypath-demo");
            try (KubernetesClient client = KubernetesClients.create(kubeconfig, "happypath-demo")) {
                assertThat(client.nodes().list().getItems()).extracting(n -> n.getMetadata().getName())
                        .containsExactlyInAnyOrder(SERVER, AGENT0, AGENT1);
            }
        }
    }

    @Test
    void theMockServerKeepsItsInfoLogsToItself() {
        List<LogRecord> records = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLoggerName() != null && record.getLoggerName().startsWith("io.fabric8.mockwebserver")) {
                    records.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try (LiveCluster c = cluster(); KubernetesClient client = KubernetesClients.create(c.api().clientConfig())) {
            client.pods().inAnyNamespace().list();
        } finally {
            root.removeHandler(capture);
        }
        assertThat(records).extracting(LogRecord::getMessage).isEmpty();
    }

    @Test
    void kubectlListsNodesAndPodsWithTheirNodes() throws Exception {
        try (LiveCluster c = cluster()) {
            Kubectl kubectl = Kubectl.against(c.api().writeKubeconfig(dir.resolve("kubeconfig"), "happypath-demo"), dir);

            Kubectl.Result nodes = kubectl.run("get", "nodes");
            assertThat(nodes.exitCode()).as(nodes.toString()).isZero();
            assertThat(nodes.out()).contains("STATUS").contains(SERVER).contains(AGENT0).contains(AGENT1).contains("Ready");

            Kubectl.Result pods = kubectl.run("get", "pods", "-A", "-o", "wide");
            assertThat(pods.exitCode()).as(pods.toString()).isZero();
            assertThat(pods.out().lines().filter(l -> l.contains("loki-0")).findFirst().orElseThrow())
                    .contains("observability").contains("Running").contains(AGENT1);

            Kubectl.Result onServer = kubectl.run("get", "pods", "-A", "--field-selector", "spec.nodeName=" + SERVER, "-o", "name");
            assertThat(onServer.out().strip()).isEqualTo("pod/argocd-server-1");
        }
    }
}
