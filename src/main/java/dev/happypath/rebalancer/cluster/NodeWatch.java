package dev.happypath.rebalancer.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.happypath.rebalancer.snapshot.NodeState;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Watches the nodes (one LIST, then a WATCH that the informer re-establishes when it drops) and hands
 * every change as the full, current list of nodes. A watch reacts within a second of the kubelet's
 * status update; polling on a timer reacts only at its next tick and costs a LIST each time.
 */
public final class NodeWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeWatch.class);
    /** While the watch keeps failing, a warning this often; the failures between are logged at debug. */
    static final Duration WARN_EVERY = Duration.ofMinutes(5);

    private final SharedIndexInformer<Node> informer;

    private NodeWatch(SharedIndexInformer<Node> informer) {
        this.informer = informer;
    }

    /**
     * Starts watching; returns once the first LIST has been seen (and handed to {@code onChange}). Once started,
     * the watch never gives up: after any error it lists the nodes and watches them again, with a growing pause.
     */
    public static NodeWatch start(KubernetesClient client, Consumer<List<NodeState>> onChange) {
        SharedIndexInformer<Node> informer = client.nodes().runnableInformer(0);
        Failures failures = new Failures(System::nanoTime);
        // fabric8's own rule stops the informer for good when a watch ends on an error other than 410 Gone (an
        // event it cannot read, say): the daemon would never see a worker recover again, and its log would not
        // say so (the informer's logger is off, LogSetup). Before the start, an error ends the start, and
        // KeptNodeWatch tries again.
        informer.exceptionHandler((started, e) -> started && failures.failed(e));
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node node) {
                changed();
            }

            @Override
            public void onUpdate(Node before, Node after) {
                changed();
            }

            @Override
            public void onDelete(Node node, boolean finalStateUnknown) {
                changed();
            }

            private void changed() {
                failures.over();
                try {
                    onChange.accept(nodes(informer, client.getKubernetesSerialization()));
                } catch (RuntimeException e) {
                    // fabric8 would log it where nobody reads (the informer's logger is off) and go on
                    LOG.error("the node watch could not hand a change on: {}", e.toString());
                    LOG.debug("node change failure", e);
                }
            }
        });
        try {
            informer.run();
        } catch (KubernetesClientException e) {
            informer.close();
            throw ApiErrors.describe(e, "watch", "nodes", "at cluster scope", String.valueOf(client.getMasterUrl()));
        }
        return new NodeWatch(informer);
    }

    private static List<NodeState> nodes(SharedIndexInformer<Node> informer, KubernetesSerialization serialization) {
        List<NodeState> nodes = new ArrayList<>();
        for (Node n : informer.getStore().list()) {
            try {
                // the watch hands client objects: back to their wire form for the one converter
                nodes.add(ModelConverter.node(serialization.convertValue(n, JsonNode.class)));
            } catch (ModelException e) {
                LOG.warn("ignoring node {} from the watch: {}: {}", n.getMetadata().getName(), e.path(), e.getMessage());
            }
        }
        return nodes;
    }

    @Override
    public void close() {
        informer.close();
    }

    /** The watch's failures since it last handed a change on: a warning at the first, and every {@link #WARN_EVERY} while they last. */
    static final class Failures {
        private final LongSupplier nanoTime;
        private long count;
        private long lastWarning;

        Failures(LongSupplier nanoTime) {
            this.nanoTime = nanoTime;
        }

        /** Always true: the informer is to list and watch again. */
        synchronized boolean failed(Throwable e) {
            count++;
            long now = nanoTime.getAsLong();
            if (count == 1 || now - lastWarning >= WARN_EVERY.toNanos()) {
                lastWarning = now;
                LOG.warn("the node watch failed ({}); it lists the nodes and watches them again, with a growing pause", describe(e));
            } else {
                LOG.debug("the node watch failed again ({} times): {}", count, describe(e));
            }
            LOG.debug("node watch failure", e);
            return true;
        }

        synchronized void over() {
            if (count > 0) {
                LOG.info("the node watch is back after {} failure(s)", count);
                count = 0;
            }
        }

        /**
         * The error and what caused it, each in its first line (a parser's message runs on with its source), a
         * cause that only repeats its wrapper's words left out.
         */
        static String describe(Throwable e) {
            String last = firstLine(e);
            StringBuilder text = new StringBuilder(last);
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
                String line = firstLine(cause);
                if (!line.equals(last)) {
                    text.append(": ").append(line);
                }
                last = line;
            }
            return text.toString();
        }

        private static String firstLine(Throwable e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            int end = message.indexOf('\n');
            return end < 0 ? message : message.substring(0, end);
        }
    }
}
