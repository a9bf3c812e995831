package dev.happypath.rebalancer.report;

import dev.happypath.rebalancer.cluster.SnapshotFile;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.config.HappyPathLoader;
import dev.happypath.rebalancer.ledger.Ledger;
import dev.happypath.rebalancer.plan.Decision;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The report for people fits the terminal: every example dump's report, with and without --explain, at
 * the default 100 columns and at COLUMNS 80 and 160, has no longer line; nothing is cut on the way (every
 * detail of every move is there once the wrapped lines are joined); -o wide keeps one line per move.
 */
class ReportWidthTest {

    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    private static final List<String> EXAMPLES = List.of("idp-green", "idp-colocated", "idp-lifeboat-after-recovery", "idp-pdb-blocked",
            "idp-pv-pinned", "idp-worker-down", "idp-worker-not-stable");

    static Report report(String example, boolean explain) {
        HappyPath happyPath = HappyPathLoader.loadBuiltIn();
        ClusterSnapshot snapshot = SnapshotFile.read(Path.of("config/examples", example + ".yaml"), NOW);
        Decision d = Decision.decide(snapshot, happyPath, Ledger.EMPTY, NOW);
        return ReportBuilder.build(true, NOW, "0000000", happyPath, snapshot, d.comparison(), d.gate(), d.plan().moves(), explain);
    }

    static Stream<Arguments> examplesAtWidths() {
        List<Arguments> cases = new ArrayList<>();
        for (String example : EXAMPLES) {
            for (int width : new int[]{100, 80, 160}) {
                cases.add(Arguments.of(example, width));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} at {1} columns")
    @MethodSource("examplesAtWidths")
    void noLineIsWiderThanTheTerminalAndNoDetailIsLost(String example, int width) {
        for (boolean explain : new boolean[]{false, true}) {
            Report r = report(example, explain);
            String text = ReportTable.render(r, width, false);
            for (String line : text.split("\n")) {
                assertThat(line.length()).as("%s explain=%s at %d: %s", example, explain, width, line).isLessThanOrEqualTo(width);
            }
            Map<String, String> names = TextLayout.shortNodeNames(r.nodes().stream().map(Report.NodeView::name).toList());
            String joined = text.replaceAll("\n +", " ");
            for (Report.MoveView m : r.moves()) {
                for (String d : m.details()) {
                    assertThat(joined).as("%s at %d keeps the detail", example, width).contains(TextLayout.shorten(d, names));
                }
            }
        }
    }

    @Test
    void atTheDefaultWidthTheExamplesNeededWrappingBefore() {
        // the oracle that the test above can fail: wide, the same reports run past 100 columns
        int widest = 0;
        for (String example : EXAMPLES) {
            for (String line : ReportTable.render(report(example, true), 100, true).split("\n")) {
                widest = Math.max(widest, line.length());
            }
        }
        assertThat(widest).isGreaterThan(150);
    }

    @Test
    void wideKeepsFullNamesAndEveryMoveOnOneLine() {
        Report r = report("idp-colocated", false);
        String text = ReportTable.render(r, 100, true);
        List<String> moveLines = text.lines().filter(l -> l.matches("  \\d+\\. .*")).toList();
        assertThat(moveLines).hasSize(r.moves().size());
        for (int i = 0; i < r.moves().size(); i++) {
            Report.MoveView m = r.moves().get(i);
            assertThat(moveLines.get(i)).contains(m.namespace() + "/" + m.pod(), m.from(), "[" + m.reason() + "]");
            String line = moveLines.get(i);
            m.details().forEach(d -> assertThat(line).contains(d));
        }
        assertThat(text).doesNotContain("Nodes named without the prefix");
    }

    @Test
    void nodesLoseThePrefixTheyAllShare() {
        String text = ReportTable.render(report("idp-lifeboat-after-recovery", false), 100, false);
        assertThat(text).contains("Nodes named without the prefix they share, k3d-idp-demo-")
                .contains("1. PLANNED  argocd/argocd-application-controller-0  server-0 -> agent-0  [LIFEBOATED]")
                .doesNotContain("k3d-idp-demo-agent-0 ");
    }

    @Test
    void aSharedPrefixEndsAtADashAndLeavesEveryNameSomething() {
        assertThat(TextLayout.commonPrefix(List.of("k3d-idp-demo-server-0", "k3d-idp-demo-agent-0", "k3d-idp-demo-agent-1"))).isEqualTo("k3d-idp-demo-");
        assertThat(TextLayout.commonPrefix(List.of("node-1", "node-10"))).isEqualTo("node-");
        assertThat(TextLayout.commonPrefix(List.of("worker-a", "worker"))).as("'worker' would be left empty").isEmpty();
        assertThat(TextLayout.commonPrefix(List.of("alpha", "beta"))).isEmpty();
        assertThat(TextLayout.commonPrefix(List.of("k3d-one-node"))).as("a single node keeps its name").isEmpty();
        assertThat(TextLayout.shorten("on node-1 and node-10", TextLayout.shortNodeNames(List.of("node-1", "node-10")))).isEqualTo("on 1 and 10");
    }

    @Test
    void wrappingBreaksAtSpacesThenAfterDashesAndKeepsTheHangingIndent() {
        assertThat(TextLayout.wrap("one two three four", 10, "", "  ")).isEqualTo("one two\n  three\n  four\n");
        assertThat(TextLayout.wrap("observability/kube-prometheus-stack-operator", 20, "- ", "  "))
                .isEqualTo("- observability/\n  kube-prometheus-\n  stack-operator\n");
        assertThat(TextLayout.wrap("a" + TextLayout.KEEP + "->" + TextLayout.KEEP + "b c", 6, "", "")).isEqualTo("a -> b\nc\n");
    }

    @Test
    void columnsIsHonouredWhenItIsASaneWidth() {
        assertThat(ReportWriter.width(null)).isEqualTo(100);
        assertThat(ReportWriter.width("160")).isEqualTo(160);
        assertThat(ReportWriter.width("80")).isEqualTo(80);
        assertThat(ReportWriter.width("20")).as("too narrow for a table: the default").isEqualTo(100);
        assertThat(ReportWriter.width("wide")).isEqualTo(100);
    }
}
