package dev.happypath.rebalancer.cluster;

import dev.happypath.rebalancer.InvalidInputException;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds the client: an explicit kubeconfig, else the usual discovery ($KUBECONFIG, ~/.kube/config,
 * then the in-cluster ServiceAccount).
 *
 * <p>The client's own HTTP retries are switched off: by default fabric8 retries 429 and 5xx ten times
 * with doubling delays, which turns a PodDisruptionBudget refusal into a silent 19-second stall. The
 * executor owns its retry loop instead.
 */
public final class KubernetesClients {

    private KubernetesClients() {
    }

    public static KubernetesClient create(Path kubeconfig, String context) {
        Config config;
        try {
            if (kubeconfig != null) {
                if (!Files.isRegularFile(kubeconfig)) {
                    throw InvalidInputException.at(kubeconfig.toString(), "--kubeconfig", "no such file");
                }
                checkContext(kubeconfig.toFile(), context);
                config = Config.fromKubeconfig(context, kubeconfig.toFile());
            } else {
                if (context != null) {
                    String env = System.getenv("KUBECONFIG");
                    File file = env != null && !env.isBlank() ? new File(env.split(File.pathSeparator)[0])
                            : new File(System.getProperty("user.home"), ".kube/config");
                    if (!file.isFile()) {
                        throw InvalidInputException.at(null, "--context", "no kubeconfig found (" + file + ") to pick context '" + context + "' from");
                    }
                    checkContext(file, context);
                }
                config = Config.autoConfigure(context);
            }
        } catch (KubernetesClientException e) {
            throw InvalidInputException.at(kubeconfig == null ? null : kubeconfig.toString(), "--kubeconfig",
                    "cannot be used: " + ApiErrors.rootCause(e));
        }
        return create(config);
    }

    public static KubernetesClient create(Config config) {
        config.setRequestRetryBackoffLimit(0);
        config.setConnectionTimeout(10_000);
        config.setRequestTimeout(30_000);
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /**
     * Lets the JVM exit at once once every client is closed. Java 17's HTTP client cannot be closed (that
     * came in Java 21): its selector thread stays in a native epoll wait, and the JVM's exit sequence
     * waits up to 300 ms for threads in native code to stop (measured: every CronJob pass paid it,
     * docs/performance.md). Interrupted, the selector thread closes its selector and ends. Only for the
     * end of the process: a client still in use loses its connections.
     */
    public static void stopHttpSelectorThreads() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() + 16];
        int n = root.enumerate(threads, true);
        for (int i = 0; i < n; i++) {
            Thread t = threads[i];
            if (t != null && t.getName().startsWith("HttpClient-") && t.getName().endsWith("-SelectorManager")) {
                t.interrupt();
                try {
                    t.join(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static void checkContext(File file, String context) {
        if (context == null) {
            return;
        }
        io.fabric8.kubernetes.api.model.Config parsed;
        try {
            parsed = KubeConfigUtils.parseConfig(file);
        } catch (RuntimeException e) {
            throw InvalidInputException.at(file.toString(), null, "is not a readable kubeconfig: " + ApiErrors.rootCause(e));
        }
        List<NamedContext> contexts = parsed.getContexts() == null ? List.of() : parsed.getContexts();
        if (contexts.stream().noneMatch(c -> context.equals(c.getName()))) {
            throw InvalidInputException.at(file.toString(), "--context", "no context named '" + context + "' (known: "
                    + String.join(", ", contexts.stream().map(NamedContext::getName).toList()) + ")");
        }
    }
}
