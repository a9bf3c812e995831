package dev.happypath.rebalancer.cli;

import dev.happypath.rebalancer.InvalidInputException;
import dev.happypath.rebalancer.cluster.ClusterReader;
import dev.happypath.rebalancer.init.ClusterHealth;
import dev.happypath.rebalancer.init.HappyPathProposer;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import io.fabric8.kubernetes.client.KubernetesClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "init", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class, description = {
        "Proposes a Happy Path (a commented rebalancer.yaml) from a healthy cluster:",
        "workers and lifeboats, one rule per workload with its home, the separations",
        "its pods declare. Reads the cluster of the current kube context, or a dump.",
        "Refuses (exit 2) while a node is down, cordoned or unreachable: it would",
        "learn the outage. Changes nothing in the cluster."})
final class InitCommand implements Callable<Integer> {

    @Option(names = "--snapshot", paramLabel = "FILE",
            description = "kubectl dump of nodes, pods, pdb, pvc, pv ('-': standard input), not the live cluster.")
    String snapshot;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the configuration to FILE (default: standard output).")
    Path output;

    @Option(names = "--force", description = "Propose even while nodes are degraded (the file says which, at its top).")
    boolean force;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    LogOptions logs;

    private final Cli cli;

    InitCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        String source;
        ClusterSnapshot read;
        if (snapshot == null) {
            try (KubernetesClient client = cli.connect(cluster)) {
                source = "the cluster at " + client.getMasterUrl();
                read = new ClusterReader(client, cli.clock()).read();
            }
        } else {
            // judged at the clock's now, not as of the dump: init asks whether the cluster is healthy to learn from
            Path file = Path.of(snapshot);
            source = SnapshotInput.isStdin(file) ? SnapshotInput.STDIN_NAME : snapshot;
            read = SnapshotInput.read(cli, file, cli.clock().instant());
        }
        List<String> degraded = ClusterHealth.degradedNodes(read);
        if (!degraded.isEmpty() && !force) {
            throw InvalidInputException.at(source, null, "the cluster is degraded: " + String.join("; ", degraded)
                    + ". init would learn where the outage put the pods as their Happy Path: run it when every node is Ready and "
                    + "schedulable, or give --force");
        }
        HappyPathProposer.Proposal proposal = HappyPathProposer.propose(read, source, degraded);
        if (output == null) {
            cli.out().print(proposal.yaml());
            cli.out().flush();
        } else {
            try {
                Files.writeString(output, proposal.yaml(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw InvalidInputException.at(output.toString(), null, "cannot be written: " + e.getMessage());
            }
        }
        for (String w : proposal.warnings()) {
            cli.err().println("warning: " + w);
        }
        if (!degraded.isEmpty()) {
            cli.err().println("warning: --force: proposed from a degraded cluster (" + String.join("; ", degraded) + ")");
        }
        cli.err().println("init: " + proposal.rules() + " workload rules, " + proposal.separations() + " separations"
                + (proposal.proposedSeparations() == 0 ? "" : " (" + proposal.proposedSeparations() + " more proposed, commented out)")
                + " from " + source + (output == null ? "" : "; written to " + output)
                + ". Read it, then: plan --config FILE --snapshot DUMP, or run --dry-run --config FILE");
        return ExitCode.OK;
    }
}
