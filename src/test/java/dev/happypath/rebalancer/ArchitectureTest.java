package dev.happypath.rebalancer;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Data flows one way, and the build enforces it on the compiled classes (ArchUnit): the deciding stages
 * never see the client, the API adapters, the command line or the simulation; only the adapters speak
 * fabric8, and only through its public API; the packages form no cycle. docs/architecture.md says the
 * same in words. The package sets below are the whole policy: a new or folded package changes one line.
 */
class ArchitectureTest {

    private static final String ROOT = "dev.happypath.rebalancer";

    /** The pure stages: everything they know comes in as immutable records, everything they decide goes out as one. */
    private static final List<String> DECIDING = List.of("snapshot", "config", "compare", "gate", "scheduling", "plan", "report", "init",
            "advice", "ledger", "trigger");
    /** The packages that talk to the Kubernetes API: the adapters behind the pass's ports. */
    private static final List<String> API_ADAPTERS = List.of("cluster");
    /** The pass (the whole sequence, behind ports) and the executor: they see ports, never the client or an adapter. */
    private static final List<String> SEQUENCE = List.of("pass", "execute");
    /** Entry points and wiring: parse options, build the adapters, hand them to the pass, print, choose the exit code. */
    private static final List<String> ENTRY_POINTS = List.of("cli");
    /** The cluster simulator, the in-process API and the demo: the full jar only (ProductionJarIT). */
    private static final List<String> SIMULATION = List.of("sim");
    /** What the wiring may hold of fabric8: the client it builds and hands to the adapters, and the client's version for `version`. */
    private static final List<String> WIRING_MAY_NAME = List.of("io.fabric8.kubernetes.client.KubernetesClient", "io.fabric8.kubernetes.client.Version");

    private static final JavaClasses PRODUCT_AND_TESTS = new ClassFileImporter().importPackages(ROOT);
    /** Imported once (the import is the slow part); the product is what Maven compiled from src/main. */
    private static final JavaClasses PRODUCT = PRODUCT_AND_TESTS.that(DescribedPredicate.describe("compiled from src/main",
            c -> c.getSource().map(s -> !s.getUri().toString().contains("/test-classes/")).orElse(true)));

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
    void theDecidingStagesUseNoKubernetesClient() {
        noClasses().that().resideInAnyPackage(packages(DECIDING))
                .should().dependOnClassesThat().resideInAPackage("io.fabric8..")
                .because("a decision is a function of the snapshot: tests feed it YAML, not a cluster")
                .check(PRODUCT);
    }

    @Test
    void theDecidingStagesDependOnNoAdapterEntryPointOrSimulation() {
        noClasses().that().resideInAnyPackage(packages(DECIDING))
                .should().dependOnClassesThat().resideInAnyPackage(packages(API_ADAPTERS, SEQUENCE, ENTRY_POINTS, SIMULATION))
                .because("the deciding stages are called by the pass, never the other way round")
                .check(PRODUCT);
    }

    @Test
    void thePassSeesPortsNeverTheClientOrAnAdapter() {
        noClasses().that().resideInAnyPackage(packages(SEQUENCE))
                .should().dependOnClassesThat().resideInAnyPackage(packages(API_ADAPTERS, ENTRY_POINTS, SIMULATION))
                .orShould().dependOnClassesThat().resideInAPackage("io.fabric8..")
                .because("the pass's tests run on in-memory ports; only the adapters' tests need an API server")
                .check(PRODUCT);
    }

    @Test
    void theAdaptersKnowNothingOfTheCommandLine() {
        noClasses().that().resideInAnyPackage(packages(API_ADAPTERS))
                .should().dependOnClassesThat().resideInAnyPackage(packages(ENTRY_POINTS, SIMULATION))
                .check(PRODUCT);
    }

    @Test
    void theRootPackageDependsOnNoSubpackage() {
        // StopSignal, RuntimeFailure, InvalidInputException: shared by every layer, so they may know none of them
        noClasses().that().resideInAPackage(ROOT)
                .should().dependOnClassesThat().resideInAPackage(ROOT + ".*..")
                .check(PRODUCT);
    }

    @Test
    void onlyTheApiAdaptersUseFabric8() {
        DescribedPredicate<JavaClass> adapter = resideInAnyPackage(packages(API_ADAPTERS, SIMULATION, ENTRY_POINTS));
        noClasses().that(DescribedPredicate.not(adapter))
                .should().dependOnClassesThat().resideInAPackage("io.fabric8..")
                .because("one place per kind of API call keeps the client's traps (ECOSYSTEM.md) in one place")
                .check(PRODUCT);
    }

    @Test
    void theWiringHoldsTheClientButCallsNoneOfIt() {
        noClasses().that().resideInAnyPackage(packages(ENTRY_POINTS))
                .should().dependOnClassesThat(resideInAPackage("io.fabric8..").and(DescribedPredicate.not(nameIn(WIRING_MAY_NAME))))
                .because("cli parses options and wires adapters; reading, evicting and recording go through the adapters")
                .check(PRODUCT);
    }

    @Test
    void noCodeUsesFabric8Internals() {
        // tests too: an internal class changes without notice between fabric8 releases
        noClasses().should().dependOnClassesThat().resideInAPackage("io.fabric8..internal..")
                .because("fabric8's internal packages are not its API and change between releases")
                .check(PRODUCT_AND_TESTS);
    }

    @Test
    void noProductPackageDependsOnTheSimulation() {
        // The CLI finds the demo by name (Class.forName), which is no dependency: the production jar runs without sim/.
        noClasses().that().resideOutsideOfPackages(packages(SIMULATION))
                .should().dependOnClassesThat().resideInAnyPackage(packages(SIMULATION))
                .because("the production jar leaves sim/ out (ProductionJarIT)")
                .check(PRODUCT);
    }

    @Test
    void thePackagesFormNoCycle() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(PRODUCT);
    }

    @Test
    void theRulesSeeThePackagesTheyName() {
        // a renamed package would silently drop out of a rule: every named one must still hold classes
        for (String pkg : Stream.of(DECIDING, API_ADAPTERS, SEQUENCE, ENTRY_POINTS, SIMULATION).flatMap(List::stream).toList()) {
            assertThat(PRODUCT.stream().anyMatch(c -> c.getPackageName().startsWith(ROOT + "." + pkg))).as(pkg).isTrue();
        }
        assertThat(PRODUCT.stream().anyMatch(c -> c.getPackageName().equals(ROOT))).as("the root package").isTrue();
    }

    @SafeVarargs
    private static String[] packages(List<String>... sets) {
        return Arrays.stream(sets).flatMap(List::stream).map(p -> ROOT + "." + p + "..").toArray(String[]::new);
    }

    private static DescribedPredicate<JavaClass> nameIn(List<String> names) {
        return DescribedPredicate.describe("named one of " + names, c -> names.contains(c.getName()));
    }
}
