package dev.happypath.rebalancer.cluster;

import dev.happypath.rebalancer.InvalidInputException;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;

import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Builds the client: an explicit kubeconfig, else the usual discovery ($KUBECONFIG, ~/.kube/config,
 * then the in-cluster ServiceAccount).
 *
 * <p>Every request either gets its answer or fails within a bound the caller knows ({@link Timeouts}):
 * the client's own HTTP retries are switched off. By default fabric8 retries 429, 5xx and I/O errors ten
 * times with doubling delays, which turns a PodDisruptionBudget refusal into a silent 19-second stall and
 * a 503 on a LIST into 100 seconds of nothing. The executor owns its retry loop (backoff, deadline), and
 * a failed read ends the pass at once with a message: the next pass reads again.
 *
 * <p>Watches (the nodes for the gate, the pods for a replacement) are re-established by the informer
 * when they break: after 1 s, doubling to 32 s, for as long as the command runs. A replacement wait is
 * bounded by {@code eviction.readyTimeout} whatever the watch does.
 */
public final class KubernetesClients {

    /**
     * How long one request may take.
     *
     * @param connect to open a connection to the API server
     * @param request from sending a request to its answer (a LIST of a large cluster included)
     */
    public record Timeouts(Duration connect, Duration request) {

        /** What every command uses: documented in docs/operations.md ("When the API server misbehaves"). */
        public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    /** The name under which fabric8 registers its request/response logger (StandardHttpClientBuilder). */
    private static final String HTTP_LOGGING_INTERCEPTOR = "HttpLogging";

    private KubernetesClients() {
    }

    public static KubernetesClient create(Path kubeconfig, String context) {
        return create(configure(kubeconfig, context, System.getenv(), System.getProperty("user.home")));
    }

    /**
     * The client configuration: {@code kubeconfig} when given, else $KUBECONFIG (its first file), else
     * ~/.kube/config, else the pod's ServiceAccount. Outside a pod with none of them there is nothing to
     * connect to: said as invalid input (exit 2) with what to do, rather than as an unreachable
     * https://kubernetes.default.svc/ (fabric8's fallback).
     */
    static Config configure(Path kubeconfig, String context, java.util.Map<String, String> env, String userHome) {
        Config config;
        try {
            if (kubeconfig != null) {
                if (Files.isDirectory(kubeconfig)) {
                    throw InvalidInputException.at(kubeconfig.toString(), "--kubeconfig", "is a directory; expected a kubeconfig file");
                }
                if (!Files.isRegularFile(kubeconfig)) {
                    throw InvalidInputException.at(kubeconfig.toString(), "--kubeconfig", "no such file");
                }
                checkContext(readKubeconfig(kubeconfig.toFile()), kubeconfig.toFile(), context);
                String merged = withMergeKeysResolved(kubeconfig.toFile());
                config = merged == null ? Config.fromKubeconfig(context, kubeconfig.toFile())
                        : Config.fromKubeconfig(context, merged, null);
            } else {
                String variable = env.get("KUBECONFIG");
                boolean fromVariable = variable != null && !variable.isBlank();
                File file = fromVariable ? new File(variable.split(File.pathSeparator)[0]) : new File(userHome, ".kube/config");
                if (file.isFile()) {
                    checkContext(readKubeconfig(file), file, context);
                } else if (context != null) {
                    throw InvalidInputException.at(null, "--context", "no kubeconfig found (" + file + ") to pick context '" + context + "' from");
                } else if (!inPod(env)) {
                    throw InvalidInputException.at(null, null, "no kubeconfig found (looked at $KUBECONFIG"
                            + (fromVariable ? " = " + variable : " (unset)") + ", " + new File(userHome, ".kube/config")
                            + ", not in a pod): give --kubeconfig FILE or set KUBECONFIG to reach a cluster"
                            + " (kubectl config view --minify shows the one kubectl uses); plan --snapshot FILE needs no cluster");
                }
                String merged = file.isFile() ? withMergeKeysResolved(file) : null;
                config = merged == null ? Config.autoConfigure(context) : Config.fromKubeconfig(context, merged, null);
            }
        } catch (RuntimeException e) {
            if (e instanceof InvalidInputException) {
                throw e;
            }
            throw InvalidInputException.at(kubeconfig == null ? null : kubeconfig.toString(), "--kubeconfig",
                    "cannot be used: " + firstLine(ApiErrors.rootCause(e)));
        }
        return config;
    }

    /**
     * fabric8 reads a kubeconfig as YAML 1.2 (SnakeYAML Engine): aliases resolve, but a merge key
     * ({@code <<: *defaults}, which kubectl's YAML 1.1 reader applies) would be a key named "<<" and the
     * merged settings silently missing. Such a kubeconfig is handed over with its merges applied (as JSON,
     * which is YAML); any other is left to fabric8 as it is. Null when there is no merge key.
     */
    static String withMergeKeysResolved(File file) {
        String text;
        try {
            text = Files.readString(file.toPath());
        } catch (java.io.IOException e) {
            return null; // fabric8 says why it cannot read it
        }
        if (!text.contains("<<")) {
            return null;
        }
        try (com.fasterxml.jackson.core.JsonParser parser = new com.fasterxml.jackson.dataformat.yaml.YAMLFactory().createParser(text)) {
            if (parser.nextToken() == null) {
                return null;
            }
            return dev.happypath.rebalancer.config.YamlTrees.read(parser, new dev.happypath.rebalancer.config.YamlTrees.Anchors()).toString();
        } catch (java.io.IOException e) {
            // never the parser's own words: they may quote a token or a key
            throw InvalidInputException.at(file.toString(), null, "is not a readable kubeconfig: " + kubeconfigProblem(e));
        }
    }

    /** In a pod, the kubelet sets KUBERNETES_SERVICE_HOST, and fabric8 then uses the ServiceAccount. */
    private static boolean inPod(java.util.Map<String, String> env) {
        String host = env.get("KUBERNETES_SERVICE_HOST");
        return host != null && !host.isBlank();
    }

    public static KubernetesClient create(Config config) {
        return create(config, Timeouts.DEFAULT);
    }

    /** As {@link #create(Config)}, with other timeouts (tests use short ones). */
    public static KubernetesClient create(Config config, Timeouts timeouts) {
        config.setRequestRetryBackoffLimit(0);
        config.setConnectionTimeout((int) timeouts.connect().toMillis());
        config.setRequestTimeout((int) timeouts.request().toMillis());
        config.setWatchReconnectInterval(1_000);
        config.setWatchReconnectLimit(-1);
        return new KubernetesClientBuilder().withConfig(config)
                // fabric8 logs every request's headers, the bearer token included, when its HTTP logger is
                // at TRACE (a logging config someone mounts, a debugging session): never.
                .withHttpClientBuilderConsumer(http -> http.addOrReplaceInterceptor(HTTP_LOGGING_INTERCEPTOR, null))
                .build();
    }

    /**
     * Parses the kubeconfig before fabric8 does, so that a broken one is invalid input (exit 2) said in
     * our words. The message gives the line, the column and the parser's problem, never the text around
     * it: a kubeconfig holds tokens, client keys and passwords, and the YAML parser's own message quotes
     * the offending line.
     */
    static io.fabric8.kubernetes.api.model.Config readKubeconfig(File file) {
        // fabric8's shared serialization, the very one its own kubeconfig reading (Config.fromKubeconfig) uses:
        // the deserializers it builds for the kubeconfig's classes are built once for both readings, where a
        // serialization of our own built them twice (25 to 35 ms of a pass's CPU, docs/performance.md)
        try (java.io.InputStream in = Files.newInputStream(file.toPath())) {
            return Serialization.unmarshal(in, io.fabric8.kubernetes.api.model.Config.class);
        } catch (java.io.IOException | RuntimeException e) {
            throw InvalidInputException.at(file.toString(), null, "is not a readable kubeconfig: " + kubeconfigProblem(e));
        }
    }

    /** What is wrong with a kubeconfig, without quoting any of it. */
    static String kubeconfigProblem(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof MarkedYamlEngineException marked) {
                String where = marked.getProblemMark()
                        .map(m -> " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1)).orElse("");
                return "not valid YAML" + where + (marked.getProblem() == null ? "" : ": " + marked.getProblem());
            }
            if (c instanceof com.fasterxml.jackson.databind.JsonMappingException mapping && !mapping.getPath().isEmpty()) {
                StringBuilder path = new StringBuilder();
                for (var ref : mapping.getPath()) {
                    path.append(ref.getFieldName() != null ? (path.length() == 0 ? "" : ".") + ref.getFieldName() : "[" + ref.getIndex() + "]");
                }
                return path + ": not the type a kubeconfig has there";
            }
            if (c instanceof YamlEngineException || c instanceof com.fasterxml.jackson.core.JsonProcessingException) {
                // Their messages may quote the content: say only which kind of problem it is.
                return "not a kubeconfig (" + c.getClass().getSimpleName() + ")";
            }
            if (c instanceof java.io.IOException io && c.getCause() == null) {
                return io.getMessage() == null ? io.getClass().getSimpleName() : firstLine(io.getMessage());
            }
        }
        return "not a kubeconfig (" + e.getClass().getSimpleName() + ")";
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
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

    private static void checkContext(io.fabric8.kubernetes.api.model.Config parsed, File file, String context) {
        if (context == null) {
            return;
        }
        List<NamedContext> contexts = parsed.getContexts() == null ? List.of() : parsed.getContexts();
        if (contexts.stream().noneMatch(c -> context.equals(c.getName()))) {
            throw InvalidInputException.at(file.toString(), "--context", "no context named '" + context + "' (known: "
                    + String.join(", ", contexts.stream().map(NamedContext::getName).toList()) + ")");
        }
    }
}
