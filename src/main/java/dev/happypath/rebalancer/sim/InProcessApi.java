package dev.happypath.rebalancer.sim;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetList;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;

/**
 * An API server in this process: start it, seed it, point a client (or kubectl) at {@link #url()}.
 * Objects are read and written directly in its store, which is what a controller stand-in needs.
 */
public final class InProcessApi implements AutoCloseable {

    private final ApiDispatcher dispatcher;
    private final KubernetesMockServer server;
    private volatile boolean budgetsKeptCurrent;

    public InProcessApi() {
        this(10_000);
    }

    public InProcessApi(int requestLogLimit) {
        this(requestLogLimit, false);
    }

    /** @param https serve TLS (a self-signed certificate, as a real API server's is to a client that skips verification) */
    public InProcessApi(int requestLogLimit, boolean https) {
        this.dispatcher = new ApiDispatcher(requestLogLimit);
        this.server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(), new HashMap<>(),
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

    /** Recompute every PodDisruptionBudget's status after each pod change made through this API object. */
    public void keepBudgetsCurrent(boolean on) {
        this.budgetsKeptCurrent = on;
        if (on) {
            refreshBudgets();
        }
    }

    public synchronized void create(HasMetadata object) {
        int code = dispatcher.create(collectionPath(object), object);
        if (code >= 300) {
            throw new IllegalStateException("create " + object.getKind() + " " + object.getMetadata().getName() + ": HTTP " + code);
        }
        afterChange(object);
    }

    public synchronized void update(HasMetadata object) {
        int code = dispatcher.put(collectionPath(object) + "/" + object.getMetadata().getName(), object);
        if (code >= 300) {
            throw new IllegalStateException("update " + object.getKind() + " " + object.getMetadata().getName() + ": HTTP " + code);
        }
        afterChange(object);
    }

    public synchronized void delete(HasMetadata object) {
        dispatcher.delete(collectionPath(object) + "/" + object.getMetadata().getName());
        afterChange(object);
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

    private void afterChange(HasMetadata object) {
        if (budgetsKeptCurrent && (object instanceof Pod || object instanceof PodDisruptionBudget)) {
            refreshBudgets();
        }
    }

    /** What the disruption controller does: every budget's status from the pods that exist now. */
    public synchronized void refreshBudgets() {
        PodDisruptionBudgetList budgets = dispatcher.get("/apis/policy/v1/poddisruptionbudgets", PodDisruptionBudgetList.class);
        if (budgets == null) {
            return;
        }
        List<Pod> pods = dispatcher.pods();
        for (PodDisruptionBudget b : budgets.getItems()) {
            b.setStatus(Budgets.status(b, pods));
            dispatcher.put(ApiDispatcher.budgetsPath(b.getMetadata().getNamespace()) + "/" + b.getMetadata().getName(), b);
        }
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
        server.destroy();
    }
}
