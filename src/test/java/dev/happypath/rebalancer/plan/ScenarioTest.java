package dev.happypath.rebalancer.plan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.happypath.rebalancer.advice.Advice;
import dev.happypath.rebalancer.advice.Advisor;
import dev.happypath.rebalancer.compare.Placement;
import dev.happypath.rebalancer.config.ClusterFit;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.testing.Scenario;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pure stages (compare, gate, plan) against the scenario table in src/test/resources/scenarios:
 * each file is a small cluster and the verdicts it must produce, as codes (the move's code, every cause's
 * code, the gate's reason codes, the filters that refused a node). The words are in one golden file
 * ({@link GoldenWordsTest}): a scenario that asserts a sentence is refused, so that a rewording never breaks
 * the table of behaviour.
 */
class ScenarioTest {

    static Stream<Path> scenarios() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/scenarios"))) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    /**
     * Where the scheduler samples, a prediction stops part-way through the nodes: it takes them by name, so
     * which nodes it saw, and the words of the plan, do not depend on the order the API listed them in.
     */
    @org.junit.jupiter.api.Test
    void aStoppedSearchSaysTheSameWhateverTheListingOrder() {
        Scenario scenario = Scenario.load(Path.of("src/test/resources/scenarios/large-cluster-sampling.yaml"));
        ClusterSnapshot snapshot = scenario.snapshot();
        List<String> listed = words(Decision.decide(snapshot, scenario.happyPath(), scenario.ledger(), scenario.now()).plan());
        for (long seed = 1; seed <= 5; seed++) {
            ClusterSnapshot shuffled = PlanPropertiesTest.shuffle(snapshot, new java.util.Random(seed));
            assertThat(words(Decision.decide(shuffled, scenario.happyPath(), scenario.ledger(), scenario.now()).plan()))
                    .as("shuffled with seed %d", seed).isEqualTo(listed);
        }
    }

    /** Each move's outcome, target and details, and the nodes its prediction filtered, in order. */
    private static List<String> words(dev.happypath.rebalancer.plan.Plan plan) {
        return plan.moves().stream().map(m -> m.pod().key() + " " + m.outcome() + " " + m.target() + " " + m.details() + " "
                + (m.prediction() == null ? "" : m.prediction().verdicts().stream().map(v -> v.node()).toList())).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void scenario(Path file) {
        Scenario scenario = Scenario.load(file);
        HappyPath happyPath = scenario.happyPath();
        ClusterSnapshot snapshot = scenario.snapshot();
        ClusterFit.check(happyPath, snapshot);
        Decision decision = Decision.decide(snapshot, happyPath, scenario.ledger(), scenario.now());
        JsonNode expect = scenario.expect();
        assertThat(expect.isMissingNode()).as("%s has an expect section", file).isFalse();
        String name = scenario.name();

        if (expect.has("state")) {
            assertThat(decision.comparison().state().name()).as("%s: cluster state", name).isEqualTo(expect.get("state").asText());
        }
        if (expect.has("gate")) {
            assertThat(decision.gate().open() ? "open" : "closed").as("%s: gate (%s)", name, decision.gate().reasons())
                    .isEqualTo(expect.get("gate").asText());
        }
        assertThat(expect.has("gateReasons")).as("%s: gate reasons are asserted by gateCodes (the words: GoldenWordsTest)", name).isFalse();
        if (expect.has("gateCodes")) {
            // "NODE CODE", or "CODE" for a cluster-wide reason: every reason, in the gate's order
            List<String> codes = decision.gate().reasons().stream()
                    .map(r -> (r.node() == null ? "" : r.node() + " ") + r.code().name()).toList();
            List<String> wanted = new java.util.ArrayList<>();
            expect.get("gateCodes").forEach(c -> wanted.add(c.asText()));
            assertThat(codes).as("%s: gate reason codes (%s)", name, decision.gate().reasons()).isEqualTo(wanted);
        }
        if (expect.has("opensAt")) {
            assertThat(String.valueOf(decision.gate().opensAt())).as("%s: opensAt", name).isEqualTo(expect.get("opensAt").asText());
        }

        Map<String, Placement> placements = decision.comparison().placements().stream()
                .collect(Collectors.toMap(p -> p.pod().key(), Function.identity()));
        expect.path("placements").fields().forEachRemaining(e -> {
            assertThat(placements).as("%s: %s is managed", name, e.getKey()).containsKey(e.getKey());
            assertThat(placements.get(e.getKey()).status().name()).as("%s: status of %s (notes %s)", name, e.getKey(),
                    placements.get(e.getKey()).notes()).isEqualTo(e.getValue().asText());
        });
        for (JsonNode pod : expect.path("unmanaged")) {
            assertThat(placements).as("%s: %s is not managed", name, pod.asText()).doesNotContainKey(pod.asText());
        }
        for (JsonNode note : expect.path("notes")) {
            Placement p = placements.get(note.get("pod").asText());
            assertThat(p).as("%s: %s is managed", name, note.get("pod").asText()).isNotNull();
            assertThat(String.join(" | ", p.notes())).as("%s: notes of %s", name, p.pod().key()).contains(note.get("contains").asText());
        }

        if (expect.has("advice")) {
            List<Advice> advice = Advisor.advise(snapshot, happyPath, decision.comparison());
            assertThat(advice).as("%s: advice %s", name, advice).hasSize(expect.get("advice").size());
            for (JsonNode want : expect.get("advice")) {
                Advice got = advice.stream().filter(a -> a.workload().equals(want.get("workload").asText())).findFirst().orElse(null);
                assertThat(got).as("%s: advice for %s in %s", name, want.get("workload").asText(), advice).isNotNull();
                assertThat(got.kind().name()).as("%s: advice kind for %s (%s)", name, got.workload(), got.why()).isEqualTo(want.get("kind").asText());
                assertThat(got.verified()).as("%s: advice verified for %s", name, got.workload()).isEqualTo(want.get("verified").asBoolean());
                assertThat(got.snippet()).as("%s: advice snippet for %s", name, got.workload()).contains(want.get("snippet").asText());
                if (want.has("why")) {
                    assertThat(got.why()).as("%s: advice why for %s", name, got.workload()).contains(want.get("why").asText());
                }
            }
        }
        if (expect.has("moves")) {
            List<Move> moves = decision.plan().moves();
            List<String> actual = moves.stream().map(m -> m.pod().key() + " " + m.outcome() + " -> " + m.target() + " " + m.details()).toList();
            assertThat(moves).as("%s: moves %s", name, actual).hasSize(expect.get("moves").size());
            for (int i = 0; i < moves.size(); i++) {
                JsonNode want = expect.get("moves").get(i);
                Move got = moves.get(i);
                String what = name + ": move " + (i + 1) + " " + actual.get(i);
                assertThat(got.pod().key()).as(what + ": pod").isEqualTo(want.get("pod").asText());
                assertThat(got.outcome().name()).as(what + ": outcome").isEqualTo(want.get("outcome").asText());
                if (want.has("to")) {
                    assertThat(String.valueOf(got.target())).as(what + ": target").isEqualTo(want.get("to").asText());
                }
                if (want.has("reason")) {
                    assertThat(got.reason().name()).as(what + ": reason").isEqualTo(want.get("reason").asText());
                }
                assertThat(want.has("code")).as(what + ": the scenario names the move's code").isTrue();
                assertThat(got.code().name()).as(what + ": code").isEqualTo(want.get("code").asText());
                if (want.has("codes")) {
                    List<String> codes = new java.util.ArrayList<>();
                    want.get("codes").forEach(c -> codes.add(c.asText()));
                    assertThat(got.codes().stream().map(Enum::name).toList()).as(what + ": every cause's code, in order " + got.causes())
                            .isEqualTo(codes);
                }
                assertThat(want.has("detail") || want.has("details")).as(what + ": details are asserted by code (the words: GoldenWordsTest)")
                        .isFalse();
                JsonNode p = want.path("prediction");
                if (!p.isMissingNode()) {
                    assertThat(got.prediction()).as(what + ": has a prediction").isNotNull();
                    if (p.has("node")) {
                        assertThat(String.valueOf(got.prediction().node())).as(what + ": predicted node").isEqualTo(p.get("node").asText());
                    }
                    if (p.has("tied")) {
                        List<String> tied = new java.util.ArrayList<>();
                        p.get("tied").forEach(t -> tied.add(t.asText()));
                        assertThat(got.prediction().tied()).as(what + ": tied").isEqualTo(tied);
                    }
                    if (p.has("scored")) {
                        assertThat(got.prediction().scored()).as(what + ": scored").isEqualTo(p.get("scored").asBoolean());
                        if (!got.prediction().scored()) {
                            assertThat(got.prediction().totals()).as(what + ": no totals unscored").isEmpty();
                            assertThat(got.prediction().verdicts()).as(what + ": no verdict carries scores")
                                    .allMatch(v -> v.scores().isEmpty() && v.total() == 0);
                        }
                    }
                    if (p.has("complete")) {
                        assertThat(got.prediction().complete()).as(what + ": complete").isEqualTo(p.get("complete").asBoolean());
                    }
                    if (p.has("filtered")) {
                        assertThat(got.prediction().verdicts()).as(what + ": nodes filtered").hasSize(p.get("filtered").asInt());
                    }
                    p.path("scores").fields().forEachRemaining(e -> assertThat(got.prediction().totals().get(e.getKey()))
                            .as(what + ": total score of " + e.getKey() + " " + got.prediction().verdicts()).isEqualTo(e.getValue().asLong()));
                    p.path("rejected").fields().forEachRemaining(e -> Scenario.assertRejected(
                            got.prediction().rejected().getOrDefault(e.getKey(), List.of()), e.getValue().asText(),
                            what + ": rejection of " + e.getKey()));
                }
            }
        }
    }
}
