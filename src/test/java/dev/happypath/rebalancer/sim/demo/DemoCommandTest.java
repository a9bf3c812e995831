package dev.happypath.rebalancer.sim.demo;

import dev.happypath.rebalancer.cli.Cli;
import dev.happypath.rebalancer.execute.Sleeper;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo as a command of the product's CLI, which knows it only by name. */
class DemoCommandTest {

    private record Run(int code, String out, String err) {
    }

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new Cli(new PrintWriter(out, true), new PrintWriter(err, true), Clock.systemUTC(), Sleeper.REAL, null).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void theCliFindsTheDemoAndListsItsScenarios() {
        Run r = cli("demo", "--list");
        assertThat(r.code()).as(r.err()).isZero();
        for (DemoScenario s : DemoScenario.ALL) {
            assertThat(r.out()).contains(s.name()).contains(s.title());
        }
        assertThat(cli("--help").out()).contains("demo");
    }

    @Test
    void anUnknownScenarioIsInvalidInputNamingTheKnownOnes() {
        Run r = cli("demo", "--scenario", "nope");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--scenario").contains("'nope'").contains(DemoScenario.names())
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aKubeconfigFileWithoutServeIsInvalidInput() {
        Run r = cli("demo", "--kubeconfig-file", "/tmp/x");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--kubeconfig-file").contains("--serve");
        assertThat(r.out()).isEmpty();
    }
}
