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
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * kubernetes-server-mock's CRUD dispatcher with what a real API server does that CRUD mode lacks:
 * <ul>
 *   <li>the policy/v1 eviction subresource: 404 for a missing pod, 409 when {@code deleteOptions.preconditions.uid}
 *       names another UID than the pod's, 429 when a PodDisruptionBudget allows
 *       no disruption, 500 when two budgets cover the pod, otherwise the budget is charged, the pod
 *       deleted and 201 answered;</li>
 *   <li>discovery ({@code /api}, {@code /apis}, {@code /api/v1}, {@code /apis/policy/v1}, {@code /version}),
 *       which is all kubectl needs before it lists anything;</li>
 *   <li>optionally, graceful pod deletion: an evicted or deleted pod becomes Terminating and stays until
 *       its kubelet confirms (the simulation's kubelet stand-in), instead of vanishing at once.</li>
 * </ul>
 * Every request lands in a bounded log. Interceptors can answer a request instead (fault injection).
 *
 * <p>Never calls the server over HTTP from inside {@link #dispatch}: it runs on the server's one event
 * loop and would deadlock. Everything goes through the in-memory store directly. Writes, from a client
 * or from the simulation, are serialised on one lock ({@link #atomically}), so that a read-check-write
 * such as an eviction is atomic as it is on a real API server.
 */
public class ApiDispatcher extends KubernetesCrudDispatcher {

    private static final Pattern EVICTION = Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/([^/]+)/eviction$");
    private static final Pattern POD = Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/([^/]+)$");
    /**
     * Holds a gracefully deleted pod in the store until its kubelet confirms: CRUD mode removes an object
     * at once unless a finalizer is left on it. Only Terminating pods carry it.
     */
    public static final String KUBELET_FINALIZER = "sim.happypath.dev/kubelet";
    private static final ObjectMapper JSON = Serialization.jsonMapper();

    /**
     * One request as the API server saw it.
     *
     * @param uid for an eviction, the pod UID its {@code deleteOptions.preconditions.uid} named (with 201: the
     *            UID of the pod evicted), else null
     */
    public record LoggedRequest(String method, String path, int code, String uid) {

        public LoggedRequest(String method, String path, int code) {
            this(method, path, code, null);
        }
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
    private final Object writes = new Object();
    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();
    private volatile Clock clock = Clock.systemUTC();
    private volatile boolean gracefulPodDeletion;
    private final WatchStreams watchStreams = new WatchStreams();
    /** On once a client outside this process may stream watches (see {@link OutsideClients}). */
    private volatile boolean streamingWatches;
    private final ListPages pages = new ListPages();

    public ApiDispatcher(int logLimit) {
        this.logLimit = logLimit;
    }

    /** The clock of the timestamps this server writes (deletion, disrupted pods). */
    public void useClock(Clock clock) {
        this.clock = clock;
    }

    Clock clock() {
        return clock;
    }

    /**
     * On: an evicted or deleted pod becomes Terminating (deletionTimestamp set) and stays until
     * {@link #finishDeletion} (its kubelet) or a delete with {@code gracePeriodSeconds=0}. Off (the
     * default, for tests without a kubelet): it is removed at once.
     */
    public void gracefulPodDeletion(boolean on) {
        this.gracefulPodDeletion = on;
    }

    /** Runs {@code work} while no client write can interleave. */
    public <T> T atomically(Supplier<T> work) {
        synchronized (writes) {
            return work.get();
        }
    }

    public void atomically(Runnable work) {
        synchronized (writes) {
            work.run();
        }
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String path = request.getPath();
        String method = request.getMethod();
        String body = request.method() == HttpMethod.GET || request.getBody() == null ? "" : request.getBody().readUtf8();
        MockResponse response = null;
        for (Interceptor i : interceptors) {
            response = i.intercept(method, path, body);
            if (response != null) {
                break;
            }
        }
        if (response == null && request.method() == HttpMethod.GET) {
            response = Discovery.answer(pathOnly(path));
            if (response == null) {
                // reads (and watches) take the store's own read lock; holding ours here could stall writers
                response = read(request, path);
            }
        } else if (response == null) {
            response = atomically(() -> write(request, path, body));
        }
        if (response != null && response.header("Content-Type") == null && response.getBody() != null && response.getBody().size() > 0) {
            // say it: client-go reads a body without a Content-Type as its own default, protobuf for kubectl drain/cordon
            response.setHeader("Content-Type", "application/json");
        }
        if (response != null && request.method() == HttpMethod.GET) {
            compressed(request, response);
        }
        record(method, path, response == null ? 0 : response.code(),
                EVICTION.matcher(pathOnly(path)).matches() ? preconditionUid(body) : null);
        return response;
    }

    /**
     * Takes a closing watch off CRUD mode's list of watchers (a private field of KubernetesCrudDispatcher,
     * hence the reflection), before it shuts down: see {@link WatchCloseOffTheEventLoop}. Should the field
     * ever be gone, the watch stays listed until its own close removes it, as before.
     */
    private void forgetWatch(Object watch) {
        if (WATCHERS != null) {
            try {
                ((java.util.Set<?>) WATCHERS.get(this)).remove(watch);
            } catch (IllegalAccessException | RuntimeException e) {
                // as without it
            }
        }
    }

    private static final java.lang.reflect.Field WATCHERS = watchersField();

    private static java.lang.reflect.Field watchersField() {
        try {
            java.lang.reflect.Field f = KubernetesCrudDispatcher.class.getDeclaredField("watchEventListeners");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /**
     * From now on every change is kept for watches streamed over plain HTTP ({@link WatchStreams}); off
     * until then, so that tests and benchmarks without such a client pay nothing for it.
     */
    void streamWatches() {
        atomically(() -> {
            if (!streamingWatches) {
                // what came before cannot be replayed: a watch from an older resourceVersion gets 410 Expired
                watchStreams.beginAt(requestResourceVersion());
                streamingWatches = true;
            }
        });
    }

    WatchStreams watchStreams() {
        return watchStreams;
    }

    /** The objects of a collection now, from the store. */
    List<JsonNode> current(String collectionPath) {
        MockResponse r = handleGet(collectionPath);
        List<JsonNode> out = new ArrayList<>();
        if (r.code() == 200) {
            try {
                JSON.readTree(r.getBody().readUtf8()).path("items").forEach(out::add);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("unreadable list at " + collectionPath, e);
            }
        }
        return out;
    }

    /**
     * Every change to the store passes here (CRUD mode's own watch notification), with the write lock held:
     * the streamed watches get it too.
     */
    @Override
    public void processEvent(String path, io.fabric8.mockwebserver.crud.AttributeSet pathAttributes,
                             io.fabric8.mockwebserver.crud.AttributeSet oldAttributes,
                             io.fabric8.kubernetes.api.model.GenericKubernetesResource resource, String newState) {
        // CRUD mode removes the old state first: what a DELETED event carries must be read before
        Map.Entry<io.fabric8.mockwebserver.crud.AttributeSet, String> old =
                streamingWatches && newState == null && oldAttributes != null ? findResource(oldAttributes) : null;
        super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
        if (!streamingWatches) {
            return;
        }
        try {
            if (newState == null) {
                JsonNode last = old != null ? JSON.readTree(old.getValue()) : resource != null ? JSON.valueToTree(resource) : null;
                if (!(last instanceof ObjectNode gone)) {
                    return;
                }
                // a deletion is a change of its own, with a resourceVersion of its own, as on a real server
                long rv = requestResourceVersion();
                if (gone.get("metadata") instanceof ObjectNode meta) {
                    meta.put("resourceVersion", String.valueOf(rv));
                }
                watchStreams.changed("DELETED", gone, rv);
            } else {
                JsonNode object = JSON.readTree(newState);
                long rv = Long.parseLong(object.path("metadata").path("resourceVersion").asText("0"));
                watchStreams.changed(oldAttributes == null ? "ADDED" : "MODIFIED", object, rv);
            }
        } catch (java.io.IOException | NumberFormatException e) {
            // not an object a watcher could read: CRUD mode has told its own watchers; nothing to stream
        }
    }

    /** How many writes the store has taken (a client's or the simulation's): equal counts, same cluster. */
    public long changes() {
        return changes.get();
    }

    /** A GET: field selectors applied (CRUD mode ignores them), and a Table when the client asks for one. */
    /** Responses larger than this are sent gzip-compressed to a client that accepts it, as the API server does. */
    public static final int GZIP_THRESHOLD_BYTES = 128 * 1024;

    /**
     * A real API server compresses a large GET or LIST response when the client sends {@code Accept-Encoding:
     * gzip} (APIResponseCompression, on by default since Kubernetes 1.16; gzip level 1); so does this one, so
     * that a client's reading of compressed pages is what is tested and measured.
     */
    private final java.util.concurrent.atomic.AtomicLong compressedResponses = new java.util.concurrent.atomic.AtomicLong();

    /** How many responses went out gzip-compressed. */
    public long compressedResponses() {
        return compressedResponses.get();
    }

    private void compressed(RecordedRequest request, MockResponse response) {
        String accepts = request.getHeader("Accept-Encoding");
        if (accepts == null || !accepts.toLowerCase(java.util.Locale.ROOT).contains("gzip") || response.header("Content-Encoding") != null
                || response.getBody() == null || response.getBody().size() <= GZIP_THRESHOLD_BYTES) {
            return;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream((int) (response.getBody().size() / 8));
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(out, 64 * 1024) {
            {
                def.setLevel(java.util.zip.Deflater.BEST_SPEED);
            }
        }) {
            gzip.write(response.getBody().getBytes());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        response.setBody(out.toByteArray());
        response.setHeader("Content-Encoding", "gzip");
        compressedResponses.incrementAndGet();
    }

    private MockResponse read(RecordedRequest request, String path) {
        List<FieldSelectors.Requirement> fields;
        try {
            fields = FieldSelectors.of(path);
        } catch (IllegalArgumentException e) {
            return status(400, "BadRequest", e.getMessage());
        }
        boolean watch = path.matches(".*[?&]watch=(true|1)(&.*)?$");
        String target = fields.isEmpty() ? path : FieldSelectors.without(path);
        if (watch && request.getHeader("Upgrade") == null) {
            // kubectl watches over a streamed HTTP response; the mock server's own address only streams over
            // WebSocket (fabric8's way): such a watch is refused plainly here, and served at the address the
            // kubeconfig names (OutsideClients)
            return status(405, "MethodNotAllowed", "this address of the in-process API serves watches over WebSocket only; "
                    + "streamed watches (kubectl get -w) are served at the address in the kubeconfig it writes");
        }
        if (watch) {
            String name = FieldSelectors.onlyName(fields);
            if (name != null) {
                // watching one object by name (kubectl delete waits this way): the mock watches a named path
                int q = target.indexOf('?');
                target = target.substring(0, q) + "/" + name + target.substring(q);
            }
            // any other field selector on a watch is not applied: the watcher sees the whole collection
            MockResponse upgrade = super.dispatch(copy(request, target, ""));
            return upgrade.getWebSocketListener() == null ? upgrade
                    : upgrade.withWebSocketUpgrade(WatchCloseOffTheEventLoop.wrap(upgrade.getWebSocketListener(), this::forgetWatch));
        }
        // read before the list: a watch from it then misses nothing (at worst it sees a change twice)
        long listedAt = watchStreams.latest();
        ListPages.Request paging;
        try {
            paging = ListPages.of(target);
        } catch (IllegalArgumentException e) {
            return status(400, "BadRequest", e.getMessage());
        }
        if (paging.paged() && isCollection(pathOnly(path))) {
            return page(request, path, target, fields, paging, streamingWatches ? String.valueOf(listedAt) : storeResourceVersion());
        }
        MockResponse response = super.dispatch(copy(request, target, ""));
        if (response.code() != 200 || response.getWebSocketListener() != null) {
            return response;
        }
        String json = response.getBody().readUtf8();
        String resource = resourceOf(pathOnly(path));
        json = typedList(json, resource, fields, streamingWatches ? listedAt : 0);
        if (Tables.wanted(request.getHeader("Accept")) && resource != null) {
            json = Tables.render(resource, json, clock.instant(), path.contains("includeObject=Object"));
        }
        return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json").setBody(json);
    }

    /** A LIST with {@code limit} or {@code continue}: one page of a consistent view (see {@link ListPages}). */
    private MockResponse page(RecordedRequest request, String path, String target, List<FieldSelectors.Requirement> fields,
                              ListPages.Request paging, String listResourceVersion) {
        String resource = resourceOf(pathOnly(path));
        String kind = LIST_KINDS.getOrDefault(resource, "List");
        String apiVersion = kind.equals("List") ? "v1" : LIST_API_VERSIONS.getOrDefault(resource, "v1");
        ListPages.Page page = pages.page(paging, map, getKey(target), fields.isEmpty() ? null : item -> fields.stream().allMatch(f -> f.matches(item)),
                listResourceVersion, kind, apiVersion);
        if (page.code() != 200) {
            return status(page.code(), page.reason(), page.message());
        }
        String json = page.body();
        if (Tables.wanted(request.getHeader("Accept"))) {
            json = Tables.render(resource, json, clock.instant(), path.contains("includeObject=Object"));
        }
        return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json").setBody(json);
    }

    /**
     * From now on every unfinished paged LIST's {@code continue} token is answered 410 Gone (Expired), as a
     * real API server answers one whose revision etcd has compacted away.
     */
    public void expireContinueTokens() {
        pages.expireAll();
    }

    /** Whether a path names a collection (pods, namespaces/x/pods) rather than one object or a subresource. */
    static boolean isCollection(String path) {
        String[] parts = path.replaceAll("^/+|/+$", "").split("/");
        int version = parts.length > 0 && parts[0].equals("api") ? 2 : 3;
        int rest = parts.length - version;
        return rest == 1 || rest == 3 && parts[version].equals("namespaces");
    }

    /** CRUD mode's resourceVersion counter (private to it, hence the reflection); "0" should it be gone. */
    private String storeResourceVersion() {
        if (RESOURCE_VERSION != null) {
            try {
                return String.valueOf(((java.util.concurrent.atomic.AtomicLong) RESOURCE_VERSION.get(this)).get());
            } catch (IllegalAccessException | RuntimeException e) {
                // as below
            }
        }
        return "0";
    }

    private static final java.lang.reflect.Field RESOURCE_VERSION = storeField("resourceVersion");

    private static java.lang.reflect.Field storeField(String name) {
        try {
            java.lang.reflect.Field f = KubernetesCrudDispatcher.class.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static final Map<String, String> LIST_KINDS = Map.of("pods", "PodList", "nodes", "NodeList",
            "namespaces", "NamespaceList", "persistentvolumeclaims", "PersistentVolumeClaimList",
            "persistentvolumes", "PersistentVolumeList", "poddisruptionbudgets", "PodDisruptionBudgetList",
            "events", "EventList", "configmaps", "ConfigMapList", "leases", "LeaseList");
    private static final Map<String, String> LIST_API_VERSIONS = Map.of("poddisruptionbudgets", "policy/v1",
            "leases", "coordination.k8s.io/v1");

    /**
     * A list as a real server answers it: only the items the field selector admits, and typed (PodList, not
     * CRUD mode's plain List: kubectl's typed clients, as in describe, find no items in a plain List).
     */
    private static String typedList(String json, String resource, List<FieldSelectors.Requirement> fields, long resourceVersion) {
        try {
            JsonNode list = JSON.readTree(json);
            if (!list.has("items") || !(list instanceof ObjectNode o)) {
                return json;
            }
            if (resourceVersion > 0 && o.path("metadata").path("resourceVersion").asText("").isEmpty()) {
                // what kubectl get -w watches from (CRUD mode gives lists none)
                ObjectNode meta = o.get("metadata") instanceof ObjectNode m ? m : o.putObject("metadata");
                meta.put("resourceVersion", String.valueOf(resourceVersion));
            }
            if (!fields.isEmpty()) {
                com.fasterxml.jackson.databind.node.ArrayNode kept = JSON.createArrayNode();
                for (JsonNode item : list.get("items")) {
                    if (fields.stream().allMatch(f -> f.matches(item))) {
                        kept.add(item);
                    }
                }
                o.set("items", kept);
            }
            String kind = LIST_KINDS.get(resource);
            if (kind != null && "List".equals(o.path("kind").asText())) {
                o.put("kind", kind);
                o.put("apiVersion", LIST_API_VERSIONS.getOrDefault(resource, "v1"));
            }
            return o.toString();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable list: " + e.getMessage(), e);
        }
    }

    /** The plural resource a path reads (pods, nodes, ...), or null for anything but an object or a collection. */
    static String resourceOf(String path) {
        String[] parts = path.replaceAll("^/+|/+$", "").split("/");
        int version = parts.length > 0 && parts[0].equals("api") ? 2 : 3;
        if (parts.length <= version) {
            return null;
        }
        String[] rest = java.util.Arrays.copyOfRange(parts, version, parts.length);
        if (rest[0].equals("namespaces") && rest.length >= 3) {
            return rest.length <= 4 ? rest[2] : null;
        }
        return rest.length <= 2 ? rest[0] : null;
    }

    private MockResponse write(RecordedRequest request, String path, String body) {
        changes.incrementAndGet();
        Matcher eviction = EVICTION.matcher(pathOnly(path));
        if (request.method() == HttpMethod.POST && eviction.matches()) {
            return evict(eviction.group(1), eviction.group(2), body);
        }
        Matcher pod = POD.matcher(pathOnly(path));
        if (gracefulPodDeletion && request.method() == HttpMethod.DELETE && pod.matches()) {
            return deletePod(pod.group(1), pod.group(2), body, path);
        }
        if (request.method() == HttpMethod.PATCH) {
            String type = String.valueOf(request.getHeader("Content-Type"));
            if (type.startsWith("application/strategic-merge-patch+json")) {
                return strategicMergePatch(request, path, body);
            }
            if (type.startsWith("application/apply-patch")) {
                return status(415, "UnsupportedMediaType", "server-side apply is not served by this in-process API: "
                        + "use a strategic merge, merge or JSON patch (kubectl patch, label, taint, cordon)");
            }
        }
        MockResponse response = super.dispatch(copy(request, path, body));
        // CRUD mode answers a JSON patch 202; an API server answers every applied PATCH 200 with the object
        return request.method() == HttpMethod.PATCH && response.code() == 202 ? response.setResponseCode(200) : response;
    }

    /**
     * A strategic merge patch (kubectl cordon, taint, label, patch): applied here to the stored object and
     * written back as an update, which CRUD mode then treats as any other (resourceVersion, watch events).
     */
    private MockResponse strategicMergePatch(RecordedRequest request, String path, String body) {
        String objectPath = pathOnly(path).replaceAll("/status$", "");
        MockResponse found = handleGet(objectPath);
        if (found.code() != 200) {
            String[] parts = objectPath.split("/");
            return status(404, "NotFound", resourceOf(objectPath) + " \"" + parts[parts.length - 1] + "\" not found");
        }
        JsonNode current;
        JsonNode patch;
        try {
            current = JSON.readTree(found.getBody().readUtf8());
            patch = JSON.readTree(body);
        } catch (java.io.IOException e) {
            return status(400, "BadRequest", "the patch is not JSON: " + e.getMessage());
        }
        if (patch == null || !patch.isObject()) {
            return status(400, "BadRequest", "a strategic merge patch must be a JSON object");
        }
        ObjectNode patched = (ObjectNode) StrategicMergePatch.apply(current, patch);
        if (!patch.path("metadata").has("resourceVersion")) {
            // no precondition in the patch: it applies to whatever version is stored now, as on a real server
            if (patched.get("metadata") instanceof ObjectNode meta) {
                meta.set("resourceVersion", current.path("metadata").path("resourceVersion"));
            }
        }
        Headers headers = Headers.builder().add("Content-Type", "application/json").build();
        return super.dispatch(new RecordedRequest(request.getHttpVersion(), HttpMethod.PUT, path, headers,
                new Buffer(patched.toString().getBytes(StandardCharsets.UTF_8))));
    }

    private static RecordedRequest copy(RecordedRequest request, String path, String body) {
        return new RecordedRequest(request.getHttpVersion(), request.method(), path, request.getHeaders(),
                new Buffer(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static String pathOnly(String path) {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    private void record(String method, String path, int code, String uid) {
        synchronized (log) {
            log.addLast(new LoggedRequest(method, path, code, uid));
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

    private MockResponse evict(String namespace, String name, String body) {
        Pod pod = get(podPath(namespace, name), Pod.class);
        if (pod == null) {
            return status(404, "NotFound", "pods \"" + name + "\" not found");
        }
        // deleteOptions.preconditions.uid: a real API server refuses to evict another pod that took the name
        String wanted = preconditionUid(body);
        if (wanted != null && !wanted.equals(pod.getMetadata().getUid())) {
            return status(409, "Conflict", "Operation cannot be fulfilled on Pod \"" + name + "\": the UID in the precondition ("
                    + wanted + ") does not match the UID in record (" + pod.getMetadata().getUid()
                    + "). The object might have been deleted and then recreated");
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
                b.getStatus().getDisruptedPods().put(name, clock.instant().toString());
                put(budgetsPath(namespace) + "/" + b.getMetadata().getName(), b);
            }
        }
        if (gracefulPodDeletion) {
            markTerminating(pod);
        } else {
            handleDelete(podPath(namespace, name));
        }
        for (Consumer<Pod> listener : evictionListeners) {
            listener.accept(pod);
        }
        return status(201, null, null);
    }

    /** The UID an Eviction's deleteOptions.preconditions require, or null when it names none. */
    private static String preconditionUid(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode uid = JSON.readTree(body).path("deleteOptions").path("preconditions").path("uid");
            return uid.isTextual() ? uid.asText() : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** DELETE of a pod: graceful unless the options say gracePeriodSeconds=0 (kubectl delete --force --grace-period=0). */
    private MockResponse deletePod(String namespace, String name, String body, String path) {
        Pod pod = get(podPath(namespace, name), Pod.class);
        if (pod == null) {
            return status(404, "NotFound", "pods \"" + name + "\" not found");
        }
        boolean force = path.contains("gracePeriodSeconds=0") || body.replace(" ", "").contains("\"gracePeriodSeconds\":0");
        Pod after = force ? finishDeletion(pod) : markTerminating(pod);
        return new MockResponse().setResponseCode(200).setBody(Serialization.asJson(after));
    }

    /**
     * What the API server does on a graceful delete: sets deletionTimestamp and deletionGracePeriodSeconds;
     * the pod stays (Terminating) until its kubelet confirms. Already Terminating: unchanged.
     */
    public Pod markTerminating(Pod pod) {
        return atomically(() -> {
            Pod current = get(podPath(pod.getMetadata().getNamespace(), pod.getMetadata().getName()), Pod.class);
            if (current == null || current.getMetadata().getDeletionTimestamp() != null) {
                return current;
            }
            long grace = current.getSpec().getTerminationGracePeriodSeconds() == null ? 30 : current.getSpec().getTerminationGracePeriodSeconds();
            current.getMetadata().setDeletionTimestamp(clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
            current.getMetadata().setDeletionGracePeriodSeconds(grace);
            List<String> finalizers = new ArrayList<>(current.getMetadata().getFinalizers());
            finalizers.add(KUBELET_FINALIZER);
            current.getMetadata().setFinalizers(finalizers);
            put(podPath(current.getMetadata().getNamespace(), current.getMetadata().getName()), current);
            return current;
        });
    }

    /** The kubelet's confirmation (or a forced delete): the pod object goes away. */
    public Pod finishDeletion(Pod pod) {
        return atomically(() -> {
            String path = podPath(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
            Pod current = get(path, Pod.class);
            if (current == null) {
                return null;
            }
            List<String> finalizers = new ArrayList<>(current.getMetadata().getFinalizers());
            finalizers.remove(KUBELET_FINALIZER);
            current.getMetadata().setFinalizers(finalizers);
            if (current.getMetadata().getDeletionTimestamp() == null) {
                current.getMetadata().setDeletionTimestamp(clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
            }
            // CRUD mode removes a marked object on update once no finalizer is left; with someone else's
            // finalizer it stays, marked, as on a real server
            put(path, current);
            return current;
        });
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
        changes.incrementAndGet();
        return handleCreate(request(HttpMethod.POST, collectionPath, object)).code();
    }

    /**
     * Creates many objects in time linear in their number, with exactly what {@link #create} stores for each
     * (CRUD mode's own create: uid, creationTimestamp, resourceVersion; watchers see ADDED). CRUD mode looks
     * for an existing object by scanning its whole store before each create, so N creates take N²/2 scans
     * (over 15 minutes for the 36,567 objects of a 30,000-pod cluster). Here each create runs against an
     * empty store, its entry is moved aside, and the store takes them all back at the end, in order. A
     * reader during the seeding sees part of the cluster, as it would during N creates; seed before serving.
     *
     * @throws IllegalStateException when an object is there already, or is refused (as create's 409/422)
     */
    void seed(java.util.Collection<? extends HasMetadata> objects, java.util.function.Function<HasMetadata, String> collectionPath) {
        atomically(() -> {
            java.util.Set<String> names = new java.util.HashSet<>();
            for (Map.Entry<io.fabric8.mockwebserver.crud.AttributeSet, String> e : snapshotOfStore().entrySet()) {
                JsonNode meta = readTree(e.getValue()).path("metadata");
                names.add(e.getKey().getAttribute("plural") + "/" + meta.path("namespace").asText("") + "/" + meta.path("name").asText());
            }
            Map<io.fabric8.mockwebserver.crud.AttributeSet, String> before = snapshotOfStore();
            Map<io.fabric8.mockwebserver.crud.AttributeSet, String> created = new java.util.LinkedHashMap<>();
            try {
                map.clear();
                for (HasMetadata object : objects) {
                    int code = create(collectionPath.apply(object), object);
                    if (code >= 300) {
                        throw new IllegalStateException("create " + object.getKind() + " " + object.getMetadata().getName() + ": HTTP " + code);
                    }
                    Map.Entry<io.fabric8.mockwebserver.crud.AttributeSet, String> only = map.entrySet().iterator().next();
                    JsonNode meta = readTree(only.getValue()).path("metadata");
                    if (!names.add(only.getKey().getAttribute("plural") + "/" + meta.path("namespace").asText("") + "/" + meta.path("name").asText())) {
                        throw new IllegalStateException("create " + object.getKind() + " " + object.getMetadata().getName() + ": HTTP 409 (already exists)");
                    }
                    created.put(only.getKey(), only.getValue());
                    map.clear();
                }
            } finally {
                map.clear();
                map.putAll(before);
                map.putAll(created);
            }
        });
    }

    private Map<io.fabric8.mockwebserver.crud.AttributeSet, String> snapshotOfStore() {
        synchronized (map) {
            return new java.util.LinkedHashMap<>(map);
        }
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable stored object: " + e.getMessage(), e);
        }
    }

    /** Replaces the object; watchers see MODIFIED. */
    int put(String objectPath, HasMetadata object) {
        changes.incrementAndGet();
        object.getMetadata().setResourceVersion(null);
        return handleUpdate(request(HttpMethod.PUT, objectPath, object)).code();
    }

    int delete(String objectPath) {
        changes.incrementAndGet();
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
