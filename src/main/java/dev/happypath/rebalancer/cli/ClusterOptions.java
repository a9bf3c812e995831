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

    KubernetesClient connect() {
        return KubernetesClients.create(kubeconfig, context);
    }
}
