package dev.happypath.rebalancer.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** What is running: this build, the Java runtime and the Kubernetes client, for a bug report. */
@Command(name = "version", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Prints the rebalancer's version (from the jar's manifest), the Java runtime's and the fabric8 Kubernetes client's.")
final class VersionCommand implements Callable<Integer> {

    private final Cli cli;

    VersionCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        for (String line : Cli.Version.lines()) {
            cli.out().println(line);
        }
        cli.out().flush();
        return ExitCode.OK;
    }
}
