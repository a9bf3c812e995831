package dev.happypath.rebalancer;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Data flows one way, and the build enforces it: the deciding stages never see the client, the API
 * adapters or the simulation.
 */
class ArchitectureTest {

    private static final Path MAIN = Path.of("src/main/java/dev/happypath/rebalancer");
    private static final Set<String> PURE = Set.of("snapshot", "config", "compare", "gate", "scheduling", "plan", "report", "init");

    @Test
    void theRepositoryTopLevelHoldsOnlyTheAgreedEntries() throws IOException {
        // src/ cronjob/ config/ docs/ README.md pom.xml, plus dot-entries (.ci/, .git*) and the build's target/
        try (Stream<Path> top = Files.list(Path.of("."))) {
            List<String> names = top.map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith(".") && !n.equals("target")).sorted().toList();
            assertThat(names).containsExactly("README.md", "config", "cronjob", "docs", "pom.xml", "src");
        }
    }

    @Test
    void theDecidingStagesImportNeitherTheClientNorTheAdapters() {
        List<String> offences = new ArrayList<>();
        for (String pkg : PURE) {
            for (Path file : javaFiles(MAIN.resolve(pkg))) {
                for (String imp : imports(file)) {
                    if (imp.startsWith("io.fabric8") || imp.startsWith("dev.happypath.rebalancer.cluster")
                            || imp.startsWith("dev.happypath.rebalancer.execute") || imp.startsWith("dev.happypath.rebalancer.cli")
                            || imp.startsWith("dev.happypath.rebalancer.sim")) {
                        offences.add(MAIN.relativize(file) + " imports " + imp);
                    }
                }
            }
        }
        assertThat(offences).isEmpty();
    }

    @Test
    void noProductPackageImportsTheSimulation() {
        List<String> offences = new ArrayList<>();
        for (Path file : javaFiles(MAIN)) {
            if (file.startsWith(MAIN.resolve("sim"))) {
                continue;
            }
            for (String imp : imports(file)) {
                if (imp.startsWith("dev.happypath.rebalancer.sim")) {
                    offences.add(MAIN.relativize(file) + " imports " + imp);
                }
            }
        }
        assertThat(offences).isEmpty();
    }

    @Test
    void theProductNamesTheSimulationOnlyInStringsForReflection() {
        // An import is not the only way to depend on a class: a fully qualified name in code is one too.
        // The CLI may find the demo by name (Class.forName), so the name may appear inside a string.
        List<String> offences = new ArrayList<>();
        for (Path file : javaFiles(MAIN)) {
            if (file.startsWith(MAIN.resolve("sim"))) {
                continue;
            }
            List<String> lines = lines(file);
            for (int i = 0; i < lines.size(); i++) {
                String outsideStrings = lines.get(i).replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"");
                if (outsideStrings.contains("dev.happypath.rebalancer.sim")) {
                    offences.add(MAIN.relativize(file) + ":" + (i + 1) + " " + lines.get(i).strip());
                }
            }
        }
        assertThat(offences).isEmpty();
    }

    @Test
    void theCheckSeesThePackages() {
        for (String pkg : PURE) {
            assertThat(javaFiles(MAIN.resolve(pkg))).as(pkg).isNotEmpty();
        }
    }

    private static List<Path> javaFiles(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> imports(Path file) {
        try {
            return Files.readAllLines(file).stream().map(String::strip)
                    .filter(l -> l.startsWith("import "))
                    .map(l -> l.replace("import static ", "").replace("import ", "").replace(";", ""))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
