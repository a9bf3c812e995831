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

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Watches the nodes (one LIST, then a WATCH that the informer re-establishes when it drops) and hands
 * every change as the full, current list of nodes. A watch reacts within a second of the kubelet's
 * status update; polling on a timer reacts only at its next tick and costs a LIST each time.
 */
public final class NodeWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeWatch.class);

    private final SharedIndexInformer<Node> informer;

    private NodeWatch(SharedIndexInformer<Node> informer) {
        this.informer = informer;
    }

    /** Starts watching; returns once the first LIST has been seen (and handed to {@code onChange}). */
    public static NodeWatch start(KubernetesClient client, Consumer<List<NodeState>> onChange) {
        SharedIndexInformer<Node> informer = client.nodes().runnableInformer(0);
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
                onChange.accept(nodes(informer, client.getKubernetesSerialization()));
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
}
