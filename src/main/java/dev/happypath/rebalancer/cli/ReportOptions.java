package dev.happypath.rebalancer.cli;

import dev.happypath.rebalancer.InvalidInputException;
import dev.happypath.rebalancer.report.Report;
import dev.happypath.rebalancer.report.ReportFormat;
import dev.happypath.rebalancer.report.ReportWriter;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where and how the report goes, and whether drift fails the run. */
final class ReportOptions {

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "Report format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). The table fits $COLUMNS "
                    + "(default 100); wide: full node names, one line per move.")
    ReportFormat output;

    @Option(names = "--report-file", paramLabel = "FILE", description = "Write the report to FILE instead of stdout.")
    Path reportFile;

    @Option(names = "--fail-on-drift", description = "Exit 3 when pods remain off the Happy Path after the pass.")
    boolean failOnDrift;

    @Option(names = "--explain", description = "Show, per move, every node's filter verdicts and per-plugin scores.")
    boolean explain;

    /** For the table's header: the instant the pass was judged at and where it comes from, when not the clock's now. */
    String asOf;

    /** Checked before the cluster is touched: a report that cannot be written is invalid input. */
    void checkWritable() {
        if (reportFile != null) {
            Path parent = reportFile.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                throw InvalidInputException.at(reportFile.toString(), "--report-file", "directory " + parent + " does not exist");
            }
        }
    }

    /**
     * The width the table fits: COLUMNS when the shell exports it (a number of at least 60), else 100.
     * A file gets the same: it is read in a terminal too.
     */
    static int width() {
        return ReportWriter.width(System.getenv("COLUMNS"));
    }

    void write(Report report, PrintWriter out) {
        if (reportFile == null) {
            ReportWriter.write(report, output, width(), asOf, out);
            out.flush();
            return;
        }
        try (Writer file = Files.newBufferedWriter(reportFile, StandardCharsets.UTF_8)) {
            ReportWriter.write(report, output, width(), asOf, file);
        } catch (IOException | UncheckedIOException e) {
            throw new dev.happypath.rebalancer.RuntimeFailure("cannot write the report to " + reportFile + ": " + e.getMessage(), e);
        }
    }
}
