package dev.happypath.rebalancer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.happypath.rebalancer.advice.Advice;
import dev.happypath.rebalancer.advice.Advisor;
import dev.happypath.rebalancer.cluster.ClusterReader;
import dev.happypath.rebalancer.cluster.SnapshotFile;
import dev.happypath.rebalancer.compare.HappyPathComparer;
import dev.happypath.rebalancer.config.ClusterFit;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.report.ReportFormat;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import io.fabric8.kubernetes.client.KubernetesClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "advise", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class, description = {
        "Prints, for every workload whose home the scheduler would not choose by itself, the smallest change",
        "that makes the Happy Path self-healing (verified by predicting again with the change applied).",
        "Reads the current cluster, or a kubectl dump with --snapshot. Changes nothing."})
final class AdviseCommand implements Callable<Integer> {

    @Option(names = "--snapshot", paramLabel = "FILE", description = "Advise from a kubectl dump instead of the cluster; '-' reads it from stdin.")
    Path snapshot;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    ReportFormat output;

    @Mixin
    ConfigOption config;

    @Mixin
    ClusterOptions cluster;

    private final Cli cli;

    AdviseCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        HappyPath happyPath = config.load();
        ClusterSnapshot s;
        if (snapshot != null) {
            s = SnapshotInput.read(cli, snapshot, cli.clock().instant());
        } else {
            try (KubernetesClient client = cli.connect(cluster)) {
                s = new ClusterReader(client, cli.clock(), cli.listChunkSize()).read();
            }
        }
        ClusterFit.check(happyPath, s);
        List<Advice> advice = Advisor.advise(s, happyPath, HappyPathComparer.compare(s, happyPath));
        cli.out().print(render(advice, output));
        cli.out().flush();
        return ExitCode.OK;
    }

    static String render(List<Advice> advice, ReportFormat format) {
        try {
            return switch (format) {
                case json -> new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(Map.of("advice", advice)) + "\n";
                case jsonl -> new ObjectMapper().writeValueAsString(Map.of("advice", advice)) + "\n";
                case yaml -> YAMLMapper.builder().enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                        .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE).build().writeValueAsString(Map.of("advice", advice));
                case table, wide -> table(advice);
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String table(List<Advice> advice) {
        if (advice.isEmpty()) {
            return "The scheduler already chooses every workload's home by itself: no advice.\n";
        }
        StringBuilder b = new StringBuilder();
        for (Advice a : advice) {
            b.append(a.workload()).append("  [").append(a.kind()).append(a.verified() ? ", verified" : ", NOT verified").append("]\n");
            b.append("  ").append(a.why()).append('\n');
            // a snippet the prediction showed not to work is printed commented out: pasting it by mistake does nothing
            String comment = a.verified() ? "" : "# ";
            if (!a.verified() && !a.snippet().isBlank()) {
                b.append("  # tried, and the prediction says it does not work:\n");
            }
            for (String line : a.snippet().split("\n")) {
                b.append("  ").append(line.isBlank() ? "" : comment).append(line).append('\n');
            }
            b.append('\n');
        }
        return b.toString();
    }
}
