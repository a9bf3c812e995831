package dev.happypath.rebalancer.init;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.happypath.rebalancer.cli.Cli;
import dev.happypath.rebalancer.cluster.ClusterReader;
import dev.happypath.rebalancer.cluster.KubernetesClients;
import dev.happypath.rebalancer.compare.ClusterState;
import dev.happypath.rebalancer.compare.Placement;
import dev.happypath.rebalancer.compare.Status;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.config.HappyPathLoader;
import dev.happypath.rebalancer.config.Home;
import dev.happypath.rebalancer.config.NodeRole;
import dev.happypath.rebalancer.config.WorkloadRule;
import dev.happypath.rebalancer.cluster.KubernetesLease;
import dev.happypath.rebalancer.ledger.Ledger;
import dev.happypath.rebalancer.plan.Decision;
import dev.happypath.rebalancer.sim.InProcessApi;
import dev.happypath.rebalancer.sim.cluster.SimClock;
import dev.happypath.rebalancer.sim.cluster.SimScheduler;
import dev.happypath.rebalancer.sim.cluster.Simulation;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.testing.Await;
import dev.happypath.rebalancer.testing.Scenario;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * init is not IDP-specific: on a generated edge site (1 server, 3 workers told apart by zone, 40 workloads) it
 * proposes a Happy Path from the healthy cluster; then a worker fails, the site runs degraded, the worker comes
 * back, and the real rebalancer ({@code run}, live, with the proposed file) brings the site back to GREEN.
 */
class EdgeClusterTest {

    private static final Simulation.Timings TIMINGS = new Simulation.Timings(Duration.ofSeconds(2), Duration.ofMillis(5),
            Duration.ofSeconds(4), Duration.ofSeconds(4));
    private static final Duration SETTLE = Duration.ofSeconds(60);
    private static final Duration PASS_LIMIT = Duration.ofSeconds(120);
    private static final int MAX_PASSES = 8;
    private static final String FAILING = EdgeCluster.worker("north");

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();
    private SimClock clock;
    private InProcessApi api;
    private Simulation sim;
    private ClusterReader reader;
    private KubernetesClient client;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private void start(String fixture) {
        Scenario scenario = Scenario.parse("edge", fixture);
        clock = new SimClock(scenario.now());
        api = new InProcessApi();
        sim = new Simulation(api, clock, new SimScheduler(), TIMINGS);
        client = KubernetesClients.create(api.clientConfig());
        reader = new ClusterReader(client, clock);
        open.add(0, api);
        open.add(0, sim);
        open.add(0, client);
        List<HasMetadata> objects = new ArrayList<>();
        for (JsonNode item : scenario.kubectlList().get("items")) {
            objects.add(Serialization.unmarshal(item.toString(), HasMetadata.class));
        }
        sim.seed(objects);
        sim.start();
        sim.awaitSettled(SETTLE);
    }

    private record Run(int code, String out, String err) {
    }

    private Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Cli cli = new Cli(new PrintWriter(out, true), new PrintWriter(err, true), clock, clock.sleeper(PASS_LIMIT),
                options -> KubernetesClients.create(api.clientConfig()));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    private Decision decide(HappyPath happyPath) {
        ClusterSnapshot s = reader.read();
        return Decision.decide(s, happyPath, Ledger.EMPTY, s.readAt());
    }

    @Test
    void theProposalFitsTheSiteAndIsNotTheIdpBlueprints() {
        HappyPath hp = HappyPathLoader.parse("init", HappyPathProposer.propose(
                Scenario.parse("edge", EdgeCluster.fixture(7)).snapshot(), "edge", List.of()).yaml().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        ClusterSnapshot site = Scenario.parse("edge", EdgeCluster.fixture(7)).snapshot();
        assertThat(site.nodes()).extracting(n -> n.name() + " " + hp.roleOf(n)).containsExactlyInAnyOrder(
                "edge-server " + NodeRole.LIFEBOAT, "edge-north " + NodeRole.WORKER, "edge-south " + NodeRole.WORKER, "edge-east " + NodeRole.WORKER);
        assertThat(hp.workloads()).as("one rule per workload: 40 less none").hasSize(40);
        assertThat(rule(hp, "edge-operator").home()).isEqualTo(Home.CONTROL_PLANE);
        assertThat(rule(hp, "archive").home().toString()).as("from its own nodeSelector").isEqualTo("worker topology.kubernetes.io/zone=east");
        assertThat(rule(hp, "cart").selector().matchLabels()).as("the product's name is shared: the component names it")
                .containsEntry("app.kubernetes.io/component", "cart");
        assertThat(hp.separations()).as("declared by their preferred anti-affinity").hasSize(1)
                .allMatch(s -> s.involves("collector") && s.involves("aggregator"));
        long twoZones = hp.workloads().stream().filter(r -> r.home().toString().startsWith("worker topology.kubernetes.io/zone in (")).count();
        assertThat(twoZones).as("a two-replica Deployment's home is both its zones").isPositive();
        assertThat(hp.workloads()).noneMatch(r -> r.namespace().equals("kube-system"));
    }

    private static WorkloadRule rule(HappyPath hp, String name) {
        return hp.rule(name).orElseThrow(() -> new AssertionError("no rule " + name + " in " + hp.workloads()));
    }

    @Test
    void initOnTheHealthySiteThenAWorkerFailsComesBackAndRunBringsItBackToGreen() throws Exception {
        // installed as a scheduler would place it: the healthy layout init learns is one the scheduler agrees with
        start(EdgeCluster.fixture(7, false));

        // --- init, live, on the healthy site
        Path config = dir.resolve("rebalancer.yaml");
        Run init = cli("init", "-o", config.toString());
        assertThat(init.code()).as(init.err()).isZero();
        HappyPath hp = HappyPathLoader.load(config);
        Decision green = decide(hp);
        assertThat(green.comparison().state()).as("the site as proposed is its own Happy Path: %s", offPath(green)).isEqualTo(ClusterState.GREEN);

        // --- north fails: the taint manager evicts after 300 s, a person declares it out of service
        sim.failNode(FAILING);
        sim.awaitSettled(SETTLE);
        sim.advance(Duration.ofSeconds(300));
        sim.awaitSettled(SETTLE);
        sim.advance(Duration.ofMinutes(1));
        sim.declareOutOfService(FAILING);
        sim.awaitSettled(SETTLE);
        Decision degraded = decide(hp);
        assertThat(degraded.comparison().state()).isEqualTo(ClusterState.YELLOW);
        assertThat(degraded.comparison().placements()).as("north's pods replaced on south and east")
                .anyMatch(p -> p.status() == Status.MISPLACED && p.home().toString().equals("worker topology.kubernetes.io/zone=north"));
        assertThat(cli("init").code()).as("init refuses the degraded site").isEqualTo(2);

        // --- north comes back; the gate waits gate.stableFor
        sim.advance(Duration.ofMinutes(20));
        sim.recoverNode(FAILING);
        sim.awaitSettled(SETTLE);
        Decision recovering = decide(hp);
        assertThat(recovering.comparison().state()).isEqualTo(ClusterState.RECOVERING);
        int strays = recovering.comparison().strays().size();
        assertThat(strays).as("pods left where the outage put them").isGreaterThan(5);
        sim.advanceTo(recovering.gate().opensAt());
        sim.awaitSettled(SETTLE);

        // --- the rebalancer, live, pass after pass, with the proposed Happy Path
        int evicted = 0;
        Decision now = decide(hp);
        List<String> passes = new ArrayList<>();
        for (int n = 1; n <= MAX_PASSES && now.comparison().state() != ClusterState.GREEN; n++) {
            awaitLeaseReleased();
            Run pass = cli("run", "--config", config.toString(), "-o", "json");
            assertThat(pass.code()).as("pass " + n + ": " + pass.err() + pass.out()).isZero();
            JsonNode report = new ObjectMapper().readTree(pass.out());
            int thisPass = 0;
            List<String> held = new ArrayList<>();
            for (JsonNode m : report.get("moves")) {
                assertThat(m.get("outcome").asText()).as(m.toString()).isNotEqualTo("FAILED");
                thisPass += m.get("outcome").asText().equals("EVICTED") ? 1 : 0;
                if (!m.get("outcome").asText().equals("EVICTED")) {
                    held.add(m.get("pod").asText() + " " + m.get("outcome").asText() + " " + m.get("code").asText() + ": " + m.path("details").path(0).asText());
                }
            }
            passes.add("pass " + n + ": " + thisPass + " evicted" + (thisPass == 0 ? " " + held : ""));
            evicted += thisPass;
            sim.awaitSettled(SETTLE);
            now = decide(hp);
            if (thisPass == 0) {
                // nothing moved: let the anti-flap cooldown run out before the next pass, as a CronJob's schedule would
                sim.advance(hp.antiFlap().cooldown());
                sim.awaitSettled(SETTLE);
                now = decide(hp);
            }
        }
        assertThat(now.comparison().state()).as("GREEN after %s; still off: %s", passes, offPath(now)).isEqualTo(ClusterState.GREEN);
        assertThat(evicted).as("the rebalancer did the work").isGreaterThanOrEqualTo(strays);
        for (Placement p : now.comparison().placements()) {
            PodState pod = p.pod();
            assertThat(p.homeNodes().contains(pod.nodeName())).as(pod.key()).isTrue();
        }
    }

    private static List<String> offPath(Decision d) {
        return d.comparison().placements().stream().filter(p -> p.status() != Status.HAPPY)
                .map(p -> p.pod().key() + " " + p.status() + " on " + p.pod().nodeName() + " " + p.notes()).toList();
    }

    /** A released Lease keeps its holder for one more (simulated) second: wait for it, as the demo does. */
    private void awaitLeaseReleased() {
        Await.until(Duration.ofSeconds(20), "the Lease released", () -> KubernetesLease.currentHolder(client, KubernetesLease.defaultNamespace()) == null);
    }
}
