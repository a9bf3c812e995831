package dev.happypath.rebalancer.soak;

import java.time.Duration;

/**
 * Many seeds in one JVM, for looking for a failing seed: {@code java -cp ... dev.happypath.rebalancer.soak.SoakSeeds
 * FIRST LAST DAYS}. Prints each run's summary line, and the violations and the event log tail of a failing one;
 * writes each run's whole log to target/soak-seed-N.log.
 */
public final class SoakSeeds {

    private SoakSeeds() {
    }

    public static void main(String[] args) {
        long first = Long.parseLong(args[0]);
        long last = Long.parseLong(args[1]);
        double days = Double.parseDouble(args[2]);
        for (long seed = first; seed <= last; seed++) {
            Duration length = Duration.ofMinutes(Math.round(days * 24 * 60));
            try (Soak soak = new Soak(new Soak.Settings(seed, length, Duration.ofMinutes(30)))) {
                Soak.Result r = soak.run();
                System.out.println(r.summary() + " (" + r.wallMillis() / 1000 + " s wall, " + r.eventsInPasses() + " events during passes, " + r.races() + " races, " + r.failedPasses() + " failed passes)");
                java.nio.file.Path logFile = java.nio.file.Path.of("target", "soak-seed-" + seed + ".log");
                java.nio.file.Files.createDirectories(logFile.getParent());
                java.nio.file.Files.write(logFile, r.log());
                if (!r.violations().isEmpty() || !r.green()) {
                    r.violations().forEach(v -> System.out.println("  " + v));
                    System.out.println("  tail:");
                    r.tail().forEach(t -> System.out.println("    " + t));
                }
            } catch (java.io.IOException e) {
                System.out.println("soak: seed " + seed + ": the log could not be written: " + e.getMessage());
            } catch (RuntimeException e) {
                System.out.println("soak: seed " + seed + " stopped: " + e.getMessage());
            }
            System.out.flush();
        }
        System.exit(0);
    }
}
