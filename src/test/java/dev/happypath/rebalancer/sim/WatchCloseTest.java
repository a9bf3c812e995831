package dev.happypath.rebalancer.sim;

import dev.happypath.rebalancer.testing.LiveCluster;
import dev.happypath.rebalancer.testing.Scenario;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that closes watches while the store changes (the executor does, once per eviction) must not
 * stall the in-process API: kubernetes-server-mock 7.8.0 can block its event loop for 30 s there.
 */
class WatchCloseTest {

    @Test
    void closingWatchesWhileTheStoreChangesLeavesTheServerAnswering() throws Exception {
        try (LiveCluster c = new LiveCluster(Scenario.parse("one", """
                pods:
                  - { ns: apps, name: web-abcde, node: k3d-idp-demo-agent-0 }
                """))) {
            Config config = c.api().clientConfig();
            config.setRequestTimeout(5_000);
            config.setRequestRetryBackoffLimit(0);
            try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
                for (int i = 0; i < 15; i++) {
                    SharedIndexInformer<Pod> informer = client.pods().inNamespace("apps").inform();
                    informer.start().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
                    for (int j = 0; j < 5; j++) {
                        Pod p = c.api().pod("apps", "web-abcde");
                        p.getMetadata().getLabels().put("round", i + "-" + j);
                        c.api().update(p);
                    }
                    informer.close();
                    // a stalled event loop shows as this request timing out (5 s, no retry): what is
                    // checked is that the server answers, not how fast (the benchmark reports speed)
                    assertThat(client.pods().inNamespace("apps").list().getItems()).as("round " + i).hasSize(1);
                }
            }
        }
    }
}
