package dev.happypath.rebalancer.cli;

import dev.happypath.rebalancer.config.HappyPath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/**
 * Validates a configuration alone, with no cluster or dump (as {@code promtool check config} does): for
 * CI, or before a ConfigMap is applied. Whether it fits a cluster (its selectors match nodes) needs the
 * cluster: plan or run --dry-run say that.
 */
@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class, description = {
        "Validates a Happy Path configuration without a cluster or a dump: exit 0 when valid, 2 with one line naming",
        "the file, the key and what was expected when not. Whether it fits a cluster is for plan or run --dry-run."})
final class CheckCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    private final Cli cli;

    CheckCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        HappyPath happyPath = config.load();
        cli.out().println(happyPath.source() + ": valid (" + happyPath.workloads().size() + " workload rule(s), "
                + happyPath.separations().size() + " separation rule(s), gate.stableFor " + dev.happypath.rebalancer.config.ConfigNode.format(happyPath.stableFor()) + ")");
        cli.out().flush();
        return ExitCode.OK;
    }
}
