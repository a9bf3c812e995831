package dev.happypath.rebalancer.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.vertx.HttpServerRequestHandler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The address the in-process API gives clients in other processes (the kubeconfig's server): the same
 * dispatcher, store and WebSocket watches as the mock server's own address, plus what the mock server
 * cannot do, watches streamed over plain HTTP ({@code kubectl get -w}, the wait of {@code kubectl delete}):
 * the mock server answers a request with one whole body, a streamed watch never ends.
 */
final class OutsideClients implements AutoCloseable {

    private static final ObjectMapper JSON = Serialization.jsonMapper();

    private final Vertx vertx;
    private final boolean ownVertx;
    private final ApiDispatcher dispatcher;
    private final HttpServer server;
    private final Set<HttpServerResponse> streaming = ConcurrentHashMap.newKeySet();

    private OutsideClients(Vertx vertx, boolean ownVertx, ApiDispatcher dispatcher) {
        this.vertx = vertx;
        this.ownVertx = ownVertx;
        this.dispatcher = dispatcher;
        HttpServerRequestHandler store = new HttpServerRequestHandler(vertx) {
            @Override
            protected MockResponse onHttpRequest(RecordedRequest request) {
                return dispatcher.dispatch(request);
            }
        };
        this.server = vertx.createHttpServer(new HttpServerOptions().setHost(InetAddress.getLoopbackAddress().getHostAddress()).setPort(0)
                .setHandle100ContinueAutomatically(true)
                .setWebSocketSubProtocols(List.of("v1.channel.k8s.io", "v2.channel.k8s.io", "v3.channel.k8s.io", "v4.channel.k8s.io")));
        server.requestHandler(request -> {
            if (streamedWatch(request)) {
                stream(request);
            } else {
                store.handle(request);
            }
        });
    }

    /** Serves {@code dispatcher} on a new loopback port, on the mock server's event loop when it can be reached. */
    static OutsideClients start(MockWebServer mock, ApiDispatcher dispatcher) {
        Vertx vertx = vertxOf(mock);
        OutsideClients front = new OutsideClients(vertx == null ? Vertx.vertx() : vertx, vertx == null, dispatcher);
        try {
            front.server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            front.close();
            throw new IllegalStateException("cannot serve the in-process API to other processes: " + e.getMessage(), e);
        }
        dispatcher.streamWatches();
        return front;
    }

    /** The mock server's own Vert.x (a private field): one event loop for both addresses; null if unreachable. */
    private static Vertx vertxOf(MockWebServer mock) {
        try {
            java.lang.reflect.Field f = MockWebServer.class.getDeclaredField("vertx");
            f.setAccessible(true);
            return (Vertx) f.get(mock);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    String url() {
        return "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + server.actualPort() + "/";
    }

    private static boolean streamedWatch(HttpServerRequest request) {
        String watch = request.getParam("watch");
        return request.method() == HttpMethod.GET && ("true".equals(watch) || "1".equals(watch))
                && !"websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
    }

    private void stream(HttpServerRequest request) {
        String uri = request.uri();
        String path = uri.indexOf('?') < 0 ? uri : uri.substring(0, uri.indexOf('?'));
        HttpServerResponse response = request.response();
        String resource = ApiDispatcher.resourceOf(path);
        if (resource == null) {
            end(response, 404, "NotFound", "no collection to watch at " + path);
            return;
        }
        String[] parts = path.replaceAll("^/+|/+$", "").split("/");
        int version = parts[0].equals("api") ? 2 : 3;
        String namespace = parts.length > version + 1 && parts[version].equals("namespaces") ? parts[version + 1] : null;
        Predicate<JsonNode> filter;
        try {
            List<FieldSelectors.Requirement> fields = FieldSelectors.of(uri);
            String named = parts.length == version + (namespace == null ? 2 : 4) ? parts[parts.length - 1] : null;
            Predicate<JsonNode> byLabels = WatchStreams.labels(WatchStreams.param(uri, "labelSelector"));
            filter = o -> fields.stream().allMatch(f -> f.matches(o)) && byLabels.test(o)
                    && (named == null || named.equals(o.path("metadata").path("name").asText()));
        } catch (IllegalArgumentException e) {
            end(response, 400, "BadRequest", e.getMessage());
            return;
        }
        String rv = WatchStreams.param(uri, "resourceVersion");
        Long from;
        try {
            from = rv == null || rv.isEmpty() || rv.equals("0") ? null : Long.parseLong(rv);
        } catch (NumberFormatException e) {
            end(response, 400, "BadRequest", "resourceVersion '" + rv + "' is not one this server gave");
            return;
        }
        WatchStreams.Selection selection = new WatchStreams.Selection(resource, namespace, filter);
        response.setChunked(true).setStatusCode(200).putHeader("Content-Type", "application/json");
        streaming.add(response);
        boolean table = Tables.wanted(request.getHeader("Accept"));
        boolean fullObject = uri.contains("includeObject=Object");
        boolean[] first = {true};
        WatchStreams.Sink sink = (type, kind, object) -> {
            JsonNode sent = object;
            if (table && !type.equals("ERROR")) {
                // kubectl get -w asks for rows, as for the list it printed first: each event carries a Table
                // of one row, the column definitions only in the first, as the API server sends them
                sent = read(Tables.render(kind, object.toString(), dispatcher.clock().instant(), fullObject));
                if (!first[0] && sent instanceof com.fasterxml.jackson.databind.node.ObjectNode t) {
                    t.putArray("columnDefinitions");
                }
                first[0] = false;
            }
            try {
                response.write(WatchStreams.Change.line(type, sent));
                return true;
            } catch (IllegalStateException closed) {
                return false;
            }
        };
        boolean started = dispatcher.atomically(() -> dispatcher.watchStreams().start(selection, from,
                from == null ? dispatcher.current(collectionOf(path, parts, version, namespace)) : List.of(), sink));
        if (!started) {
            // the API server's answer to a resourceVersion it no longer remembers: an ERROR event, then the end
            sink.send("ERROR", resource, JSON.createObjectNode().put("kind", "Status").put("apiVersion", "v1").put("status", "Failure")
                    .put("message", "too old resource version: " + from).put("reason", "Expired").put("code", 410));
            finish(response);
            return;
        }
        Runnable stop = () -> {
            dispatcher.watchStreams().stop(sink);
            streaming.remove(response);
        };
        response.closeHandler(v -> stop.run());
        request.connection().closeHandler(v -> stop.run());
        String timeout = WatchStreams.param(uri, "timeoutSeconds");
        if (timeout != null && timeout.matches("\\d+") && Long.parseLong(timeout) > 0) {
            vertx.setTimer(TimeUnit.SECONDS.toMillis(Long.parseLong(timeout)), t -> {
                stop.run();
                finish(response);
            });
        }
    }

    /** The collection a watch path names (a watch of one object by its path watches it in its collection). */
    private static String collectionOf(String path, String[] parts, int version, String namespace) {
        int length = version + (namespace == null ? 1 : 3);
        return parts.length > length ? "/" + String.join("/", java.util.Arrays.copyOf(parts, length)) : path;
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable table: " + e.getMessage(), e);
        }
    }

    private static void finish(HttpServerResponse response) {
        try {
            response.end();
        } catch (IllegalStateException alreadyGone) {
            // the client left first
        }
    }

    private static void end(HttpServerResponse response, int code, String reason, String message) {
        var status = JSON.createObjectNode().put("kind", "Status").put("apiVersion", "v1").put("status", "Failure")
                .put("message", message).put("reason", reason).put("code", code);
        response.setStatusCode(code).putHeader("Content-Type", "application/json").end(status.toString());
    }

    @Override
    public void close() {
        for (HttpServerResponse r : new ArrayList<>(streaming)) {
            finish(r);
        }
        try {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing anyway
        }
        if (ownVertx) {
            vertx.close();
        }
    }
}
