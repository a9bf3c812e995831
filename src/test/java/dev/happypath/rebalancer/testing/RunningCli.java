package dev.happypath.rebalancer.testing;

import dev.happypath.rebalancer.cli.Cli;
import dev.happypath.rebalancer.execute.Sleeper;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The CLI running in the background against a {@link LiveCluster} with the real clock (a daemon, a run
 * waiting for the gate), stopped as SIGTERM would stop it.
 */
public final class RunningCli implements AutoCloseable {

    private final Cli cli;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CompletableFuture<Integer> exit;

    private RunningCli(LiveCluster cluster, Sleeper sleeper, String... args) {
        // without a cluster: the command connects as in production (its --kubeconfig, $KUBECONFIG, ...)
        this.cli = new Cli(new PrintWriter(out, true), new PrintWriter(err, true), Clock.systemUTC(), sleeper,
                cluster == null ? null : options -> cluster.connect());
        this.exit = CompletableFuture.supplyAsync(() -> cli.execute(args), r -> {
            Thread t = new Thread(r, "cli-" + args[0]);
            t.setDaemon(true);
            t.start();
        });
    }

    public static RunningCli start(LiveCluster cluster, String... args) {
        return new RunningCli(cluster, Sleeper.REAL, args);
    }

    /** With the executor's waits between eviction retries made by {@code sleeper}. */
    public static RunningCli start(LiveCluster cluster, Sleeper sleeper, String... args) {
        return new RunningCli(cluster, sleeper, args);
    }

    /** A command that connects as in production, from its own --kubeconfig. */
    public static RunningCli startConnectingItself(String... args) {
        return new RunningCli(null, Sleeper.REAL, args);
    }

    /** SIGTERM: asks the command to stop and waits for its exit code. */
    public int stop(Duration max) {
        cli.shutdown().request();
        return exitCode(max);
    }

    public int exitCode(Duration max) {
        try {
            return exit.get(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("the command did not exit within " + max.toMillis() + " ms\n" + this, e);
        }
    }

    public boolean exited() {
        return exit.isDone();
    }

    public synchronized String out() {
        return out.toString();
    }

    public synchronized String err() {
        return err.toString();
    }

    /** A port nothing listens on now (for --metrics-port). */
    public static int freePort() {
        // Outside the range the kernel hands out to port 0: a port taken from it, then freed, can be handed
        // out again to the next server bound to port 0 (the test's own API server, started after this), and
        // the command then finds its port taken while the test talks to that server instead.
        int[] ephemeral = ephemeralPorts();
        boolean below = ephemeral[0] - 1 - LOWEST_PORT >= 1000;
        int from = below ? LOWEST_PORT : ephemeral[1] + 1;
        int to = below ? ephemeral[0] - 1 : 65535;
        if (to - from < 1000) {
            // no room outside it: any port the kernel gives
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        for (int tries = 0; tries < 100; tries++) {
            int port = java.util.concurrent.ThreadLocalRandom.current().nextInt(from, to + 1);
            if (!HANDED_OUT.add(port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket(port)) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // another process has it: try another
            }
        }
        throw new IllegalStateException("no free port in " + from + "-" + to + " after 100 tries");
    }

    private static final int LOWEST_PORT = 10_000;
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** The kernel's range for port 0 (Linux: /proc/sys/net/ipv4/ip_local_port_range), or its default. */
    private static int[] ephemeralPorts() {
        try {
            String[] range = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
            return new int[]{Integer.parseInt(range[0]), Integer.parseInt(range[1])};
        } catch (IOException | RuntimeException e) {
            return new int[]{32768, 60999};
        }
    }

    @Override
    public void close() {
        if (!exit.isDone()) {
            stop(Duration.ofSeconds(30));
        }
    }

    @Override
    public String toString() {
        return "stdout:\n" + out() + "\nstderr:\n" + err();
    }
}
