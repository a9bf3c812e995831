package dev.happypath.rebalancer.sim.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.happypath.rebalancer.compare.ClusterState;
import dev.happypath.rebalancer.compare.Placement;
import dev.happypath.rebalancer.compare.Status;
import dev.happypath.rebalancer.snapshot.PodState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.happypath.rebalancer.sim.demo.IdpSeed.AGENT0;
import static dev.happypath.rebalancer.sim.demo.IdpSeed.AGENT1;
import static dev.happypath.rebalancer.sim.demo.IdpSeed.SERVER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every scenario the demo lists, played through the demo command: it exits 0, the story goes through the
 * states the seeds describe, the rebalancer's moves land where it planned them, and the cluster ends on
 * the Happy Path (or, where a PodDisruptionBudget refuses, with exactly that pod reported BLOCKED).
 */
class DemoScenariosTest {

    /** The states the story passes through (each phase's headline), and the moves that must happen. */
    private record Expected(List<ClusterState> arc, Map<String, String> reasons) {
    }

    private static final Map<String, Expected> EXPECTED = Map.of(
            "worker-down", new Expected(List.of(ClusterState.GREEN, ClusterState.YELLOW, ClusterState.RECOVERING, ClusterState.GREEN),
                    Map.of("argocd/argocd-application-controller-0", "LIFEBOATED", "argocd/argocd-redis-", "LIFEBOATED",
                            DemoScenario.PROMETHEUS, "COLOCATED", "observability/alertmanager-", "MISPLACED", "observability/pyrra-", "MISPLACED")),
            "both-workers-down", new Expected(List.of(ClusterState.GREEN, ClusterState.RED, ClusterState.RECOVERING, ClusterState.GREEN),
                    Map.of("argocd/argocd-application-controller-0", "LIFEBOATED", "argocd/argocd-server-", "LIFEBOATED",
                            "argocd/argocd-repo-server-", "LIFEBOATED", "observability/alertmanager-", "MISPLACED")),
            "pdb-blocks", new Expected(List.of(ClusterState.GREEN, ClusterState.YELLOW, ClusterState.RECOVERING, ClusterState.RECOVERING),
                    Map.of("argocd/argocd-redis-", "LIFEBOATED", DemoScenario.PROMETHEUS, "COLOCATED", "observability/pyrra-", "MISPLACED")),
            "loki-pinned", new Expected(List.of(ClusterState.GREEN, ClusterState.YELLOW, ClusterState.RECOVERING, ClusterState.GREEN),
                    Map.of("cicd/argo-workflows-server-", "MISPLACED", "cicd/argo-workflows-workflow-controller-", "MISPLACED")));

    static Stream<DemoScenario> scenarios() {
        return DemoScenario.ALL.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void theDemoPlaysTheScenarioAndEndsWhereItShould(DemoScenario scenario) {
        assertThat(EXPECTED).as("every listed scenario has its expectations here").containsKey(scenario.name());
        Expected expected = EXPECTED.get(scenario.name());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        DemoCommand demo = new DemoCommand();
        int code = new CommandLine(demo).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute("--scenario", scenario.name());
        Story.Ending ending = demo.ending();
        String printed = out + "\n" + err;

        assertThat(code).as(printed).isZero();
        // a FAILED move's whole detail first: the story's table cuts it to its width
        assertThat(ending.moves()).as(() -> "FAILED moves in\n" + printed + "\nthe passes' logs:\n"
                        + ending.passes().stream().map(Story.Pass::stderr).collect(java.util.stream.Collectors.joining("\n")))
                .noneMatch(m -> m.get("outcome").asText().equals("FAILED"));
        assertThat(ending.asExpected()).as(ending.verdict()).isTrue();
        assertThat(arc(out.toString())).as("the states of the story").isEqualTo(expected.arc());
        if (scenario == DemoScenario.WORKER_DOWN) {
            // Prometheus' TSDB is an emptyDir here: the story says who allowed its loss, and what is lost
            assertThat(out.toString()).contains("localData: discard on the prometheus rule").contains("metrics scraped since it started");
        }

        // the moves: every eviction's replacement came up where the plan said, nothing failed
        List<JsonNode> moves = ending.moves();
        assertThat(moves).noneMatch(m -> m.get("outcome").asText().equals("FAILED"));
        for (JsonNode m : moves) {
            if (m.get("outcome").asText().equals("EVICTED")) {
                assertThat(m.get("detail").asText()).as(m.toString()).contains("Ready on " + m.get("to").asText()).doesNotContain("expected");
            }
        }
        expected.reasons().forEach((pod, reason) -> assertThat(moves)
                .as("%s moved as %s", pod, reason)
                .anyMatch(m -> key(m).startsWith(pod) && m.get("reason").asText().equals(reason) && m.get("outcome").asText().equals("EVICTED")));

        // the final placement
        PodState prometheus = pod(ending, DemoScenario.PROMETHEUS);
        PodState loki = pod(ending, DemoScenario.LOKI);
        assertThat(prometheus.nodeName()).as("Prometheus on a worker").isIn(AGENT0, AGENT1);
        assertThat(loki.nodeName()).as("Loki on a worker").isIn(AGENT0, AGENT1);
        if (scenario.endsGreen()) {
            assertThat(ending.state()).isEqualTo(ClusterState.GREEN);
            assertThat(ending.placements()).as("every managed pod home").allMatch(p -> p.status() == Status.HAPPY);
            assertThat(prometheus.nodeName()).as("metrics apart from logs").isNotEqualTo(loki.nodeName());
            assertThat(lifeboated(ending)).as("nothing left on the lifeboat").isEmpty();
        } else {
            assertThat(ending.state()).isEqualTo(ClusterState.RECOVERING);
            List<Placement> off = ending.placements().stream().filter(p -> p.status() != Status.HAPPY).toList();
            assertThat(off).extracting(p -> p.pod().key()).as("only the blocked pod is off the Happy Path").containsExactly(scenario.blockedPod());
            assertThat(pod(ending, scenario.blockedPod()).nodeName()).as("never forced off the lifeboat").isEqualTo(SERVER);
            assertThat(moves).filteredOn(m -> key(m).equals(scenario.blockedPod()))
                    .as("reported BLOCKED in every pass, never evicted").isNotEmpty()
                    .allMatch(m -> m.get("outcome").asText().equals("BLOCKED"));
            assertThat(prometheus.nodeName()).isNotEqualTo(loki.nodeName());
            assertThat(out.toString()).contains("BLOCKED");
        }
        assertThat(out.toString()).contains("pass 1").contains("[+00:00] GREEN");
    }

    private static String key(JsonNode move) {
        return move.get("namespace").asText() + "/" + move.get("pod").asText();
    }

    private static PodState pod(Story.Ending ending, String key) {
        return ending.snapshot().pods().stream().filter(p -> p.key().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError(key + " is not in the cluster"));
    }

    /** Controller-owned platform pods on the server that nothing requires there. */
    private static List<String> lifeboated(Story.Ending ending) {
        return ending.placements().stream().filter(p -> p.status() == Status.LIFEBOATED).map(p -> p.pod().key()).toList();
    }

    private static final Pattern PHASE = Pattern.compile("^\\[\\+\\d\\d:\\d\\d] (GREEN|RECOVERING|YELLOW|RED|BLACK) - ", Pattern.MULTILINE);

    private static List<ClusterState> arc(String output) {
        List<ClusterState> states = new ArrayList<>();
        Matcher m = PHASE.matcher(output);
        while (m.find()) {
            states.add(ClusterState.valueOf(m.group(1)));
        }
        return states;
    }
}
