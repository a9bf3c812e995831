package dev.happypath.rebalancer.sim.demo;

import dev.happypath.rebalancer.InvalidInputException;
import dev.happypath.rebalancer.cli.ExitCode;
import dev.happypath.rebalancer.sim.cluster.Simulation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Callable;

@Command(name = "demo", mixinStandardHelpOptions = true, description = {
        "Plays a failure and recovery of the IDP Blueprint on a cluster simulated in this JVM (no cluster needed),",
        "with the real rebalancer running live against it. Time runs about a hundred times faster.",
        "With --serve, stops where the rebalancer is needed and keeps the cluster up for kubectl and run."})
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--scenario", paramLabel = "NAME", defaultValue = "worker-down",
            description = "The story to play (default: ${DEFAULT-VALUE}); --list names them.")
    String scenario;

    @Option(names = "--list", description = "Name the scenarios and what each shows.")
    boolean list;

    @Option(names = "--serve", description = "Play the scenario up to the gate opening, then keep its API up (Ctrl-C stops it).")
    boolean serve;

    @Option(names = "--kubeconfig-file", paramLabel = "FILE", description = "Where --serve writes the kubeconfig "
            + "(default: <temp dir>/happypath-demo/kubeconfig).")
    Path kubeconfigFile;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private Story.Ending ending;
    private final CountDownLatch stop = new CountDownLatch(1);

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
        if (kubeconfigFile != null && !serve) {
            throw InvalidInputException.at(null, "--kubeconfig-file", "only means something with --serve");
        }
        if (serve) {
            return serve(chosen, out);
        }
        try (QuietPassLogs quiet = QuietPassLogs.unlessAsked()) {
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

    private int serve(DemoScenario chosen, PrintWriter out) {
        Path kubeconfig = kubeconfigFile != null ? kubeconfigFile
                : Path.of(System.getProperty("java.io.tmpdir"), "happypath-demo", "kubeconfig");
        CountDownLatch stopped = new CountDownLatch(1);
        // Ctrl-C or SIGTERM: the JVM runs this hook; it lets the serving thread close everything first
        Thread hook = new Thread(() -> {
            stop();
            try {
                stopped.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "demo-serve-shutdown");
        try (DemoServer server = DemoServer.start(chosen, kubeconfig, out)) {
            server.printInstructions(out, jarPath());
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                stop.await();
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is what stopped us
                }
            }
            out.println("Stopping: the cluster is gone, and so is " + kubeconfig + ".");
            out.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
        }
        return ExitCode.OK;
    }

    /** Ends --serve (what Ctrl-C and SIGTERM do, through the shutdown hook). */
    void stop() {
        stop.countDown();
    }

    /** How to call this jar from here: its path when run from one, else where the build puts it. */
    static String jarPath() {
        try {
            Path jar = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (jar.toString().endsWith(".jar")) {
                Path cwd = Path.of("").toAbsolutePath();
                return jar.startsWith(cwd) ? cwd.relativize(jar).toString() : jar.toString();
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // fall through
        }
        return "target/happypath-rebalancer.jar";
    }
}
