package dev.happypath.rebalancer.report;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.happypath.rebalancer.cluster.SnapshotFile;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.config.HappyPathLoader;
import dev.happypath.rebalancer.ledger.Ledger;
import dev.happypath.rebalancer.plan.Decision;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The report is written to its stream as it is serialised, not built as one String first (a large
 * cluster's JSON report runs to a hundred MB): the text must be exactly what rendering it whole gave,
 * and the caller's stream (stdout) must stay open.
 */
class ReportWriterTest {

    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

    /** The rendering before streaming, kept as the oracle. */
    private static String renderedWhole(Report report, ReportFormat format) throws Exception {
        return switch (format) {
            case json -> JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValueAsString(report)
                    + System.lineSeparator();
            case yaml -> YAMLMapper.builder()
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .build().writeValueAsString(report);
            case table -> ReportTable.render(report);
            case jsonl -> JsonMapper.builder().build().writeValueAsString(report) + "\n";
            case wide -> ReportTable.render(report, 100, true);
        };
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"idp-green", "idp-colocated", "idp-lifeboat-after-recovery", "idp-pdb-blocked", "idp-pv-pinned",
            "idp-worker-down", "idp-worker-not-stable"})
    void aStreamedReportIsTheWholeRenderingAndLeavesTheStreamOpen(String example) throws Exception {
        HappyPath happyPath = HappyPathLoader.loadBuiltIn();
        ClusterSnapshot snapshot = SnapshotFile.read(Path.of("config/examples", example + ".yaml"), NOW);
        Decision d = Decision.decide(snapshot, happyPath, Ledger.EMPTY, NOW);
        for (boolean explain : new boolean[]{false, true}) {
            Report report = ReportBuilder.build(true, NOW, "0000000", happyPath, snapshot, d.comparison(), d.gate(), d.plan().moves(), explain);
            for (ReportFormat format : ReportFormat.values()) {
                ClosingWatch out = new ClosingWatch();
                ReportWriter.write(report, format, out);
                assertThat(out.closed).as("%s %s closed the caller's stream", example, format).isFalse();
                assertThat(out.toString()).as("%s %s explain=%s", example, format, explain).isEqualTo(renderedWhole(report, format));
                assertThat(ReportWriter.render(report, format)).isEqualTo(out.toString());
            }
        }
    }

    private static final class ClosingWatch extends StringWriter {
        boolean closed;

        @Override
        public void close() {
            closed = true;
        }
    }
}
