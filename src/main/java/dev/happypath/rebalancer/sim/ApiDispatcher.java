package dev.happypath.rebalancer.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetList;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * kubernetes-server-mock's CRUD dispatcher with a real API server's eviction semantics (policy/v1):
 * 404 for a missing pod, 429 when a PodDisruptionBudget allows no disruption, 500 when two budgets cover
 * the pod, otherwise the budget is charged, the pod deleted and 201 answered. Every request lands in a
 * bounded log. Interceptors can answer a request instead (fault injection).
 *
 * <p>Never calls the server over HTTP from inside {@link #dispatch}: it runs on the server's one event
 * loop and would deadlock. Everything goes through the in-memory store directly.
 */
public class ApiDispatcher extends KubernetesCrudDispatcher {

    private static final Pattern EVICTION = Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/([^/]+)/eviction$");
    private static final ObjectMapper JSON = Serialization.jsonMapper();

    /** One request as the API server saw it. */
    public record LoggedRequest(String method, String path, int code) {
    }

    /** Answers a request instead of the store, or returns null to let it through. */
    @FunctionalInterface
    public interface Interceptor {
        MockResponse intercept(String method, String path, String body);
    }

    private final int logLimit;
    private final Deque<LoggedRequest> log = new ArrayDeque<>();
    private final List<Interceptor> interceptors = new CopyOnWriteArrayList<>();
    private final List<Consumer<Pod>> evictionListeners = new CopyOnWriteArrayList<>();

    public ApiDispatcher(int logLimit) {
        this.logLimit = logLimit;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String path = request.getPath();
        String method = request.getMethod();
        String body = request.method() == HttpMethod.GET || request.method() == HttpMethod.DELETE ? "" : request.getBody().readUtf8();
        MockResponse response = null;
        for (Interceptor i : interceptors) {
            response = i.intercept(method, path, body);
            if (response != null) {
                break;
            }
        }
        if (response == null) {
            Matcher eviction = EVICTION.matcher(pathOnly(path));
            if (request.method() == HttpMethod.POST && eviction.matches()) {
                response = evict(eviction.group(1), eviction.group(2));
            } else {
                response = super.dispatch(new RecordedRequest(request.getHttpVersion(), request.method(), path,
                        request.getHeaders(), new Buffer(body.getBytes(StandardCharsets.UTF_8))));
            }
        }
        record(method, path, response == null ? 0 : response.code());
        return response;
    }

    private static String pathOnly(String path) {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    private void record(String method, String path, int code) {
        synchronized (log) {
            log.addLast(new LoggedRequest(method, path, code));
            while (log.size() > logLimit) {
                log.removeFirst();
            }
        }
    }

    /** The most recent requests (at most the log limit), oldest first. */
    public List<LoggedRequest> requests() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    public void clearRequests() {
        synchronized (log) {
            log.clear();
        }
    }

    public void addInterceptor(Interceptor interceptor) {
        interceptors.add(interceptor);
    }

    public void removeInterceptor(Interceptor interceptor) {
        interceptors.remove(interceptor);
    }

    /** Called (on the server's thread: do not block) with each pod the Eviction API has just deleted. */
    public void onEviction(Consumer<Pod> listener) {
        evictionListeners.add(listener);
    }

    // --- eviction -----------------------------------------------------------------------------------

    private MockResponse evict(String namespace, String name) {
        Pod pod = get(podPath(namespace, name), Pod.class);
        if (pod == null) {
            return status(404, "NotFound", "pods \"" + name + "\" not found");
        }
        boolean finished = "Succeeded".equals(phase(pod)) || "Failed".equals(phase(pod));
        if (pod.getMetadata().getDeletionTimestamp() == null && !finished) {
            List<PodDisruptionBudget> covering = new ArrayList<>();
            PodDisruptionBudgetList budgets = get(budgetsPath(namespace), PodDisruptionBudgetList.class);
            for (PodDisruptionBudget b : budgets == null ? List.<PodDisruptionBudget>of() : budgets.getItems()) {
                if (Budgets.selects(b, pod)) {
                    covering.add(b);
                }
            }
            if (covering.size() > 1) {
                return status(500, "InternalError", "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
            }
            if (covering.size() == 1) {
                PodDisruptionBudget b = covering.get(0);
                Integer allowed = b.getStatus() == null ? null : b.getStatus().getDisruptionsAllowed();
                if (allowed == null || allowed <= 0) {
                    return status(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.");
                }
                b.getStatus().setDisruptionsAllowed(allowed - 1);
                b.getStatus().getDisruptedPods().put(name, java.time.Instant.now().toString());
                put(budgetsPath(namespace) + "/" + b.getMetadata().getName(), b);
            }
        }
        handleDelete(podPath(namespace, name));
        for (Consumer<Pod> listener : evictionListeners) {
            listener.accept(pod);
        }
        return status(201, null, null);
    }

    private static String phase(Pod pod) {
        return pod.getStatus() == null ? null : pod.getStatus().getPhase();
    }

    private static MockResponse status(int code, String reason, String message) {
        ObjectNode status = JSON.createObjectNode();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", code < 300 ? "Success" : "Failure");
        if (message != null) {
            status.put("message", message);
        }
        if (reason != null) {
            status.put("reason", reason);
        }
        status.put("code", code);
        return new MockResponse().setResponseCode(code).setBody(status.toString());
    }

    // --- direct store access (no HTTP, safe from any thread) ---------------------------------------

    static String podPath(String namespace, String name) {
        return "/api/v1/namespaces/" + namespace + "/pods/" + name;
    }

    static String budgetsPath(String namespace) {
        return "/apis/policy/v1/namespaces/" + namespace + "/poddisruptionbudgets";
    }

    <T> T get(String path, Class<T> type) {
        MockResponse r = handleGet(path);
        if (r.code() != 200) {
            return null;
        }
        String body = r.getBody().readUtf8();
        try {
            JsonNode tree = JSON.readTree(body);
            if (KubernetesResourceList.class.isAssignableFrom(type) && !tree.has("items")) {
                return null;
            }
            return JSON.treeToValue(tree, type);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable object at " + path, e);
        }
    }

    /** Creates the object at its collection path; watchers see ADDED. */
    int create(String collectionPath, HasMetadata object) {
        return handleCreate(request(HttpMethod.POST, collectionPath, object)).code();
    }

    /** Replaces the object; watchers see MODIFIED. */
    int put(String objectPath, HasMetadata object) {
        object.getMetadata().setResourceVersion(null);
        return handleUpdate(request(HttpMethod.PUT, objectPath, object)).code();
    }

    int delete(String objectPath) {
        return handleDelete(objectPath).code();
    }

    List<Pod> pods() {
        PodList list = get("/api/v1/pods", PodList.class);
        return list == null ? List.of() : list.getItems();
    }

    private static RecordedRequest request(HttpMethod method, String path, HasMetadata object) {
        String body = Serialization.asJson(object);
        Headers headers = Headers.builder().add("Content-Type", "application/json").build();
        return new RecordedRequest("HTTP/1.1", method, path, headers, new Buffer(body.getBytes(StandardCharsets.UTF_8)));
    }

    static Map<String, String> labels(HasMetadata o) {
        return o.getMetadata().getLabels() == null ? Map.of() : o.getMetadata().getLabels();
    }
}
