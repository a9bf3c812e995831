package dev.happypath.rebalancer.cluster;

import dev.happypath.rebalancer.RuntimeFailure;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.NodeState;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Reads the cluster once: one LIST per kind (nodes, pods, PodDisruptionBudgets, claims, volumes) into a
 * snapshot. Nothing else in the decision path talks to the API.
 */
public final class ClusterReader {

    private final KubernetesClient client;
    private final Clock clock;

    public ClusterReader(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    public ClusterSnapshot read() {
        var nodes = readNodes();
        var pods = list("pods", () -> client.pods().inAnyNamespace().list().getItems(), ModelConverter::pod);
        var budgets = list("poddisruptionbudgets",
                () -> client.policy().v1().podDisruptionBudget().inAnyNamespace().list().getItems(), ModelConverter::budget);
        var claims = list("persistentvolumeclaims",
                () -> client.persistentVolumeClaims().inAnyNamespace().list().getItems(), ModelConverter::claim);
        var volumes = list("persistentvolumes", () -> client.persistentVolumes().list().getItems(), ModelConverter::volume);
        return new ClusterSnapshot(clock.instant(), nodes, pods, budgets, claims, volumes);
    }

    /** Nodes only: the executor re-checks the gate before each eviction. */
    public List<NodeState> readNodes() {
        return list("nodes", () -> client.nodes().list().getItems(), ModelConverter::node);
    }

    private <M extends HasMetadata, R> List<R> list(String resource, Supplier<List<M>> call, Function<M, R> convert) {
        List<M> items;
        try {
            items = call.get();
        } catch (KubernetesClientException e) {
            throw ApiErrors.describe(e, "list", resource, "at cluster scope", String.valueOf(client.getMasterUrl()));
        }
        List<R> out = new ArrayList<>(items.size());
        for (M item : items) {
            try {
                out.add(convert.apply(item));
            } catch (ModelException e) {
                String ns = item.getMetadata() == null ? null : item.getMetadata().getNamespace();
                String name = item.getMetadata() == null ? "?" : item.getMetadata().getName();
                throw new RuntimeFailure("the API server returned " + item.getKind() + " " + (ns == null ? "" : ns + "/") + name
                        + " with " + e.path() + ": " + e.getMessage());
            }
        }
        return out;
    }
}
