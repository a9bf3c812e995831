package dev.happypath.rebalancer.execute;

import dev.happypath.rebalancer.RuntimeFailure;
import dev.happypath.rebalancer.cluster.ApiErrors;
import dev.happypath.rebalancer.cluster.ClusterReader;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The Eviction API and replacement watch through fabric8. */
public final class ApiEvictions implements EvictionApi {

    private final KubernetesClient client;
    private final ClusterReader reader;

    public ApiEvictions(KubernetesClient client, ClusterReader reader) {
        this.client = client;
        this.reader = reader;
    }

    @Override
    public Attempt evict(PodState pod) {
        // Always a policy/v1 Eviction: fabric8's no-argument evict() sends policy/v1beta1, which
        // Kubernetes 1.25+ no longer serves.
        Eviction eviction = new EvictionBuilder()
                .withNewMetadata().withName(pod.name()).withNamespace(pod.namespace()).endMetadata()
                .build();
        try {
            boolean evicted = client.pods().inNamespace(pod.namespace()).withName(pod.name()).evict(eviction);
            // fabric8 answers false for 429 (the client's own retries are off, see KubernetesClients).
            return evicted ? Attempt.evicted()
                    : new Attempt(Attempt.Kind.REFUSED_BY_BUDGET, 429, "Cannot evict pod as it would violate the pod's disruption budget");
        } catch (KubernetesClientException e) {
            if (interrupted(e)) {
                Thread.currentThread().interrupt();
                throw new RuntimeFailure("interrupted (shutdown) while the eviction request of " + pod.key()
                        + " was in flight: the API server may or may not have evicted it");
            }
            if (e.getCode() == 404) {
                return new Attempt(Attempt.Kind.NOT_FOUND, 404, message(e));
            }
            if (e.getCode() == 429) {
                return new Attempt(Attempt.Kind.REFUSED_BY_BUDGET, 429, message(e));
            }
            if (e.getCode() == 403 || e.getCode() == 401 || e.getCode() <= 0) {
                throw ApiErrors.describe(e, "create", "pods/eviction", "in namespace " + pod.namespace(),
                        String.valueOf(client.getMasterUrl()));
            }
            return new Attempt(Attempt.Kind.ERROR, e.getCode(), message(e));
        }
    }

    private static boolean interrupted(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    private static String message(KubernetesClientException e) {
        if (e.getStatus() != null && e.getStatus().getMessage() != null) {
            return e.getStatus().getMessage();
        }
        return ApiErrors.rootCause(e);
    }

    @Override
    public Replacement awaitReplacement(PodState evicted, Duration timeout) {
        if (evicted.controller() == null) {
            return new Replacement(null, null, "no controller to recreate it");
        }
        String ownerUid = evicted.controller().uid();
        CompletableFuture<List<Pod>> ready = client.pods().inNamespace(evicted.namespace())
                .informOnCondition(pods -> pods.stream().anyMatch(p -> isReadyReplacement(p, evicted.uid(), ownerUid)));
        try {
            List<Pod> pods = ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Pod r = pods.stream().filter(p -> isReadyReplacement(p, evicted.uid(), ownerUid)).findFirst().orElseThrow();
            return new Replacement(evicted.namespace() + "/" + r.getMetadata().getName(), r.getSpec().getNodeName(), null);
        } catch (TimeoutException e) {
            return new Replacement(null, null, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Replacement(null, null, "interrupted while waiting");
        } catch (ExecutionException e) {
            return new Replacement(null, null, ApiErrors.rootCause(e));
        } finally {
            ready.cancel(true);
        }
    }

    static boolean isReadyReplacement(Pod p, String evictedUid, String ownerUid) {
        if (p.getMetadata() == null || evictedUid.equals(p.getMetadata().getUid()) || p.getMetadata().getDeletionTimestamp() != null) {
            return false;
        }
        boolean sameOwner = false;
        for (OwnerReference o : p.getMetadata().getOwnerReferences()) {
            if (Boolean.TRUE.equals(o.getController()) && ownerUid.equals(o.getUid())) {
                sameOwner = true;
            }
        }
        if (!sameOwner || p.getSpec() == null || p.getSpec().getNodeName() == null || p.getStatus() == null
                || p.getStatus().getConditions() == null) {
            return false;
        }
        return p.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    @Override
    public List<NodeState> readNodes() {
        return reader.readNodes();
    }
}
