package dev.happypath.rebalancer.soak;

import com.fasterxml.jackson.databind.JsonNode;
import dev.happypath.rebalancer.cluster.ClusterReader;
import dev.happypath.rebalancer.cluster.KubernetesClients;
import dev.happypath.rebalancer.config.HappyPathLoader;
import dev.happypath.rebalancer.sim.InProcessApi;
import dev.happypath.rebalancer.sim.cluster.SimClock;
import dev.happypath.rebalancer.sim.cluster.SimScheduler;
import dev.happypath.rebalancer.sim.cluster.Simulation;
import dev.happypath.rebalancer.testing.Scenario;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.happypath.rebalancer.testing.Scenario.AGENT1;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The soak's invariants can fail: each unsafe eviction below is made by hand (no rebalancer), and each
 * must be named. A soak whose checks could never fire would prove nothing.
 */
class SoakInvariantsTest {

    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    private InProcessApi api;
    private Simulation sim;
    private KubernetesClient client;
    private SoakInvariants invariants;
    private final List<String> log = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        client.close();
        sim.close();
        api.close();
    }

    private void start(String yaml) {
        api = new InProcessApi();
        SimClock clock = new SimClock(T0);
        sim = new Simulation(api, clock, new SimScheduler(), new Simulation.Timings(Duration.ofSeconds(10), Duration.ZERO,
                Duration.ofSeconds(30), Duration.ofSeconds(30)));
        List<HasMetadata> objects = new ArrayList<>();
        for (JsonNode item : Scenario.parse("soak-invariants", yaml).kubectlList().get("items")) {
            objects.add(Serialization.unmarshal(item.toString(), HasMetadata.class));
        }
        sim.seed(objects);
        client = KubernetesClients.create(api.clientConfig());
        ClusterReader reader = new ClusterReader(client, clock);
        invariants = new SoakInvariants(HappyPathLoader.loadBuiltIn(), api, clock, reader::read, log::add);
        api.dispatcher().onEviction(invariants::evicted);
    }

    private void evict(String namespace, String name) {
        assertThat(client.pods().inNamespace(namespace).withName(name)
                .evict(new EvictionBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata().build()))
                .as("the API accepted the eviction").isTrue();
    }

    private static final String TWO_WEB_PODS = """
            pods:
              - { ns: argocd, name: web-a, owner: ReplicaSet/web-1, node: k3d-idp-demo-agent-1, labels: { app: web } }
              - { ns: argocd, name: web-b, owner: ReplicaSet/web-1, node: k3d-idp-demo-agent-1, labels: { app: web }, ready: false }
            """;

    @Test
    void anEvictionOutsideAnyPassIsAViolation() {
        start(TWO_WEB_PODS);
        evict("argocd", "web-b");
        invariants.finish();
        assertThat(invariants.violations()).singleElement().asString().contains("eviction of argocd/web-b").contains("outside any pass");
        assertThat(invariants.evictions()).isEqualTo(1);
    }

    @Test
    void anEvictionThePassDidNotDecideOnWithTheGateClosedIsNamedTwice() {
        start(TWO_WEB_PODS);
        sim.cordon(AGENT1);
        invariants.passStarts(1);
        evict("argocd", "web-b");
        invariants.passEnds(1, List.of());
        assertThat(invariants.violations()).anySatisfy(v -> assertThat(v).contains("a pod it did not decide on"))
                .anySatisfy(v -> assertThat(v).contains("with the gate closed").contains("cordoned"));
    }

    @Test
    void evictingTheLastReadyReplicaOfTwoIsAViolation() {
        start(TWO_WEB_PODS);
        invariants.passStarts(1);
        evict("argocd", "web-a");
        invariants.passEnds(1, List.of());
        assertThat(invariants.violations()).anySatisfy(v -> assertThat(v).contains("leaves its workload of 2 replicas with no Ready replica"));
    }

    @Test
    void anEvictionThatABudgetWithAStaleStatusLetThroughIsAViolation() {
        // the status says 1 disruption allowed; the pods say otherwise: only one of the two is Ready
        start(TWO_WEB_PODS + """
                pdbs:
                  - { ns: argocd, name: web, selector: { matchLabels: { app: web } }, minAvailable: 1, allowed: 1, healthy: 2, expected: 2 }
                """);
        invariants.passStarts(1);
        evict("argocd", "web-a");
        invariants.passEnds(1, List.of());
        assertThat(invariants.violations()).anySatisfy(v -> assertThat(v)
                .contains("leaves PodDisruptionBudget argocd/web with 0 healthy pod(s), it asks for 1"));
    }

    @Test
    void aReadyReplicaOfTwoEvictedFromAReadyNodeBreaksNoBudgetAndNoReplicaRule() {
        start("""
                pods:
                  - { ns: argocd, name: web-a, owner: ReplicaSet/web-1, node: k3d-idp-demo-agent-1, labels: { app: web } }
                  - { ns: argocd, name: web-b, owner: ReplicaSet/web-1, node: k3d-idp-demo-agent-1, labels: { app: web } }
                pdbs:
                  - { ns: argocd, name: web, selector: { matchLabels: { app: web } }, minAvailable: 1, allowed: 1, healthy: 2, expected: 2 }
                """);
        invariants.passStarts(1);
        evict("argocd", "web-a");
        invariants.passEnds(1, List.of());
        assertThat(invariants.violations()).as("only the missing decision is named").singleElement().asString()
                .contains("a pod it did not decide on");
    }
}
