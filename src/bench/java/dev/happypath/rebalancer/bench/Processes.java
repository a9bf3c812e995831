package dev.happypath.rebalancer.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a command as a separate process and measures it: wall time from start to exit, as the harness
 * sees it, and peak RSS (GNU time's maximum resident set size of the process; where /usr/bin/time is
 * missing, VmHWM sampled from /proc every few milliseconds, which can miss a last peak and says so).
 */
final class Processes {

    /** One run: wall seconds, peak RSS in KiB, CPU seconds (user + system; NaN when unknown), exit code, where its output went. */
    record Sample(double wallSeconds, long peakRssKib, double cpuSeconds, int exitCode, Path stdout, Path stderr) {

        String out() {
            return read(stdout);
        }

        String err() {
            return read(stderr);
        }
    }

    static final boolean GNU_TIME = Files.isExecutable(Path.of("/usr/bin/time"));

    /** How peak RSS is measured, for the table's notes. */
    static String rssMethod() {
        return GNU_TIME ? "GNU time %M (max RSS of the process)" : "VmHWM sampled every 2 ms from /proc (may miss the last peak)";
    }

    private final Path dir;
    private int counter;

    Processes(Path dir) {
        this.dir = dir;
    }

    Sample run(List<String> command) {
        return run(command, java.util.Map.of());
    }

    /** As {@link #run(List)}, with these environment variables set beside the harness's own (a null value removes one). */
    Sample run(List<String> command, java.util.Map<String, String> environment) {
        int n = counter++;
        Path out = dir.resolve("run-" + n + ".out");
        Path err = dir.resolve("run-" + n + ".err");
        Path rss = dir.resolve("run-" + n + ".rss");
        List<String> cmd = new ArrayList<>();
        if (GNU_TIME) {
            cmd.addAll(List.of("/usr/bin/time", "-f", "%M %U %S", "-o", rss.toString()));
        }
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        environment.forEach((name, value) -> {
            if (value == null) {
                pb.environment().remove(name);
            } else {
                pb.environment().put(name, value);
            }
        });
        try {
            long start = System.nanoTime();
            Process p = pb.start();
            long sampled = 0;
            if (!GNU_TIME) {
                Path status = Path.of("/proc/" + p.pid() + "/status");
                while (p.isAlive()) {
                    sampled = Math.max(sampled, vmHwm(status));
                    Thread.sleep(2);
                }
            }
            int code = p.waitFor();
            double wall = (System.nanoTime() - start) / 1e9;
            long peak = sampled;
            double cpu = Double.NaN;
            if (GNU_TIME) {
                String[] f = lastLine(read(rss)).split(" ");
                peak = Long.parseLong(f[0]);
                cpu = Double.parseDouble(f[1]) + Double.parseDouble(f[2]);
            }
            return new Sample(wall, peak, cpu, code, out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long vmHwm(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process is gone between two samples
        }
        return 0;
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1].strip();
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
