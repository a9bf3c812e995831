package dev.happypath.rebalancer.cli;

import dev.happypath.rebalancer.InvalidInputException;
import dev.happypath.rebalancer.OutOfMemory;
import dev.happypath.rebalancer.RuntimeFailure;
import dev.happypath.rebalancer.cluster.ClusterReader;
import dev.happypath.rebalancer.cluster.KubernetesClients;
import dev.happypath.rebalancer.cluster.KubernetesEvents;
import dev.happypath.rebalancer.cluster.KubernetesLease;
import dev.happypath.rebalancer.cluster.LedgerConfigMap;
import dev.happypath.rebalancer.cluster.NodeWatch;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.cluster.ApiEvictions;
import dev.happypath.rebalancer.execute.Sleeper;
import dev.happypath.rebalancer.pass.NodeChanges;
import dev.happypath.rebalancer.pass.Pass;
import dev.happypath.rebalancer.plan.Move;
import dev.happypath.rebalancer.plan.Outcome;
import dev.happypath.rebalancer.report.Report;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;

/**
 * The command line: option parsing, wiring (the pass's ports on a cluster), the shared end of every pass,
 * and the mapping of failures to exit codes. Collaborators that touch the outside (clock, sleeping, the
 * cluster connection) can be replaced by tests.
 */
public final class Cli {

    private static final Logger LOG = LoggerFactory.getLogger(Cli.class);
    /**
     * The demo runs on the cluster simulation, which no product package may import (ArchitectureTest):
     * it is found by name, so the product compiles and runs without it.
     */
    private static final String DEMO_COMMAND = "dev.happypath.rebalancer.sim.demo.DemoCommand";

    /** The commands, in the order the help lists them (the demo and help follow). */
    static final List<Class<?>> COMMANDS = List.of(PlanCommand.class, RunCommand.class, DaemonCommand.class, AdviseCommand.class,
            InitCommand.class, CheckCommand.class, VersionCommand.class, CompletionCommand.class);

    /** Commands whose model is built alone when they come first: each reads only its own options. */
    static final java.util.Set<String> BUILT_ALONE = java.util.Set.of("plan", "run", "daemon", "advise", "init", "check");

    private final PrintWriter out;
    private final PrintWriter err;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Function<ClusterOptions, KubernetesClient> connector;
    private final Shutdown shutdown = new Shutdown();
    private java.io.InputStream in = System.in;
    private int listChunkSize = ClusterReader.DEFAULT_CHUNK_SIZE;

    public Cli(PrintWriter out, PrintWriter err, Clock clock, Sleeper sleeper, Function<ClusterOptionsView, KubernetesClient> connector) {
        this.out = out;
        this.err = err;
        this.clock = clock;
        this.sleeper = sleeper;
        this.connector = connector == null ? ClusterOptions::connect : o -> connector.apply(new ClusterOptionsView(o.kubeconfig, o.context));
    }

    /** Where '--snapshot -' reads the dump from (stdin; a test gives its own). */
    public Cli withStdin(java.io.InputStream stdin) {
        this.in = stdin;
        return this;
    }

    java.io.InputStream in() {
        return in;
    }

    /** What a test sees of --kubeconfig and --context. */
    public record ClusterOptionsView(java.nio.file.Path kubeconfig, String context) {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        Cli cli = new Cli(out, err, Clock.systemUTC(), Sleeper.REAL, null);
        cli.shutdown.installHook(() -> {
            out.flush();
            err.flush();
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        KubernetesClients.stopHttpSelectorThreads();
        cli.shutdown.exiting();
        System.exit(code);
    }

    public int execute(String... args) {
        int code = ExitCode.RUNTIME_FAILURE;
        try {
            code = parseAndRun(args);
            return code;
        } catch (OutOfMemoryError e) {
            // unwound to here, what filled the heap is garbage: there is room for the sentence
            code = outOfMemory(e);
            return code;
        } finally {
            shutdown.finished(code);
        }
    }

    private int parseAndRun(String... args) {
        // every command logs one line per event (--log-format may then switch to JSON)
        LogOptions.use(LogOptions.LogFormat.human);
        CommandLine cmd = new CommandLine(new Root(), new Factory());
        // A pass names its command first: picocli then builds that command's model alone. Building every
        // command's (by reflection over their options) was a tenth of a CronJob pass's CPU. Anything else
        // (help, a mistyped command, completion) gets every command.
        String alone = args.length > 0 && BUILT_ALONE.contains(args[0]) ? args[0] : null;
        for (Class<?> command : COMMANDS) {
            if (alone == null || alone.equals(command.getAnnotation(CommandLine.Command.class).name())) {
                cmd.addSubcommand(command);
            }
        }
        if (alone == null) {
            try {
                cmd.addSubcommand(Class.forName(DEMO_COMMAND));
            } catch (ClassNotFoundException e) {
                LOG.debug("no demo in this build: {}", e.toString());
                cmd.addSubcommand(DemoNotInThisJar.class);
            }
            // last in the help's list of commands, after the demo
            cmd.addSubcommand(new CommandLine.HelpCommand());
        }
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        CommandHelp.listWholeSentences(cmd);
        cmd.setParameterExceptionHandler((ex, a) -> {
            err.println("error: " + ex.getMessage());
            // a mistyped command or option: picocli knows the near ones ("Did you mean: plan?")
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            CommandLine c = ex.getCommandLine();
            err.println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
            return ExitCode.INVALID_INPUT;
        });
        cmd.setExecutionExceptionHandler((ex, c, parsed) -> handle(ex));
        return cmd.execute(args);
    }

    private int handle(Exception ex) {
        if (ex instanceof InvalidInputException) {
            err.println("error: " + ex.getMessage());
            return ExitCode.INVALID_INPUT;
        }
        if (ex instanceof RuntimeFailure) {
            err.println("error: " + ex.getMessage());
            LOG.debug("runtime failure", ex);
            return ExitCode.RUNTIME_FAILURE;
        }
        OutOfMemoryError oom = OutOfMemory.in(ex);
        if (oom != null) {
            // a thread of the HTTP client or a reading ahead ran out, and the pass got its failure
            return outOfMemory(oom);
        }
        err.println("internal error: " + ex + " (a bug: please report it; set HAPPYPATH_LOG_LEVEL=DEBUG for details)");
        LOG.debug("internal error", ex);
        return ExitCode.RUNTIME_FAILURE;
    }

    private int outOfMemory(OutOfMemoryError e) {
        err.println("error: " + OutOfMemory.sentence(e));
        LOG.debug("out of memory", e);
        return ExitCode.RUNTIME_FAILURE;
    }

    /** Stopping on SIGTERM; tests request it directly. */
    public Shutdown shutdown() {
        return shutdown;
    }

    PrintWriter err() {
        return err;
    }

    Clock clock() {
        return clock;
    }

    PrintWriter out() {
        return out;
    }

    Sleeper sleeper() {
        return sleeper;
    }

    KubernetesClient connect(ClusterOptions options) {
        listChunkSize = options.chunkSize();
        return connector.apply(options);
    }

    /** Items per LIST request of the cluster connected last (--chunk-size). */
    int listChunkSize() {
        return listChunkSize;
    }

    /** The pass's ports on a cluster: its Kubernetes adapters. */
    Pass.Ports ports(KubernetesClient client, HappyPath happyPath, LeaseOptions lease) {
        ClusterReader reader = new ClusterReader(client, clock, listChunkSize);
        return new Pass.Ports(reader::read, new ApiEvictions(client, reader), new LedgerConfigMap(client, happyPath.antiFlap()),
                new KubernetesEvents(client), new KubernetesLease(client, lease.namespace(), lease.timing()), clock, sleeper);
    }

    /** The node changes port on a cluster: a watch on the nodes. */
    static NodeChanges nodeChanges(KubernetesClient client) {
        return onChange -> NodeWatch.start(client, onChange)::close;
    }

    /** A short id that names one pass in its report, its log lines and its Events. */
    static String newRunId() {
        return Pass.newRunId();
    }

    /**
     * Writes a pass's report and turns its result into the exit code.
     *
     * @param abort why the pass stopped early on a runtime problem that is no move's failure, or null
     */
    int finish(Report report, List<Move> moves, String abort, ReportOptions options) {
        options.write(report, out);
        if (options.reportFile != null) {
            LOG.info("report written to {}", options.reportFile);
        }
        if (abort != null) {
            err.println("error: the pass stopped: " + abort);
            return ExitCode.RUNTIME_FAILURE;
        }
        if (moves.stream().anyMatch(m -> m.outcome() == Outcome.FAILED)) {
            err.println("error: the pass stopped: a move FAILED (see the report)");
            return ExitCode.RUNTIME_FAILURE;
        }
        if (options.failOnDrift && report.summary().driftRemains()) {
            err.println("drift remains: " + report.summary().offPath() + " pod(s) off the Happy Path (--fail-on-drift)");
            return ExitCode.DRIFT_REMAINS;
        }
        return ExitCode.OK;
    }

    @CommandLine.Command(name = "happypath-rebalancer", mixinStandardHelpOptions = true,
            versionProvider = Version.class,
            description = {"Moves pods back to the Happy Path once a small cluster's workers have recovered:",
                    "safely, one at a time, through the Eviction API."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the pass completed (drift may remain), or was skipped: another rebalancer holds the Lease, "
                    + "--wait-for-gate's deadline passed; the daemon stopped on SIGTERM", "1:runtime failure (API unreachable, unauthorized, a move FAILED, the Lease lost or refused)",
                    "2:invalid input (usage, configuration, snapshot); nothing was touched", "3:drift remains and --fail-on-drift was given"})
    static final class Root implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (plan, run, daemon, advise, check, version, completion, demo)");
        }
    }

    /** Gives every command that declares a constructor taking a {@link Cli} this instance. */
    private final class Factory implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                var constructor = type.getDeclaredConstructor(Cli.class);
                constructor.setAccessible(true);
                return constructor.newInstance(Cli.this);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(type);
            }
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return lines();
        }

        /** This build (the jar manifest's Implementation-Version), the Java runtime, the Kubernetes client. */
        static String[] lines() {
            String v = Cli.class.getPackage().getImplementationVersion();
            return new String[]{"happypath-rebalancer " + (v == null ? "(development build)" : v),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
                            + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")",
                    "fabric8 kubernetes-client " + io.fabric8.kubernetes.client.Version.clientVersion()};
        }
    }
}
