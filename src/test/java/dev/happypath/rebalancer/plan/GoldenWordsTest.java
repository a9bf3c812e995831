package dev.happypath.rebalancer.plan;

import dev.happypath.rebalancer.gate.GateReason;
import dev.happypath.rebalancer.testing.Scenario;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The words a person reads, kept in one golden file: for every scenario of src/test/resources/scenarios, the
 * gate's reasons and each move's outcome, code, causes and details, exactly. The scenarios themselves assert
 * codes (what code decides on); a rewording changes this file only, and shows in review as a diff of sentences.
 *
 * <p>After a deliberate rewording: {@code mvn -o test -Dtest=GoldenWordsTest -Dgolden.update=true}, then read
 * the diff of src/test/resources/golden/scenario-words.txt before committing it.
 */
class GoldenWordsTest {

    private static final Path GOLDEN = Path.of("src/test/resources/golden/scenario-words.txt");
    private static final String HEADER = "## ";

    /** One scenario's words, as the golden file holds them. */
    static String words(Path file) {
        Scenario s = Scenario.load(file);
        Decision d = Decision.decide(s.snapshot(), s.happyPath(), s.ledger(), s.now());
        StringBuilder b = new StringBuilder();
        b.append("gate ").append(d.gate().open() ? "open" : "closed").append('\n');
        for (GateReason r : d.gate().reasons()) {
            b.append("  ").append(r.code()).append(" ").append(r).append('\n');
        }
        for (Move m : d.plan().moves()) {
            b.append(m.pod().key()).append(' ').append(m.outcome()).append(' ').append(m.code())
                    .append(m.target() == null ? "" : " -> " + m.target()).append('\n');
            if (m.causes().size() > 1) {
                // each cause's words are in the details (a home's refusals inside the first): the codes suffice
                b.append("  causes ").append(String.join(", ", m.codes().stream().map(Enum::name).toList())).append('\n');
            }
            for (String detail : m.details()) {
                b.append("  - ").append(detail).append('\n');
            }
        }
        return b.toString();
    }

    private static Map<String, String> rendered() throws IOException {
        Map<String, String> all = new LinkedHashMap<>();
        for (Path f : ScenarioTest.scenarios().toList()) {
            all.put(f.getFileName().toString(), words(f));
        }
        return all;
    }

    private static Map<String, String> golden() throws IOException {
        Map<String, String> all = new LinkedHashMap<>();
        String name = null;
        StringBuilder b = new StringBuilder();
        for (String line : Files.readAllLines(GOLDEN)) {
            if (line.startsWith(HEADER)) {
                if (name != null) {
                    all.put(name, b.toString());
                }
                name = line.substring(HEADER.length());
                b.setLength(0);
            } else if (name != null && !line.isEmpty()) {
                b.append(line).append('\n');
            }
        }
        if (name != null) {
            all.put(name, b.toString());
        }
        return all;
    }

    @Test
    void everyScenarioSaysWhatTheGoldenFileSays() throws IOException {
        Map<String, String> now = rendered();
        if (Boolean.getBoolean("golden.update")) {
            StringBuilder b = new StringBuilder("# The words of every scenario's plan (GoldenWordsTest). Regenerate with -Dgolden.update=true.\n");
            now.forEach((name, words) -> b.append('\n').append(HEADER).append(name).append('\n').append(words));
            Files.writeString(GOLDEN, b.toString());
        }
        Map<String, String> golden = golden();
        assertThat(golden.keySet()).as("one section per scenario, in file order").containsExactlyElementsOf(now.keySet());
        now.forEach((name, words) -> assertThat(words).as("the words of %s", name).isEqualTo(golden.get(name)));
    }
}
