package dev.happypath.rebalancer.plan;

import dev.happypath.rebalancer.gate.GateReason;
import dev.happypath.rebalancer.scheduling.Filters;
import dev.happypath.rebalancer.scheduling.NodeFilter;
import dev.happypath.rebalancer.scheduling.SchedulerProfile;
import dev.happypath.rebalancer.snapshot.PodState;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The docs are part of the feature: every move code and gate reason a report can carry is explained in
 * docs/how-it-decides.md, and every disruption setting and annotation in docs/configuration.md.
 */
class DecisionDocsTest {

    private static String read(String file) throws IOException {
        return Files.readString(Path.of("docs", file));
    }

    @Test
    void everyMoveCodeIsInTheTableOfHowItDecides() throws IOException {
        String doc = read("how-it-decides.md");
        String table = doc.substring(doc.indexOf("### Every move code"));
        for (MoveCode code : MoveCode.values()) {
            assertThat(table).as("docs/how-it-decides.md's move code table names %s", code).contains("`" + code.name() + "`");
        }
    }

    /** The never-evict / not-now table has a row (code, outcome, when, override) for every planning refusal. */
    @Test
    void everyPlanningRefusalHasItsRowWithItsOutcome() throws IOException {
        String doc = read("how-it-decides.md");
        String table = doc.substring(doc.indexOf("### Never evict, or not now"), doc.indexOf("### Every move code"));
        for (EvictionSafety rule : EvictionSafety.values()) {
            assertThat(table).as("a SKIPPED row for %s", rule).contains("| `" + rule.code().name() + "` | SKIPPED |");
        }
        for (MoveCode code : new MoveCode[]{MoveCode.SOURCE_NOT_READY, MoveCode.POD_NOT_READY, MoveCode.LAST_READY_REPLICA,
                MoveCode.BUDGET_SPENT, MoveCode.LIMIT_REACHED, MoveCode.GATE_CLOSED}) {
            assertThat(table).as("a DEFERRED row for %s", code).contains("| `" + code.name() + "` | DEFERRED |");
        }
        assertThat(table).contains("| `ONLY_REPLICA` | SKIPPED |", "| `MULTIPLE_BUDGETS` | SKIPPED |", "| `BUDGET_EXHAUSTED` | BLOCKED |");
    }

    /** The never-evict rules are listed first, in the order they are judged: the first that applies is the move's code. */
    @Test
    void theNeverEvictRulesAreListedInTheOrderTheyAreJudged() throws IOException {
        String doc = read("how-it-decides.md");
        String table = doc.substring(doc.indexOf("### Never evict, or not now"), doc.indexOf("### Every move code"));
        List<String> rows = table.lines().filter(l -> l.startsWith("| `")).map(l -> l.substring(3, l.indexOf('`', 3))).toList();
        List<String> rules = java.util.Arrays.stream(EvictionSafety.values()).map(r -> r.code().name()).toList();
        assertThat(rows.subList(0, rules.size())).as("the table's first rows, in EvictionSafety's order").isEqualTo(rules);
    }

    /** Every filter the model runs has its row, by the code the report carries (the kube-scheduler plugin name). */
    @Test
    void everyFilterCodeIsInTheTable() throws IOException {
        String doc = read("how-it-decides.md");
        String table = doc.substring(doc.indexOf("### Filter codes"), doc.indexOf("### Conformance with the scheduler's own tests"));
        for (NodeFilter filter : Filters.DEFAULT) {
            assertThat(table).as("docs/how-it-decides.md's filter code table names %s", filter.name()).contains("| `" + filter.name() + "` |");
        }
        assertThat(Filters.DEFAULT.stream().map(NodeFilter::name).toList()).as("the model's filters are the default profile's")
                .isEqualTo(SchedulerProfile.DEFAULT_FILTERS);
    }

    @Test
    void everyGateReasonIsNamed() throws IOException {
        String doc = read("how-it-decides.md");
        for (GateReason.Code code : GateReason.Code.values()) {
            assertThat(doc).as("docs/how-it-decides.md names gate reason %s", code).contains("`" + code.name() + "`");
        }
    }

    @Test
    void theDisruptionSettingsAndAnnotationsAreDocumented() throws IOException {
        String doc = read("configuration.md");
        assertThat(doc).contains("| `localData` |", "| `allowDowntime` |", "| `eviction.allowDowntime` |",
                "only replica: unavailable until its replacement is Ready", "is discarded: its contents are lost with the eviction");
        for (String annotation : PodState.DISRUPTION_ANNOTATIONS) {
            assertThat(doc).as("docs/configuration.md names %s", annotation).contains("`" + annotation + ":");
        }
        assertThat(read("security.md")).contains("each move counts on the node it leaves and on the node its replacement lands on");
    }
}
