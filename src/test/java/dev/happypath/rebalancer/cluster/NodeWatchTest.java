package dev.happypath.rebalancer.cluster;

import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.testing.Await;
import dev.happypath.rebalancer.testing.CapturedStderr;
import dev.happypath.rebalancer.testing.LiveCluster;
import dev.happypath.rebalancer.testing.OpsCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The daemon's node watch against the in-process API: what ends one of its watches, and what it does then. */
class NodeWatchTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    /** A Node whose metadata is not an object: no client can read it (a broken or much newer API server). */
    private static final String UNREADABLE_EVENT =
            "{\"type\":\"MODIFIED\",\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":\"unreadable\"}}";

    private static boolean watchOfNodes(String method, String path) {
        return method.equals("GET") && path.startsWith("/api/v1/nodes?") && path.contains("watch=true");
    }

    private static boolean ready(List<List<NodeState>> seen, String node) {
        if (seen.isEmpty()) {
            return false;
        }
        return seen.get(seen.size() - 1).stream().anyMatch(n -> n.name().equals(node) && n.isReady());
    }

    /**
     * fabric8's informer stops for good, by default, when a watch ends on an event it cannot read: a daemon
     * then never saw a worker recover again, and said nothing (the informer's own log is off). The node
     * watch lists and watches again instead, and says so.
     */
    @Test
    void aWatchEventNoClientCanReadEndsThatWatchNotTheNodeWatch() {
        try (CapturedStderr logs = CapturedStderr.start();
             LiveCluster c = OpsCluster.withoutController(true)) {
            AtomicInteger watches = new AtomicInteger();
            AtomicReference<WebSocket> first = new AtomicReference<>();
            c.api().dispatcher().addInterceptor((m, p, b) -> watchOfNodes(m, p) && watches.incrementAndGet() == 1
                    ? new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
                        @Override
                        public void onOpen(WebSocket webSocket, Response response) {
                            first.set(webSocket);
                        }
                    })
                    : null);
            List<List<NodeState>> seen = new CopyOnWriteArrayList<>();
            try (KubernetesClient client = c.connect(); NodeWatch watch = NodeWatch.start(client, seen::add)) {
                Await.until(WAIT, "the first watch open", () -> first.get() != null);
                assertThat(ready(seen, OpsCluster.WORKER)).as("the worker is down at the start").isFalse();

                first.get().send(UNREADABLE_EVENT);

                Await.until(WAIT, () -> "a second watch after the event it could not read; watches: " + watches.get(),
                        () -> watches.get() >= 2);
                OpsCluster.setReady(c, OpsCluster.WORKER, true);
                Await.until(WAIT, "the worker's recovery handed on", () -> ready(seen, OpsCluster.WORKER));
            }
            String warning = logs.text().lines().filter(l -> l.contains("the node watch failed (")).findFirst().orElse("");
            assertThat(warning).as(logs::text).contains("it lists the nodes and watches them again")
                    .contains("processing watch event: Cannot construct instance of");
            assertThat(warning.split("String-argument constructor", -1)).as("the cause said once: " + warning).hasSize(2);
            assertThat(logs.text()).contains("the node watch is back after 1 failure(s)");
        }
    }

    /** What the watch hands a change to failing is said, not only in the informer's log (which is off). */
    @Test
    void aChangeThatCannotBeHandedOnIsLogged() {
        try (CapturedStderr logs = CapturedStderr.start();
             LiveCluster c = OpsCluster.withoutController(true)) {
            AtomicInteger changes = new AtomicInteger();
            try (KubernetesClient client = c.connect(); NodeWatch watch = NodeWatch.start(client, nodes -> {
                changes.incrementAndGet();
                throw new IllegalStateException("the gate broke");
            })) {
                Await.until(WAIT, () -> "the failure logged; stderr:\n" + logs.text(),
                        () -> logs.text().contains("the node watch could not hand a change on: java.lang.IllegalStateException: the gate broke"));
                int before = changes.get();
                OpsCluster.setReady(c, OpsCluster.WORKER, true);
                Await.until(WAIT, "the next change still handed on", () -> changes.get() > before);
            }
        }
    }
    /** While the watch keeps failing, one warning, then one every five minutes, and a line when it is back. */
    @Test
    void aFailingWatchWarnsOnceThenEveryFiveMinutesAndSaysWhenItIsBack() {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        NodeWatch.Failures failures = new NodeWatch.Failures(now::get);
        RuntimeException refused = new RuntimeException("forbidden (403)");
        try (CapturedStderr logs = CapturedStderr.start()) {
            assertThat(failures.failed(refused)).as("always listed and watched again").isTrue();
            now.addAndGet(NodeWatch.WARN_EVERY.minusSeconds(1).toNanos());
            failures.failed(refused);
            assertThat(logs.text().split("the node watch failed \\(", -1)).as("one warning within five minutes").hasSize(2);

            now.addAndGet(Duration.ofSeconds(1).toNanos());
            failures.failed(refused);
            assertThat(logs.text().split("the node watch failed \\(", -1)).as("again at five minutes").hasSize(3);

            failures.over();
            failures.over();
            assertThat(logs.text()).contains("the node watch is back after 3 failure(s)");
            assertThat(logs.text().split("is back", -1)).as("said once").hasSize(2);
        }
    }
}
