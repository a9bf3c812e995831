package dev.happypath.rebalancer.metrics;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Serves {@code GET /metrics} in the Prometheus text format, and the probes a Deployment points at:
 * {@code /healthz} (the process is alive and serving) and {@code /readyz} (it can reach the API server
 * and its Lease). The JDK's own HTTP server is enough for a scrape and a probe.
 */
public final class MetricsEndpoint implements AutoCloseable {

    private final HttpServer server;

    private MetricsEndpoint(HttpServer server) {
        this.server = server;
    }

    /** Whether the daemon is ready: null when it is, else why not (one sentence, the body of a 503). */
    @FunctionalInterface
    public interface Readiness {
        String problem();
    }

    public static MetricsEndpoint serve(int port, PassMetrics metrics) throws IOException {
        return serve(port, metrics, () -> null);
    }

    public static MetricsEndpoint serve(int port, PassMetrics metrics, Readiness readiness) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        // alive: answering at all is the proof; a wedged JVM does not answer and the kubelet restarts it
        server.createContext("/healthz", exchange -> text(exchange, 200, "ok\n"));
        server.createContext("/readyz", exchange -> {
            String problem = readiness.problem();
            text(exchange, problem == null ? 200 : 503, problem == null ? "ok\n" : "not ready: " + problem + "\n");
        });
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                if (!exchange.getRequestMethod().equals("GET")) {
                    exchange.sendResponseHeaders(405, -1);
                    return;
                }
                byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
        return new MetricsEndpoint(server);
    }

    private static void text(com.sun.net.httpserver.HttpExchange exchange, int code, String text) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(code, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
