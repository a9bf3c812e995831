package dev.happypath.rebalancer.cluster;

import dev.happypath.rebalancer.StopSignal;
import dev.happypath.rebalancer.execute.EvictionApi;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.PodState;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/** The executor's {@link EvictionApi} port through fabric8: the Eviction API, the replacement watch, the fresh read. */
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
        // The UID precondition: a pod recreated under the same name (a StatefulSet's) since the re-check is
        // another pod, and the API server answers 409 instead of evicting it.
        Eviction eviction = new EvictionBuilder()
                .withNewMetadata().withName(pod.name()).withNamespace(pod.namespace()).endMetadata()
                .withDeleteOptions(new io.fabric8.kubernetes.api.model.DeleteOptionsBuilder()
                        .withNewPreconditions().withUid(pod.uid()).endPreconditions().build())
                .build();
        try {
            boolean evicted = client.pods().inNamespace(pod.namespace()).withName(pod.name()).evict(eviction);
            // fabric8 answers false for 429 (the client's own retries are off, see KubernetesClients).
            return evicted ? Attempt.evicted()
                    : new Attempt(Attempt.Kind.REFUSED_BY_BUDGET, 429, "Cannot evict pod as it would violate the pod's disruption budget");
        } catch (KubernetesClientException e) {
            if (interrupted(e)) {
                // nothing of ours interrupts; code outside did, mid-request: whether it was evicted is unknown
                return new Attempt(Attempt.Kind.NO_ANSWER, 0, "the request was interrupted in flight");
            }
            if (e.getCode() == 404) {
                return new Attempt(Attempt.Kind.NOT_FOUND, 404, message(e));
            }
            if (e.getCode() == 409) {
                return new Attempt(Attempt.Kind.CONFLICT, 409, message(e));
            }
            if (e.getCode() == 429) {
                return new Attempt(Attempt.Kind.REFUSED_BY_BUDGET, 429, message(e));
            }
            if (e.getCode() <= 0) {
                // the request may have reached the API server and been carried out: nobody can say
                return new Attempt(Attempt.Kind.NO_ANSWER, 0, ApiErrors.describe(e, "create", "pods/eviction",
                        "in namespace " + pod.namespace(), String.valueOf(client.getMasterUrl())).getMessage());
            }
            if (e.getCode() == 403 || e.getCode() == 401) {
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
    public Replacement awaitReplacement(PodState evicted, Siblings before, Duration timeout, StopSignal stop) {
        if (evicted.controller() == null) {
            return Replacement.notReady(Replacement.Ended.NO_CONTROLLER, "no controller to recreate it");
        }
        // the pods as the watch last saw them (null until its first LIST): what to say about the replacement
        // if none gets Ready in time
        AtomicReference<List<Pod>> seen = new AtomicReference<>();
        CompletableFuture<List<Pod>> ready;
        try {
            ready = client.pods().inNamespace(evicted.namespace()).informOnCondition(pods -> {
                seen.set(pods);
                return settled(pods, evicted, before).isPresent();
            });
        } catch (KubernetesClientException e) {
            return watchFailed(evicted, e);
        }
        // a stop ends the wait at once: cancelling the condition wakes the get() below
        try (StopSignal.Registration cancel = stop.onStop(() -> ready.cancel(false))) {
            List<Pod> pods = ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Pod r = settled(pods, evicted, before).orElseThrow();
            return Replacement.ready(evicted.namespace() + "/" + r.getMetadata().getName(), r.getSpec().getNodeName());
        } catch (TimeoutException e) {
            ready.cancel(true);
            return atTheDeadline(evicted, before, seen.get());
        } catch (java.util.concurrent.CancellationException e) {
            return Replacement.notReady(Replacement.Ended.STOPPED, "");
        } catch (InterruptedException e) {
            // an interrupt from outside our code: taken as a stop, the flag kept for whoever sent it
            stop.stop(StopSignal.Reason.INTERRUPTED);
            Thread.currentThread().interrupt();
            return Replacement.notReady(Replacement.Ended.STOPPED, "");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return watchFailed(evicted, cause instanceof KubernetesClientException k ? k
                    : new KubernetesClientException(ApiErrors.rootCause(cause), cause));
        } finally {
            ready.cancel(true);
        }
    }

    /**
     * readyTimeout has passed: one last look, with a LIST of its own. The watch's events arrive late on a
     * busy API server (or a busy machine), and a replacement that was Ready by the deadline has not failed;
     * what the last look shows is also what the report should say about the replacement, rather than the
     * watch's older picture. Should that LIST fail, the watch's picture is all there is.
     */
    private Replacement atTheDeadline(PodState evicted, Siblings before, List<Pod> watched) {
        List<Pod> pods = watched;
        try {
            pods = client.pods().inNamespace(evicted.namespace()).list().getItems();
        } catch (KubernetesClientException e) {
            // the watch's picture is all there is
        }
        if (pods == null) {
            return Replacement.notReady(Replacement.Ended.TIMED_OUT,
                    "the pods of namespace " + evicted.namespace() + " could not be listed (the watch had not started, the last look failed)");
        }
        java.util.Optional<Pod> r = settled(pods, evicted, before);
        if (r.isPresent()) {
            return Replacement.ready(evicted.namespace() + "/" + r.get().getMetadata().getName(), r.get().getSpec().getNodeName());
        }
        return Replacement.notReady(Replacement.Ended.TIMED_OUT, describeCandidates(pods, evicted, before));
    }

    private Replacement watchFailed(PodState evicted, KubernetesClientException e) {
        // the watch starts with a LIST of the namespace's pods: that is the request that failed
        return Replacement.notReady(Replacement.Ended.WATCH_FAILED, ApiErrors.describe(e, "list", "pods",
                "in namespace " + evicted.namespace() + " (watching for its replacement)", String.valueOf(client.getMasterUrl())).getMessage());
    }

    /**
     * The replacement, once the wait is over: a new pod (see {@link #isReplacement}) that is Ready, with the
     * controller's Ready count back to what it was before the eviction. A sibling that was Ready all along
     * is never taken for the replacement: it was in {@code before}.
     */
    static java.util.Optional<Pod> settled(List<Pod> pods, PodState evicted, Siblings before) {
        java.util.Optional<Pod> replacement = pods.stream().filter(p -> isReplacement(p, evicted, before) && isReady(p)).findFirst();
        return replacement.isPresent() && readyCount(pods, evicted) >= before.ready() ? replacement : java.util.Optional.empty();
    }

    /**
     * What the controller's new pods are doing, in the words of their status: "Pending: Unschedulable:
     * 0/3 nodes are available ...", "on agent-1, not Ready: container server CrashLoopBackOff (restarted
     * 4 times)". Only pods that did not exist before the eviction: a sibling's state says nothing about
     * the replacement. Says so when no new pod appeared at all.
     */
    static String describeCandidates(List<Pod> pods, PodState evicted, Siblings before) {
        List<String> seen = new ArrayList<>();
        for (Pod p : pods) {
            if (!isReplacement(p, evicted, before)) {
                continue;
            }
            if (isReady(p)) {
                seen.add(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName() + " is Ready on " + p.getSpec().getNodeName()
                        + ", but its controller has " + readyCount(pods, evicted) + " Ready pod(s), not yet the " + before.ready()
                        + " it had before the eviction");
            } else {
                seen.add(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName() + " " + describe(p));
            }
        }
        if (seen.isEmpty()) {
            return "no replacement pod appeared (is its controller running, or blocked by a quota or an admission webhook?)";
        }
        int shown = Math.min(seen.size(), 3);
        return String.join("; ", seen.subList(0, shown)) + (seen.size() > shown ? "; and " + (seen.size() - shown) + " more" : "");
    }

    private static String describe(Pod p) {
        String node = p.getSpec() == null ? null : p.getSpec().getNodeName();
        var status = p.getStatus();
        if (node == null) {
            String why = status == null || status.getConditions() == null ? null : status.getConditions().stream()
                    .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()))
                    .map(c -> (c.getReason() == null ? "" : c.getReason() + ": ") + (c.getMessage() == null ? "" : c.getMessage()))
                    .findFirst().orElse(null);
            return "is Pending, not scheduled" + (why == null || why.isBlank() ? "" : " (" + why.strip() + ")");
        }
        List<String> containers = new ArrayList<>();
        if (status != null && status.getContainerStatuses() != null) {
            for (ContainerStatus c : status.getContainerStatuses()) {
                String state = null;
                if (c.getState() != null && c.getState().getWaiting() != null && c.getState().getWaiting().getReason() != null) {
                    state = c.getState().getWaiting().getReason();
                } else if (c.getState() != null && c.getState().getTerminated() != null) {
                    state = "terminated (" + c.getState().getTerminated().getReason() + ")";
                }
                int restarts = c.getRestartCount() == null ? 0 : c.getRestartCount();
                if (state != null || restarts > 0) {
                    containers.add("container " + c.getName() + (state == null ? "" : " " + state)
                            + (restarts > 0 ? " (restarted " + restarts + " times)" : ""));
                }
            }
        }
        return "is on " + node + ", not Ready" + (containers.isEmpty() ? "" : ": " + String.join(", ", containers));
    }

    /**
     * A pod of the evicted pod's controller (by controller UID) that did not exist when the eviction was
     * sent (its UID is not among {@code before}) and is not Terminating; for a StatefulSet, the pod of
     * the same name.
     */
    static boolean isReplacement(Pod p, PodState evicted, Siblings before) {
        if (p.getMetadata() == null || p.getMetadata().getUid() == null || before.uids().contains(p.getMetadata().getUid())
                || p.getMetadata().getDeletionTimestamp() != null || !sameController(p, evicted)) {
            return false;
        }
        return !"StatefulSet".equals(evicted.controller().kind()) || evicted.name().equals(p.getMetadata().getName());
    }

    private static boolean sameController(Pod p, PodState evicted) {
        String ownerUid = evicted.controller().uid();
        return p.getMetadata().getOwnerReferences().stream()
                .anyMatch(o -> Boolean.TRUE.equals(o.getController()) && ownerUid.equals(o.getUid()));
    }

    /** The controller's Ready pods now, the evicted one and Terminating ones aside. */
    private static int readyCount(List<Pod> pods, PodState evicted) {
        return (int) pods.stream().filter(p -> p.getMetadata() != null && !evicted.uid().equals(p.getMetadata().getUid())
                && p.getMetadata().getDeletionTimestamp() == null && sameController(p, evicted) && isReady(p)).count();
    }

    private static boolean isReady(Pod p) {
        if (p.getSpec() == null || p.getSpec().getNodeName() == null || p.getStatus() == null || p.getStatus().getConditions() == null) {
            return false;
        }
        return p.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    @Override
    public ClusterSnapshot read() {
        return reader.read();
    }
}
