package dev.happypath.rebalancer.cli;

import dev.happypath.rebalancer.execute.Sleeper;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pass whose heap runs out (a cluster larger than the image's 64 MiB heap holds) ends with one sentence
 * that says what to raise, and exit 1, never a stack trace or "internal error". Where the heap runs out is
 * out of a test's hands; the connector stands in for the part of the pass that meets it.
 */
class OutOfMemoryTest {

    private static PlanCommandTest.Run run(Function<Cli.ClusterOptionsView, KubernetesClient> connector) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new Cli(new PrintWriter(out, true), new PrintWriter(err, true), Clock.systemUTC(), Sleeper.REAL, connector)
                .execute("run", "--dry-run", "--kubeconfig", "unused");
        return new PlanCommandTest.Run(code, out.toString(), err.toString());
    }

    @Test
    void runningOutOfHeapSaysWhatToRaise() {
        PlanCommandTest.Run r = run(o -> {
            throw new OutOfMemoryError("Java heap space");
        });
        assertThat(r.code()).isEqualTo(ExitCode.RUNTIME_FAILURE);
        assertThat(r.err()).contains("error: the JVM ran out of memory (Java heap space; the heap is at most ")
                .contains("raise its heap (-Xmx) and the container's memory limit with it (docs/operations.md, \"Sizing\")")
                .doesNotContain("\tat ").doesNotContain("internal error").doesNotContain("OutOfMemoryError");
        assertThat(r.out()).isEmpty();
    }

    /** The HTTP client's threads and the reading ahead hand their failure to the pass wrapped. */
    @Test
    void aHeapRunOutInAnotherThreadSaysTheSame() {
        PlanCommandTest.Run r = run(o -> {
            throw new CompletionException(new OutOfMemoryError("Java heap space"));
        });
        assertThat(r.code()).isEqualTo(ExitCode.RUNTIME_FAILURE);
        assertThat(r.err()).contains("error: the JVM ran out of memory (Java heap space; ").doesNotContain("\tat ").doesNotContain("internal error");
    }
}
