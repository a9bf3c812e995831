package dev.happypath.rebalancer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.happypath.rebalancer.execute.Sleeper;
import dev.happypath.rebalancer.testing.LiveCluster;
import dev.happypath.rebalancer.testing.OpsCluster;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.happypath.rebalancer.testing.Scenario.AGENT1;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The LogQL alert in docs/operations.md fires on the report a pass prints to its log: with {@code -o jsonl}
 * (what the CronJob uses) the report is ONE line, and Loki's {@code | json} stage, which parses each log
 * line on its own and flattens nested keys with "_", finds {@code clusterState} in it. The indented
 * {@code -o json} is for terminals: line by line, Loki finds nothing in it.
 */
class LokiLineTest {

    /** The alert's stream selector aside: {@code | json | LABEL=~"REGEX"}, as the docs write it. */
    private static final Pattern LOGQL = Pattern.compile("\\| json \\| (\\w+)=~\"([^\"]+)\"");

    /** What Loki's json stage extracts from one log line: nested objects flattened with "_", arrays skipped. */
    static Map<String, String> lokiJson(String line) {
        Map<String, String> labels = new TreeMap<>();
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(line);
        } catch (IOException e) {
            labels.put("__error__", "JSONParserErr");
            return labels;
        }
        if (root == null || !root.isObject()) {
            labels.put("__error__", "JSONParserErr");
            return labels;
        }
        flatten("", root, labels);
        return labels;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> labels) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix + e.getKey().replaceAll("[^a-zA-Z0-9_]", "_");
            if (e.getValue().isObject()) {
                flatten(key + "_", e.getValue(), labels);
            } else if (!e.getValue().isArray()) {
                labels.put(key, e.getValue().asText());
            }
        }
    }

    /** How many of these log lines the documented alert's filter keeps. */
    private static long matching(List<String> lines) throws IOException {
        String docs = Files.readString(Path.of("docs/operations.md"));
        Matcher m = LOGQL.matcher(docs);
        assertThat(m.find()).as("docs/operations.md has the LogQL alert").isTrue();
        String label = m.group(1);
        Pattern regex = Pattern.compile(m.group(2));
        // a LogQL label regex matches the whole value
        return lines.stream().map(LokiLineTest::lokiJson)
                .filter(l -> !l.containsKey("__error__") && l.containsKey(label) && regex.matcher(l.get(label)).matches())
                .count();
    }

    @Test
    void theDocumentedAlertMatchesTheOneLineReportOfARedCluster() throws IOException {
        String config = OpsCluster.configFile(OpsCluster.config("1s", 5)).toString();
        try (LiveCluster c = OpsCluster.start(true, "stray")) {
            OpsCluster.setReady(c, AGENT1, false);

            LiveCluster.Result line = c.run(Clock.systemUTC(), Sleeper.REAL, "run", "--dry-run", "--config", config, "-o", "jsonl");
            LiveCluster.Result pretty = c.run(Clock.systemUTC(), Sleeper.REAL, "run", "--dry-run", "--config", config, "-o", "json");

            assertThat(line.exitCode()).as(line.toString()).isZero();
            List<String> lines = line.out().lines().toList();
            assertThat(lines).as("one report, one line").hasSize(1);
            assertThat(lokiJson(lines.get(0))).containsEntry("clusterState", "RED").containsEntry("gate_open", "false");
            assertThat(matching(lines)).as("the alert's filter keeps the report's line").isEqualTo(1);
            assertThat(withoutRunFields(new ObjectMapper().readTree(lines.get(0)))).as("the same report as -o json")
                    .isEqualTo(withoutRunFields(pretty.json()));

            assertThat(pretty.out().lines().count()).isGreaterThan(10);
            assertThat(matching(pretty.out().lines().toList())).as("Loki sees each indented line on its own: nothing to match").isZero();
        }
    }

    /** Two runs differ in their time, id and figures only. */
    private static JsonNode withoutRunFields(JsonNode report) {
        ((com.fasterxml.jackson.databind.node.ObjectNode) report).remove(List.of("generatedAt", "runId", "metrics"));
        return report;
    }

    @Test
    void aGreenClustersLineIsNotMatched() throws IOException {
        String config = OpsCluster.configFile(OpsCluster.config("1s", 5)).toString();
        try (LiveCluster c = OpsCluster.start(false)) {
            LiveCluster.Result line = c.run(Clock.systemUTC(), Sleeper.REAL, "run", "--dry-run", "--config", config, "-o", "jsonl");
            assertThat(line.out().lines().toList()).singleElement().satisfies(l -> assertThat(lokiJson(l)).containsEntry("clusterState", "GREEN"));
            assertThat(matching(line.out().lines().toList())).isZero();
        }
    }
}
