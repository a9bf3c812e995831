package dev.happypath.rebalancer.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.happypath.rebalancer.metrics.PassMetrics;
import dev.happypath.rebalancer.plan.Decision;
import dev.happypath.rebalancer.testing.Scenario;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Schema version 2: every reason in the JSON report carries its stable code beside the words (gate reasons,
 * moves and each of their causes, the filters that refused a node), and the metrics count moves by outcome
 * and code, with label values from closed sets only.
 */
class ReportCodesTest {

    private static JsonNode json(String scenario) throws Exception {
        Report report = report(scenario);
        return new ObjectMapper().readTree(ReportWriter.render(report, ReportFormat.json));
    }

    private static Report report(String scenario) {
        Scenario s = Scenario.load(Path.of("src/test/resources/scenarios", scenario));
        Decision d = Decision.decide(s.snapshot(), s.happyPath(), s.ledger(), s.now());
        Report report = ReportBuilder.build(true, s.now(), "run1", s.happyPath(), s.snapshot(), d.comparison(), d.gate(),
                d.plan().moves(), false);
        return report.withMetrics(ReportBuilder.metrics(report, Duration.ofSeconds(1)));
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path(field).asText(null)));
        return out;
    }

    @Test
    void gateReasonsAndEveryCauseOfAMoveCarryTheirCode() throws Exception {
        JsonNode j = json("never-evict-every-reason.yaml");
        assertThat(j.get("schemaVersion").asInt()).isEqualTo(2);

        JsonNode reason = j.get("gate").get("reasons").get(0);
        assertThat(reason.get("code").asText()).isEqualTo("NOT_STABLE");
        assertThat(reason.get("node").asText()).isEqualTo("k3d-idp-demo-agent-0");
        assertThat(reason.get("reason").asText()).as("the words stay, without the node").startsWith("healthy for 2m only");

        JsonNode opted = j.get("moves").get(0);
        assertThat(opted.get("pod").asText()).isEqualTo("web-1");
        assertThat(opted.get("code").asText()).isEqualTo("OPTED_OUT");
        assertThat(texts(opted.get("causes"), "code")).containsExactly("OPTED_OUT", "MULTIPLE_BUDGETS");
        assertThat(texts(opted.get("causes"), "detail")).as("each cause's words are the move's details, in order")
                .isEqualTo(toList(opted.get("details")));

        JsonNode deferred = j.get("moves").get(2);
        assertThat(deferred.get("code").asText()).isEqualTo("GATE_CLOSED");
        assertThat(texts(deferred.get("causes"), "code")).containsExactly("GATE_CLOSED");
    }

    @Test
    void everyFilterThatRefusedANodeIsNamedByItsCode() throws Exception {
        JsonNode rejected = json("descheduler-noexecute-and-resources.yaml").get("moves").get(0).get("prediction").get("rejected");
        assertThat(texts(rejected.get("k3d-idp-demo-agent-0"), "filter")).containsExactly("TaintToleration");
        assertThat(texts(rejected.get("k3d-idp-demo-agent-1"), "filter")).containsExactly("NodeResourcesFit");
        assertThat(rejected.get("k3d-idp-demo-agent-0").get(0).get("reason").asText()).isEqualTo("untolerated taint maintenance:NoExecute");
    }

    @Test
    void movesAreCountedByOutcomeAndCodeNeverByPodOrWords() {
        Report report = report("never-evict-every-reason.yaml");
        assertThat(report.metrics().moves()).extracting(m -> m.outcome() + " " + m.code() + " " + m.count())
                .as("in Outcome order, then as met").containsExactly("SKIPPED OPTED_OUT 1", "SKIPPED LOCAL_DATA 1", "DEFERRED GATE_CLOSED 1");

        PassMetrics metrics = new PassMetrics();
        metrics.completed("schedule", report, java.time.Instant.parse("2026-11-21T10:00:01Z"));
        String scrape = metrics.scrape();
        assertThat(scrape).contains("happypath_moves_total{code=\"OPTED_OUT\",outcome=\"SKIPPED\"} 1.0",
                "happypath_moves_total{code=\"GATE_CLOSED\",outcome=\"DEFERRED\"} 1.0");
        List<String> moveSeries = scrape.lines().filter(l -> l.startsWith("happypath_moves_total{")).toList();
        assertThat(moveSeries).as("only outcome and code label a move").allMatch(l -> l.matches("happypath_moves_total\\{code=\"[A-Z_]+\",outcome=\"[A-Z]+\"} .*"));
    }

    private static List<String> toList(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
