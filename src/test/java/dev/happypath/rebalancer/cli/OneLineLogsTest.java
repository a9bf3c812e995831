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
            LoggerFactory.getLogger("io.fabric8.kubernetes.client.informers.impl.cache.Reflector").error(
                    "listSyncAndWatch failed for v1/namespaces/argocd/pods, will stop",
                    new KubernetesClientException("Failure executing: GET", new IOException("Connection reset")));

            assertThat(err.text()).contains("listSyncAndWatch failed for v1/namespaces/argocd/pods, will stop");
            assertThat(err.text().lines().filter(l -> !l.isBlank())).hasSize(1);
            assertThat(CapturedStderr.stackTraceLines(err.text())).isEmpty();
            assertThat(err.text()).doesNotContain("stack_trace").doesNotContain("KubernetesClientException");
        }
    }
}
