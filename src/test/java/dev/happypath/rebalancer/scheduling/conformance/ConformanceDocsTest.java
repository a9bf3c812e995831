package dev.happypath.rebalancer.scheduling.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/how-it-decides.md shows the conformance suite as a table (plugin, cases, agreement, not modelled). It is
 * generated from the tables under src/test/resources/conformance, so the docs cannot claim more than the suite
 * shows: a case added, or a difference listed, changes the expected text, printed here in full to paste.
 */
class ConformanceDocsTest {

    static final String BEGIN = "<!-- conformance table: generated from src/test/resources/conformance, checked by ConformanceDocsTest -->";
    static final String END = "<!-- end of conformance table -->";

    @Test
    void theDocsTableIsTheSuite() throws IOException {
        String docs = Files.readString(Path.of("docs/how-it-decides.md"));
        int from = docs.indexOf(BEGIN);
        int to = docs.indexOf(END);
        assertThat(from).as("docs/how-it-decides.md has the conformance table markers").isNotNegative();
        assertThat(to).isGreaterThan(from);
        String actual = docs.substring(from + BEGIN.length(), to).strip();
        assertThat(actual).as("the conformance table of docs/how-it-decides.md; expected:%n%s%n", table()).isEqualTo(table());
    }

    /** One row per plugin and kind, in the order of the files; a total row at the end. */
    static String table() throws IOException {
        record Row(String plugin, String kind, int cases, int known, String notModelled) {
        }
        Map<String, Row> rows = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(ConformanceCase.DIR)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                JsonNode root = new YAMLMapper().readTree(f.toFile());
                List<ConformanceCase> cases = ConformanceCase.load(f);
                int known = (int) cases.stream().filter(c -> c.knownDifference() != null).count();
                String key = root.get("plugin").asText() + " " + root.get("kind").asText();
                rows.merge(key, new Row(root.get("plugin").asText(), root.get("kind").asText(), cases.size(), known,
                                root.path("notModelled").asText("")),
                        (a, b) -> new Row(a.plugin(), a.kind(), a.cases() + b.cases(), a.known() + b.known(), a.notModelled()));
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add("| plugin | cases | agreement | not modelled |");
        lines.add("|---|---|---|---|");
        int total = 0;
        int agree = 0;
        for (Row r : rows.values()) {
            int agreeing = r.cases() - r.known();
            total += r.cases();
            agree += agreeing;
            String agreement = agreeing + " of " + r.cases() + (r.known() == 0 ? "" : " (" + r.known() + " known differences)");
            lines.add("| " + r.plugin() + " (" + r.kind() + ") | " + r.cases() + " | " + agreement + " | "
                    + (r.notModelled().isEmpty() ? "-" : r.notModelled()) + " |");
        }
        lines.add("| **all** | " + total + " | " + agree + " of " + total + " | |");
        return String.join("\n", lines);
    }
}
