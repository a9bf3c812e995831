package dev.happypath.rebalancer.cli;

import dev.happypath.rebalancer.cluster.KubernetesClients;
import io.fabric8.kubernetes.client.KubernetesClient;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Which cluster: a kubeconfig and context, or the usual discovery (in a pod: the ServiceAccount). */
final class ClusterOptions {

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster).")
    Path kubeconfig;

    @Option(names = "--context", paramLabel = "NAME", description = "Kubeconfig context (default: the current context).")
    String context;

    @Option(names = "--chunk-size", paramLabel = "N", description = "Items per LIST request when reading the cluster (paged with "
            + "limit and continue, as kubectl does); 0 reads each kind in one response (default: 500).")
    int chunkSize = dev.happypath.rebalancer.cluster.ClusterReader.DEFAULT_CHUNK_SIZE;

    /** The validated --chunk-size. */
    int chunkSize() {
        if (chunkSize < 0) {
            throw dev.happypath.rebalancer.InvalidInputException.at(null, "--chunk-size", "expected 0 (no paging) or more items per LIST request, got " + chunkSize);
        }
        return chunkSize;
    }

    KubernetesClient connect() {
        return KubernetesClients.create(kubeconfig, context);
    }
}
