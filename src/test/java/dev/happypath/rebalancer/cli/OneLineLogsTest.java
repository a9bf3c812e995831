package dev.happypath.rebalancer.cli;

import dev.happypath.rebalancer.testing.CapturedStderr;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * fabric8 logs, at ERROR and with the exception, failures this code handles and reports in its own words
 * (an informer that cannot list, a Lease it cannot release). On stderr that is one line, not a stack trace.
 */
class OneLineLogsTest {

    @AfterEach
    void back() {
        LogOptions.use(LogOptions.LogFormat.human);
    }

    @ParameterizedTest
    @EnumSource(LogOptions.LogFormat.class)
    void aLibraryExceptionIsOneLineWithoutAStackTrace(LogOptions.LogFormat format) {
        try (CapturedStderr err = CapturedStderr.start()) {
            LogOptions.use(format);
            LoggerFactory.getLogger("io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector").error(
                    "Exception occurred while releasing lock 'LeaseLock: happypath-rebalancer - happypath-rebalancer'",
                    new KubernetesClientException("Failure executing: PUT", new IOException("Connection reset")));

            assertThat(err.text()).contains("Exception occurred while releasing lock 'LeaseLock: happypath-rebalancer - happypath-rebalancer'");
            assertThat(err.text().lines().filter(l -> !l.isBlank())).hasSize(1);
            assertThat(CapturedStderr.stackTraceLines(err.text())).isEmpty();
            assertThat(err.text()).doesNotContain("stack_trace").doesNotContain("KubernetesClientException");
        }
    }

    /**
     * An informer's failure is reported by the code that started it, in its words (NodeWatch: "cannot reach
     * the API server ... to watch nodes"; the replacement wait): the informer's own line before it was
     * the raw fabric8 text a daemon with --on-node-recovery printed before exiting (issue 14).
     */
    @ParameterizedTest
    @EnumSource(LogOptions.LogFormat.class)
    void anInformersOwnFailureLineIsLeftToTheCodeThatReportsIt(LogOptions.LogFormat format) {
        try (CapturedStderr err = CapturedStderr.start()) {
            LogOptions.use(format);
            LoggerFactory.getLogger("io.fabric8.kubernetes.client.informers.impl.DefaultSharedIndexInformer").error(
                    "listSyncAndWatch failed for v1/nodes, will stop",
                    new KubernetesClientException("Failure executing: GET", new IOException("Connection reset")));
            assertThat(err.text()).isEmpty();
        }
    }
}
