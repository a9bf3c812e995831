package dev.happypath.rebalancer.sim;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeList;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimList;
import io.fabric8.kubernetes.api.model.PersistentVolumeList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetList;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An API server in this process: start it, seed it, point a client (or kubectl) at {@link #url()}.
 * Objects are read and written directly in its store, which is what a controller stand-in needs.
 */
public final class InProcessApi implements AutoCloseable {

    /**
     * The mock server logs every request and its start and stop at INFO through java.util.logging (not
     * SLF4J, so logback's configuration does not reach it). Held here: java.util.logging keeps loggers
     * only weakly, and a collected logger forgets its level.
     */
    private static final Logger MOCK_SERVER_LOG = Logger.getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_SERVER_LOG.setLevel(Level.WARNING);
    }

    private final ApiDispatcher dispatcher;
    private final MockWebServer web;
    private final KubernetesMockServer server;
    private final boolean https;
    private volatile boolean budgetsKeptCurrent;
    private OutsideClients outside;

    public InProcessApi() {
        this(10_000);
    }

    public InProcessApi(int requestLogLimit) {
        this(requestLogLimit, false);
    }

    /** @param https serve TLS (a self-signed certificate, as a real API server's is to a client that skips verification) */
    public InProcessApi(int requestLogLimit, boolean https) {
        this.dispatcher = new ApiDispatcher(requestLogLimit);
        this.web = new MockWebServer();
        // No HTTP/2 over plain HTTP: the JDK client asks for an h2c upgrade, and the switch mid-connection
        // between it and the mock server's Vert.x intermittently loses a body (headers arrive, no DATA: a
        // LIST waited 30 s for nothing on an idle machine; fabric8's own suite opts out for the same flake,
        // kubernetes-client#7662). A real API server serves HTTP/2 only over TLS (ALPN), which is untouched.
        web.setHttp2ClearTextEnabled(false);
        this.https = https;
        this.server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), web, new HashMap<>(),
                dispatcher, https);
        server.init();
    }

    public ApiDispatcher dispatcher() {
        return dispatcher;
    }

    public String url() {
        return server.url("/");
    }

    /** Client configuration for this server (plain HTTP, no credentials). */
    public Config clientConfig() {
        Config config = Config.empty();
        config.setMasterUrl(url());
        config.setTrustCerts(true);
        config.setNamespace("default");
        return config;
    }

    /**
     * The address for clients in other processes (kubectl, a rebalancer run): the same API, which also
     * streams watches over plain HTTP as kubectl expects ({@code kubectl get -w}). Served from the first
     * call on (over plain HTTP; a TLS server answers with {@link #url()}).
     */
    public synchronized String outsideUrl() {
        if (https) {
            return url();
        }
        if (outside == null) {
            outside = OutsideClients.start(web, dispatcher);
        }
        return outside.url();
    }

    /**
     * Writes a kubeconfig for this server (plain HTTP on localhost, no credentials) with one context,
     * for kubectl and for the rebalancer's {@code --kubeconfig}: it names {@link #outsideUrl()}.
     */
    public Path writeKubeconfig(Path file, String contextName) {
        String yaml = """
                # The in-process API of happypath-rebalancer's demo (plain HTTP on localhost, no credentials).
                apiVersion: v1
                kind: Config
                clusters:
                - name: %1$s
                  cluster:
                    server: %2$s
                users:
                - name: %1$s
                  user: {}
                contexts:
                - name: %1$s
                  context:
                    cluster: %1$s
                    user: %1$s
                    namespace: default
                current-context: %1$s
                """.formatted(contextName, outsideUrl().replaceAll("/$", ""));
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, yaml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the kubeconfig " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    /** Recompute every PodDisruptionBudget's status after each pod change made through this API object. */
    public void keepBudgetsCurrent(boolean on) {
        this.budgetsKeptCurrent = on;
        if (on) {
            refreshBudgets();
        }
    }

    /** See {@link ApiDispatcher#gracefulPodDeletion}. */
    public void gracefulPodDeletion(boolean on) {
        dispatcher.gracefulPodDeletion(on);
    }

    /** The clock of the timestamps the server itself writes. */
    public void useClock(Clock clock) {
        dispatcher.useClock(clock);
    }

    /** Runs {@code work} while no client write can interleave (a controller's read-decide-write). */
    public <T> T atomically(Supplier<T> work) {
        return dispatcher.atomically(work);
    }

    public void atomically(Runnable work) {
        dispatcher.atomically(work);
    }

    public void create(HasMetadata object) {
        dispatcher.atomically(() -> {
            int code = dispatcher.create(collectionPath(object), object);
            if (code >= 300) {
                throw new IllegalStateException("create " + object.getKind() + " " + object.getMetadata().getName() + ": HTTP " + code);
            }
            afterChange(object);
        });
    }

    /**
     * Creates all of {@code objects} as {@link #create} would, one after the other, in time linear in their
     * number (N creates take quadratic time in CRUD mode: see {@link ApiDispatcher#seed}). For large
     * clusters (the benchmark's 30,000 pods); seed before clients read.
     */
    public void seed(java.util.Collection<? extends HasMetadata> objects) {
        dispatcher.seed(objects, InProcessApi::collectionPath);
        if (budgetsKeptCurrent) {
            refreshBudgets();
        }
    }

    /** See {@link ApiDispatcher#expireContinueTokens}. */
    public void expireContinueTokens() {
        dispatcher.expireContinueTokens();
    }

    public void update(HasMetadata object) {
        dispatcher.atomically(() -> {
            int code = dispatcher.put(collectionPath(object) + "/" + object.getMetadata().getName(), object);
            if (code >= 300) {
                throw new IllegalStateException("update " + object.getKind() + " " + object.getMetadata().getName() + ": HTTP " + code);
            }
            afterChange(object);
        });
    }

    public void delete(HasMetadata object) {
        dispatcher.atomically(() -> {
            dispatcher.delete(collectionPath(object) + "/" + object.getMetadata().getName());
            afterChange(object);
        });
    }

    /** A graceful delete: the pod is Terminating until {@link #finishDeletion}. */
    public Pod markTerminating(Pod pod) {
        return dispatcher.atomically(() -> {
            Pod p = dispatcher.markTerminating(pod);
            afterChange(pod);
            return p;
        });
    }

    /** The kubelet's confirmation, or a forced delete: the pod object goes away. */
    public void finishDeletion(Pod pod) {
        dispatcher.atomically(() -> {
            dispatcher.finishDeletion(pod);
            afterChange(pod);
        });
    }

    public Pod pod(String namespace, String name) {
        return dispatcher.get(ApiDispatcher.podPath(namespace, name), Pod.class);
    }

    public Node node(String name) {
        return dispatcher.get("/api/v1/nodes/" + name, Node.class);
    }

    public io.fabric8.kubernetes.api.model.ConfigMap configMap(String namespace, String name) {
        return dispatcher.get("/api/v1/namespaces/" + namespace + "/configmaps/" + name, io.fabric8.kubernetes.api.model.ConfigMap.class);
    }

    public PodDisruptionBudget budget(String namespace, String name) {
        return dispatcher.get(ApiDispatcher.budgetsPath(namespace) + "/" + name, PodDisruptionBudget.class);
    }

    public List<Pod> pods() {
        return dispatcher.pods();
    }

    public List<Node> nodes() {
        NodeList list = dispatcher.get("/api/v1/nodes", NodeList.class);
        return list == null ? List.of() : list.getItems();
    }

    public List<PersistentVolumeClaim> claims() {
        PersistentVolumeClaimList list = dispatcher.get("/api/v1/persistentvolumeclaims", PersistentVolumeClaimList.class);
        return list == null ? List.of() : list.getItems();
    }

    public List<PersistentVolume> volumes() {
        PersistentVolumeList list = dispatcher.get("/api/v1/persistentvolumes", PersistentVolumeList.class);
        return list == null ? List.of() : list.getItems();
    }

    public List<PodDisruptionBudget> budgets() {
        PodDisruptionBudgetList list = dispatcher.get("/apis/policy/v1/poddisruptionbudgets", PodDisruptionBudgetList.class);
        return list == null ? List.of() : list.getItems();
    }

    private void afterChange(HasMetadata object) {
        if (budgetsKeptCurrent && (object instanceof Pod || object instanceof PodDisruptionBudget)) {
            refreshBudgets();
        }
    }

    /** What the disruption controller does: every budget's status from the pods that exist now. */
    public void refreshBudgets() {
        dispatcher.atomically(() -> {
            List<PodDisruptionBudget> budgets = budgets();
            if (budgets.isEmpty()) {
                return;
            }
            List<Pod> pods = dispatcher.pods();
            for (PodDisruptionBudget b : budgets) {
                String before = Serialization.asJson(b.getStatus());
                b.setStatus(Budgets.status(b, pods));
                if (!before.equals(Serialization.asJson(b.getStatus()))) {
                    dispatcher.put(ApiDispatcher.budgetsPath(b.getMetadata().getNamespace()) + "/" + b.getMetadata().getName(), b);
                }
            }
        });
    }

    static String collectionPath(HasMetadata o) {
        String kind = o.getKind();
        String plural = kind.toLowerCase(Locale.ROOT) + (kind.endsWith("s") ? "es" : "s");
        if (kind.equals("PodDisruptionBudget")) {
            plural = "poddisruptionbudgets";
        }
        String apiVersion = o.getApiVersion();
        String prefix = apiVersion.contains("/") ? "/apis/" + apiVersion : "/api/" + apiVersion;
        String ns = o.getMetadata().getNamespace();
        boolean namespaced = !(o instanceof Node) && !kind.equals("PersistentVolume") && !kind.equals("Namespace");
        return prefix + (namespaced ? "/namespaces/" + (ns == null ? "default" : ns) : "") + "/" + plural;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (outside != null) {
                outside.close();
            }
        }
        server.destroy();
    }
}
