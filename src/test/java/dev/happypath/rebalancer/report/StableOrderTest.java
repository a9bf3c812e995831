package dev.happypath.rebalancer.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.happypath.rebalancer.cli.Cli;
import dev.happypath.rebalancer.execute.Sleeper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same cluster gives the same words whatever order the API lists its objects in (docs/reliability.md):
 * nodes by role then name, a prediction's scores by score then name. Each example dump is planned as it
 * is and with its items shuffled (seeded), and the table and the JSON must not change.
 */
class StableOrderTest {

    private static final String NOW = "2026-11-21T10:00:00Z";

    @TempDir
    Path dir;

    private static String plan(Path dump, String format) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new Cli(new PrintWriter(out, true), new PrintWriter(err, true),
                Clock.fixed(Instant.parse(NOW), ZoneOffset.UTC), Sleeper.REAL, null)
                .execute("plan", "--snapshot", dump.toString(), "--now", NOW, "-o", format, "--explain");
        assertThat(code).as(err.toString()).isIn(0, 3);
        return out.toString();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"idp-colocated", "idp-worker-down", "idp-lifeboat-after-recovery", "idp-pdb-blocked"})
    void shuffledListingsGiveTheSameReport(String example) throws Exception {
        Path original = Path.of("config/examples", example + ".yaml");
        JsonNode list = new YAMLMapper().readTree(original.toFile());
        List<JsonNode> items = new ArrayList<>();
        list.get("items").forEach(items::add);
        String table = plan(original, "table");
        JsonNode json = withoutRun(new ObjectMapper().readTree(plan(original, "json")));
        for (long seed = 1; seed <= 3; seed++) {
            List<JsonNode> shuffled = new ArrayList<>(items);
            Collections.shuffle(shuffled, new Random(seed));
            ObjectNode copy = ((ObjectNode) list).deepCopy();
            ArrayNode array = copy.putArray("items");
            shuffled.forEach(array::add);
            Path dump = dir.resolve(example + "-" + seed + ".json");
            Files.writeString(dump, new ObjectMapper().writeValueAsString(copy));

            assertThat(withoutRun(new ObjectMapper().readTree(plan(dump, "json")))).as("seed %d", seed).isEqualTo(json);
            assertThat(plan(dump, "table").replace(dump.toString(), original.toString())).as("seed %d", seed).isEqualTo(table);
        }
    }

    /** A run's id and its figures differ from run to run. */
    private static JsonNode withoutRun(JsonNode report) {
        ((ObjectNode) report).remove(List.of("runId", "metrics", "generatedAt"));
        return report;
    }
}
