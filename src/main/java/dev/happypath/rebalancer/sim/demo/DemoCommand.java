package dev.happypath.rebalancer.sim.demo;

import dev.happypath.rebalancer.InvalidInputException;
import dev.happypath.rebalancer.cli.ExitCode;
import dev.happypath.rebalancer.sim.cluster.Simulation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "demo", mixinStandardHelpOptions = true, description = {
        "Plays a failure and recovery of the IDP Blueprint on a cluster simulated in this JVM (no cluster needed),",
        "with the real rebalancer running live against it. Time runs about a hundred times faster."})
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--scenario", paramLabel = "NAME", defaultValue = "worker-down",
            description = "The story to play (default: ${DEFAULT-VALUE}); --list names them.")
    String scenario;

    @Option(names = "--list", description = "Name the scenarios and what each shows.")
    boolean list;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private Story.Ending ending;

    /** How the last story ended (null before one was played). */
    Story.Ending ending() {
        return ending;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (list) {
            for (DemoScenario s : DemoScenario.ALL) {
                out.printf("%-18s %s%n", s.name(), s.title());
            }
            out.flush();
            return ExitCode.OK;
        }
        DemoScenario chosen = DemoScenario.named(scenario).orElseThrow(() -> InvalidInputException.at(null, "--scenario",
                "no scenario named '" + scenario + "' (known: " + DemoScenario.names() + ")"));
        try (QuietExecutorLogs quiet = QuietExecutorLogs.unlessAsked()) {
            try (Story story = new Story(chosen, out, Simulation.Timings.DEMO, java.time.Instant.now())) {
                ending = story.play();
            }
        }
        if (!ending.asExpected()) {
            spec.commandLine().getErr().println("error: the demo did not end as it should: " + ending.verdict());
            return ExitCode.RUNTIME_FAILURE;
        }
        return ExitCode.OK;
    }
}
