package dev.happypath.rebalancer.init;

import dev.happypath.rebalancer.cluster.SnapshotFile;
import dev.happypath.rebalancer.config.ClusterFit;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.config.HappyPathLoader;
import dev.happypath.rebalancer.ledger.Ledger;
import dev.happypath.rebalancer.plan.Decision;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * init on the IDP Blueprint's green dump, then plan on every example dump: the proposal makes the moves the
 * built-in Happy Path makes. Where it cannot, it is for what a snapshot cannot show, each named here and marked
 * "decide:" (or explained at the top) in the proposal; once a person makes those decisions as the comments say,
 * the moves are the built-in's exactly, drift reasons and order included.
 */
class RoundTripTest {

    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    private static final String PROMETHEUS = "observability/prometheus-kube-prometheus-stack-prometheus-0";

    private static String proposal;
    /** Each dump read once: a snapshot is immutable. */
    private static final java.util.Map<String, ClusterSnapshot> DUMPS = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeAll
    static void proposeFromGreen() {
        ClusterSnapshot green = SnapshotFile.read(Path.of("config/examples/idp-green.yaml"), NOW);
        proposal = HappyPathProposer.propose(green, "config/examples/idp-green.yaml", List.of()).yaml();
    }

    static Stream<String> examples() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("config/examples"))) {
            List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList();
            assertThat(names).as("the example dumps").hasSizeGreaterThanOrEqualTo(7);
            return names.stream();
        }
    }

    /** pod, outcome, code, target: what a move is; the drift reason and the order are compared where noted. */
    private static List<String> moves(String example, HappyPath happyPath, boolean withReasons) {
        ClusterSnapshot s = DUMPS.computeIfAbsent(example, e -> SnapshotFile.read(Path.of("config/examples/" + e), NOW));
        ClusterFit.check(happyPath, s);
        Decision d = Decision.decide(s, happyPath, Ledger.EMPTY, NOW);
        List<String> out = new ArrayList<>();
        d.plan().moves().forEach(m -> out.add(m.pod().key() + " " + m.outcome() + " " + m.code() + " -> " + m.target()
                + (withReasons ? " [" + m.reason() + "]" : "")));
        return out;
    }

    private static HappyPath load(String yaml) {
        return HappyPathLoader.parse("init's proposal", yaml.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void asProposedTheMovesAreTheBuiltInsButForWhatASnapshotCannotShow(String example) {
        Set<String> builtIn = new TreeSet<>(moves(example, HappyPathLoader.loadBuiltIn(), false));
        Set<String> proposed = new TreeSet<>(moves(example, load(proposal), false));

        Set<String> onlyBuiltIn = new TreeSet<>(builtIn);
        onlyBuiltIn.removeAll(proposed);
        Set<String> onlyProposed = new TreeSet<>(proposed);
        onlyProposed.removeAll(builtIn);

        // Prometheus' TSDB is an emptyDir in these two dumps (a PersistentVolume in the green one, so init cannot
        // know it is expendable): the built-in rule says localData: discard, the proposal keeps the data.
        boolean tsdbInEmptyDir = example.equals("idp-colocated.yaml") || example.equals("idp-pdb-blocked.yaml");
        // cert-manager's cainjector and webhook may run anywhere, so the built-in Happy Path has no rule for them;
        // a snapshot shows them on agent-0, and the proposal gives them a home there (the header says to delete
        // the rules of helpers that may live anywhere). They moved only in the worker-down dump.
        boolean helpersMoved = example.equals("idp-worker-down.yaml");

        assertThat(onlyBuiltIn).as("moves the proposal does not make").allMatch(m -> tsdbInEmptyDir && m.startsWith(PROMETHEUS + " "));
        assertThat(onlyProposed).as("moves only the proposal makes").allMatch(m ->
                (tsdbInEmptyDir && m.equals(PROMETHEUS + " SKIPPED LOCAL_DATA -> null"))
                        || (helpersMoved && m.startsWith("cert-manager/cert-manager-cainjector-") || helpersMoved && m.startsWith("cert-manager/cert-manager-webhook-")));
        if (tsdbInEmptyDir) {
            assertThat(onlyProposed).as("the one difference in %s", example).containsExactly(PROMETHEUS + " SKIPPED LOCAL_DATA -> null");
        }
        if (helpersMoved) {
            assertThat(onlyProposed).hasSize(2).allMatch(m -> m.contains(" DEFERRED GATE_CLOSED "));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void withThePersonsDecisionsTheMovesAreTheBuiltInsExactly(String example) {
        assertThat(moves(example, load(decided()), true)).isEqualTo(moves(example, HappyPathLoader.loadBuiltIn(), true));
    }

    /**
     * The proposal, with the decisions its comments ask for made as the built-in Happy Path makes them: the
     * proposed Prometheus/Loki separation uncommented, Prometheus' local data declared expendable, and the rules
     * of the two cert-manager helpers that may run anywhere deleted.
     */
    private static String decided() {
        String y = proposal;
        y = replaceOnce(y, "# separations:\n", "separations:\n");
        y = replaceOnce(y, "  # - workloads: [loki, prometheus-kube-prometheus-stack-prometheus]\n",
                "  - workloads: [loki, prometheus-kube-prometheus-stack-prometheus]\n");
        y = replaceOnce(y, "    selector: { matchLabels: { app.kubernetes.io/name: prometheus } }\n    home: { worker: { matchLabels: { role: infra } } }\n",
                "    selector: { matchLabels: { app.kubernetes.io/name: prometheus } }\n    home: { worker: { matchLabels: { role: infra } } }\n    localData: discard\n");
        for (String helper : List.of("cert-manager-cainjector", "cert-manager-webhook")) {
            int at = y.indexOf("  - name: " + helper + "\n");
            assertThat(at).as("the proposal has a rule for " + helper).isPositive();
            int end = y.indexOf("    home: ", at);
            end = y.indexOf('\n', end) + 1;
            y = y.substring(0, at) + y.substring(end);
        }
        return y;
    }

    private static String replaceOnce(String text, String what, String with) {
        assertThat(text).as("the proposal holds the line to edit: " + what.strip()).contains(what);
        return text.replace(what, with);
    }

    @Test
    void theProposalMarksWhatAPersonMustDecide() {
        assertThat(proposal)
                .contains("# - workloads: [loki, prometheus-kube-prometheus-stack-prometheus]")
                .contains("localData: discard")
                .contains("delete the rules of those that may live on any node");
        // and, undecided, it keeps every safety default: no rule discards local data, no separation is invented
        assertThat(load(proposal).workloads()).allMatch(r -> r.localData() == dev.happypath.rebalancer.config.WorkloadRule.LocalData.KEEP);
        assertThat(load(proposal).separations()).isEmpty();
    }
}
