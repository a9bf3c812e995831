package dev.happypath.rebalancer.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real kubectl, as an independent client of the in-process API. Tests that use it are skipped (a JUnit
 * assumption, not a disabled test) on machines that do not have it.
 */
public final class Kubectl {

    private final Path binary;
    private final Path kubeconfig;
    private final Path cacheDir;

    private Kubectl(Path binary, Path kubeconfig, Path cacheDir) {
        this.binary = binary;
        this.kubeconfig = kubeconfig;
        this.cacheDir = cacheDir;
    }

    /** kubectl pointed at {@code kubeconfig}; the test is skipped when kubectl is not installed. */
    public static Kubectl against(Path kubeconfig, Path workDir) {
        Path found = find();
        Assumptions.assumeTrue(found != null, "kubectl is not installed on this machine");
        return new Kubectl(found, kubeconfig, workDir.resolve("kubectl-cache"));
    }

    private static Path find() {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.add("/usr/bin");
        dirs.add("/usr/local/bin");
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, "kubectl");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** What kubectl printed and returned. */
    public record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    /** A kubectl that keeps running ({@code get -w}): what it has printed so far, and a way to stop it. */
    public static final class Running implements AutoCloseable {
        private final Process process;
        private final Path out;

        private Running(Process process, Path out) {
            this.process = process;
            this.out = out;
        }

        public String out() {
            try {
                return Files.readString(out, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        public boolean alive() {
            return process.isAlive();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** Starts kubectl without waiting for it (stdout and stderr together, as a terminal shows them). */
    public Running start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--kubeconfig", kubeconfig.toString(),
                "--cache-dir", cacheDir.toString()));
        command.addAll(List.of(args));
        Files.createDirectories(cacheDir);
        Path out = Files.createTempFile(cacheDir.getParent(), "kubectl-running", ".txt");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        return new Running(p, out);
    }

    public Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--kubeconfig", kubeconfig.toString(),
                "--cache-dir", cacheDir.toString(), "--request-timeout", "20s"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(cacheDir.getParent(), "kubectl-out", ".txt");
        Path err = Files.createTempFile(cacheDir.getParent(), "kubectl-err", ".txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish within 60 s");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
