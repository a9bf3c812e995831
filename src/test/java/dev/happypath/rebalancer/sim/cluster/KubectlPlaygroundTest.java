package dev.happypath.rebalancer.sim.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.happypath.rebalancer.cluster.KubernetesClients;
import dev.happypath.rebalancer.sim.InProcessApi;
import dev.happypath.rebalancer.testing.Await;
import dev.happypath.rebalancer.testing.Kubectl;
import dev.happypath.rebalancer.testing.Scenario;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import static dev.happypath.rebalancer.testing.Scenario.AGENT0;
import static dev.happypath.rebalancer.testing.Scenario.AGENT1;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code demo --serve} playground's promise, with the real kubectl (skipped where it is not installed)
 * against the simulated cluster: each command kubectl users reach for works, and the cluster reacts as
 * Kubernetes does. The simulation is stepped tick by tick between commands: no wall-clock waits.
 */
class KubectlPlaygroundTest {

    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final Simulation.Timings TIMINGS = new Simulation.Timings(Duration.ofSeconds(2), Duration.ofMillis(10),
            Duration.ofSeconds(4), Duration.ofSeconds(4));
    private static final String PODS = """
            pods:
              - { ns: apps, name: web-a, owner: ReplicaSet/web-1, labels: { app: web }, node: k3d-idp-demo-agent-0 }
              - { ns: apps, name: patient-a, owner: ReplicaSet/patient-1, node: k3d-idp-demo-agent-0,
                  tolerations: [ { key: maintenance, operator: Exists, effect: NoExecute, tolerationSeconds: 60 } ] }
              - { ns: observability, name: loki-0, owner: StatefulSet/loki, node: k3d-idp-demo-agent-1 }
            """;

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();
    private InProcessApi api;
    private Simulation sim;
    private Kubectl kubectl;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private void start() {
        api = new InProcessApi();
        sim = new Simulation(api, new SimClock(T0), new SimScheduler(), TIMINGS);
        open.add(0, api);
        open.add(0, sim);
        List<HasMetadata> objects = new ArrayList<>();
        for (JsonNode item : Scenario.parse("playground", PODS).kubectlList().get("items")) {
            objects.add(Serialization.unmarshal(item.toString(), HasMetadata.class));
        }
        sim.seed(objects);
        sim.recordClusterEvents(true);
        kubectl = Kubectl.against(api.writeKubeconfig(dir.resolve("kubeconfig"), "happypath-demo"), dir);
    }

    private Kubectl.Result ok(String... args) throws Exception {
        Kubectl.Result r = kubectl.run(args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.err()).as("kubectl " + String.join(" ", args)).doesNotContain("error");
        return r;
    }

    private void tickUntil(String what, BooleanSupplier condition, int maxTicks) {
        for (int i = 0; i < maxTicks && !condition.getAsBoolean(); i++) {
            sim.tick();
        }
        assertThat(condition.getAsBoolean()).as(what + " within " + maxTicks + " ticks").isTrue();
    }

    private List<Pod> pods(String prefix) {
        return api.pods().stream().filter(p -> p.getMetadata().getName().startsWith(prefix)).toList();
    }

    private static boolean terminating(Pod p) {
        return p != null && p.getMetadata().getDeletionTimestamp() != null;
    }

    private boolean boundPod(String prefix, String node) {
        return pods(prefix).stream().anyMatch(p -> !terminating(p) && node.equals(p.getSpec().getNodeName()));
    }

    @Test
    void aCordonedNodeGetsNoNewPodsAndADeletedPodIsRecreatedByItsController() throws Exception {
        start();
        assertThat(ok("cordon", AGENT1).out()).contains("cordoned");
        sim.tick();
        assertThat(api.node(AGENT1).getSpec().getTaints()).as("the node lifecycle controller's taint follows spec.unschedulable")
                .extracting(t -> t.getKey() + ":" + t.getEffect()).contains(Simulation.UNSCHEDULABLE + ":NoSchedule");
        assertThat(ok("get", "nodes").out()).contains("Ready,SchedulingDisabled");

        // the StatefulSet recreates loki-0 under its name once the old one is gone, on the only worker open
        String oldUid = api.pod("observability", "loki-0").getMetadata().getUid();
        assertThat(ok("delete", "pod", "-n", "observability", "loki-0", "--wait=false").out()).contains("deleted");
        assertThat(terminating(api.pod("observability", "loki-0"))).as("graceful: Terminating first").isTrue();
        tickUntil("loki-0 recreated", () -> {
            Pod p = api.pod("observability", "loki-0");
            return p != null && !p.getMetadata().getUid().equals(oldUid) && p.getSpec().getNodeName() != null;
        }, 10);
        assertThat(api.pod("observability", "loki-0").getSpec().getNodeName()).as("not on the cordoned node").isEqualTo(AGENT0);

        assertThat(ok("uncordon", AGENT1).out()).contains("uncordoned");
        sim.tick();
        assertThat(api.node(AGENT1).getSpec().getTaints()).extracting(t -> t.getKey()).doesNotContain(Simulation.UNSCHEDULABLE);
        // a ReplicaSet's pod is replaced under a new name, and the node is open again
        ok("delete", "pod", "-n", "apps", "web-a", "--wait=false");
        tickUntil("web-a replaced", () -> pods("web-1-").stream().anyMatch(p -> p.getSpec().getNodeName() != null), 10);
    }

    @Test
    void aNoScheduleTaintRepelsAndANoExecuteTaintEvictsAsTheTaintManagerDoes() throws Exception {
        start();
        assertThat(ok("taint", "node", AGENT1, "team=infra:NoSchedule").out()).contains("tainted");
        assertThat(ok("taint", "node", AGENT0, "maintenance=now:NoExecute").out()).contains("tainted");

        tickUntil("web-a evicted (no toleration)", () -> api.pod("apps", "web-a") == null || terminating(api.pod("apps", "web-a")), 3);
        tickUntil("its replacement created", () -> !pods("web-1-").isEmpty(), 3);
        sim.tick();
        Pod replacement = pods("web-1-").get(0);
        assertThat(replacement.getSpec().getNodeName()).as("repelled by both taints and the control plane's: Pending").isNull();
        assertThat(terminating(api.pod("apps", "patient-a"))).as("tolerates it for 60 s").isFalse();

        ok("taint", "node", AGENT1, "team-");
        tickUntil("the replacement lands where the taint is gone", () -> boundPod("web-1-", AGENT1), 5);

        tickUntil("patient-a evicted once its 60 s are up", () -> terminating(api.pod("apps", "patient-a")) || api.pod("apps", "patient-a") == null, 40);
        assertThat(sim.clock().instant()).as("not before the toleration ran out").isAfterOrEqualTo(T0.plusSeconds(60));

        // the components' Events tell it, as kubectl get events shows them on a real cluster
        String events = ok("get", "events", "-n", "apps").out();
        assertThat(events).contains("TaintManagerEviction").contains("pod/web-a").contains("pod/patient-a")
                .contains("FailedScheduling").contains("Scheduled");
    }

    @Test
    void getWatchStreamsWhatTheClusterDoes() throws Exception {
        start();
        try (Kubectl.Running watch = kubectl.start("get", "pods", "-n", "apps", "-w", "-o", "wide")) {
            Await.until(Duration.ofSeconds(30), () -> "the list printed, got:\n" + watch.out(), () -> watch.out().contains("web-a"));
            ok("delete", "pod", "-n", "apps", "web-a", "--wait=false");
            tickUntil("web-a replaced", () -> boundPod("web-1-", AGENT0) || boundPod("web-1-", AGENT1), 10);
            String replacement = pods("web-1-").get(0).getMetadata().getName();
            Await.until(Duration.ofSeconds(30), () -> "the watch to show the change, got:\n" + watch.out(),
                    () -> watch.out().lines().anyMatch(l -> l.contains("web-a") && l.contains("Terminating"))
                            && watch.out().contains(replacement));
            assertThat(watch.alive()).as("still watching:\n" + watch.out()).isTrue();
            assertThat(watch.out()).doesNotContain("error").doesNotContain("MethodNotAllowed");
        }
    }

    @Test
    void getEventsLeasesAndConfigMapsShowWhatALivePassWrites() throws Exception {
        start();
        try (KubernetesClient client = KubernetesClients.create(api.clientConfig())) {
            client.v1().events().inNamespace("apps").resource(new EventBuilder().withNewMetadata().withName("web-a.rebalanced").endMetadata()
                    .withType("Normal").withReason("Rebalanced").withMessage("evicted to go home to k3d-idp-demo-agent-1")
                    .withNewInvolvedObject().withKind("Pod").withNamespace("apps").withName("web-a").endInvolvedObject()
                    .withNewSource().withComponent("happypath-rebalancer").endSource()
                    .withFirstTimestamp(T0.toString()).withLastTimestamp(T0.toString()).withCount(1).build()).create();
            client.leases().inNamespace("happypath-rebalancer").resource(new LeaseBuilder().withNewMetadata().withName("happypath-rebalancer")
                    .endMetadata().withNewSpec().withHolderIdentity("rebalancer-1").endSpec().build()).create();
            client.configMaps().inNamespace("happypath-rebalancer").resource(new ConfigMapBuilder().withNewMetadata()
                    .withName("happypath-rebalancer-ledger").endMetadata().addToData("ledger", "{}").build()).create();
        }
        String all = ok("get", "events,leases,configmaps", "-A").out();
        assertThat(all).contains("LAST SEEN").contains("Rebalanced").contains("pod/web-a").contains("evicted to go home");
        assertThat(all).contains("HOLDER").contains("rebalancer-1").contains("DATA").contains("happypath-rebalancer-ledger");

        assertThat(ok("get", "events", "-n", "apps", "-o", "wide").out()).as("the wide columns").contains("SOURCE").contains("happypath-rebalancer")
                .contains("COUNT");

        JsonNode yaml = new YAMLMapper().readTree(ok("get", "events,leases,configmaps", "-A", "-o", "yaml").out());
        List<String> kinds = new ArrayList<>();
        yaml.path("items").forEach(i -> kinds.add(i.path("kind").asText()));
        assertThat(kinds).containsExactlyInAnyOrder("Event", "Lease", "ConfigMap");
        assertThat(new ObjectMapper().readTree(ok("get", "lease", "-n", "happypath-rebalancer", "happypath-rebalancer", "-o", "json").out())
                .path("spec").path("holderIdentity").asText()).isEqualTo("rebalancer-1");
    }
}
