package dev.happypath.rebalancer.soak;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The soak of docs/reliability.md ("Soak: seven simulated days"). By default a short run (half a simulated
 * day, every kind of event at least once) that fits in {@code mvn verify}; the long one on demand:
 * {@code mvn -B -o verify -Dtest=SoakTest -Dsoak.days=7 -Dsoak.seed=N}.
 */
class SoakTest {

    /** A seed that passes on the code of this branch; see docs/reliability.md for the long run's. */
    static final long DEFAULT_SEED = 42;
    /** Half a simulated day: every kind of event, about 30 passes, well under a minute on a busy 2-core machine. */
    static final String DEFAULT_DAYS = "0.5";

    @Test
    void theDaemonKeepsEveryInvariantThroughRandomEventsAndEndsGreen() {
        long seed = Long.getLong("soak.seed", DEFAULT_SEED);
        double days = Double.parseDouble(System.getProperty("soak.days", DEFAULT_DAYS));
        Duration length = Duration.ofMinutes(Math.round(days * 24 * 60));
        Duration wallLimit = Duration.ofSeconds(Long.getLong("soak.wallSeconds", Math.max(120, Math.round(days * 120))));

        Soak.Result result;
        try (Soak soak = new Soak(new Soak.Settings(seed, length, wallLimit))) {
            result = soak.run();
        }
        System.out.println(result.summary() + String.format(" (%.1f s wall, %d ticks; events by kind %s, %d during passes, %d races against a pass; %d failed passes; %d single-replica moves)",
                result.wallMillis() / 1000.0, result.ticks(), result.eventKinds(), result.eventsInPasses(), result.races(), result.failedPasses(), result.singleReplicaDowntimes()));
        java.nio.file.Path logFile = java.nio.file.Path.of("target", "soak-seed-" + seed + ".log");
        try {
            java.nio.file.Files.createDirectories(logFile.getParent());
            java.nio.file.Files.write(logFile, result.log());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String reproduce = "whole log: " + logFile.toAbsolutePath() + "\n" + "reproduce: mvn -B -o verify -Dtest=SoakTest -Dsoak.seed=" + seed + " -Dsoak.days=" + System.getProperty("soak.days", DEFAULT_DAYS)
                + "\nlast events:\n  " + String.join("\n  ", result.tail());
        assertThat(result.violations()).as(reproduce).isEmpty();
        assertThat(result.green()).as(reproduce).isTrue();
        assertThat(result.eventKinds().keySet()).as("every kind of event happened at least once\n" + reproduce)
                .containsExactlyInAnyOrder(Soak.EventKind.values());
        assertThat(result.passes()).as("the daemon ran passes").isGreaterThan(0);
    }
}
