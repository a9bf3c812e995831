package dev.happypath.rebalancer.scheduling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.testing.Scenario;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The landing prediction against hand-computed scores (src/test/resources/predictions: each file shows its
 * arithmetic). A bound pod is predicted as the scheduler sees its replacement: the pod itself still on its
 * node, Terminating; a pending pod as it is.
 */
class PredictionTest {

    static Stream<Path> fixtures() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/predictions"))) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void predictsWhatTheSchedulerWouldDo(Path file) throws IOException {
        Scenario scenario = Scenario.load(file);
        JsonNode root = new YAMLMapper().readTree(file.toFile());
        ClusterSnapshot snapshot = scenario.snapshot();
        assertThat(root.path("cases").size()).as("%s has cases", file).isPositive();
        for (JsonNode c : root.get("cases")) {
            String key = c.get("pod").asText();
            PodState pod = snapshot.pods().stream().filter(p -> p.key().equals(key)).findFirst().orElseThrow();
            PlanningView view = new PlanningView(snapshot);
            Prediction p;
            if (pod.isBound()) {
                view.evicting(pod);
                p = LandingPredictor.predict(pod.replacement(), view);
            } else {
                p = LandingPredictor.predict(pod, view);
            }
            String what = file.getFileName() + " " + key + " " + p.verdicts();
            assertThat(String.valueOf(p.node())).as(what + ": node").isEqualTo(c.get("node").isNull() ? "null" : c.get("node").asText());
            List<String> tied = new ArrayList<>();
            c.path("tied").forEach(t -> tied.add(t.asText()));
            assertThat(p.tied()).as(what + ": tied").isEqualTo(tied);
            List<String> feasible = new ArrayList<>();
            c.path("totals").fieldNames().forEachRemaining(feasible::add);
            c.path("totals").fields().forEachRemaining(e ->
                    assertThat(p.totals().get(e.getKey())).as(what + ": total of " + e.getKey()).isEqualTo(e.getValue().asLong()));
            if (c.has("totals")) {
                assertThat(p.totals().keySet()).as(what + ": feasible nodes").containsExactlyInAnyOrderElementsOf(feasible);
            }
            c.path("plugins").fields().forEachRemaining(n -> n.getValue().fields().forEachRemaining(pl -> {
                NodeVerdict v = p.verdicts().stream().filter(x -> x.node().equals(n.getKey())).findFirst().orElseThrow();
                assertThat(v.scores().get(pl.getKey())).as(what + ": " + pl.getKey() + " on " + n.getKey()).isEqualTo(pl.getValue().asLong());
            }));
            c.path("rejected").fields().forEachRemaining(e -> Scenario.assertRejected(p.rejected().getOrDefault(e.getKey(), List.of()),
                    e.getValue().asText(), what + ": rejection of " + e.getKey()));
        }
    }
}
