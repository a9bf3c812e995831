package dev.happypath.rebalancer.sim.cluster;

import dev.happypath.rebalancer.sim.InProcessApi;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.Locale;

/**
 * What the simulated controllers do, told as the core/v1 Events their Kubernetes counterparts write, so
 * that {@code kubectl get events} and {@code kubectl describe} on the served cluster tell the story:
 * the scheduler's {@code Scheduled}, {@code FailedScheduling} and {@code Preempted}, the taint manager's
 * {@code TaintManagerEviction}, the node controller's {@code NodeNotReady}, the kubelet's {@code Started}
 * and {@code Killing}, a workload controller's {@code SuccessfulCreate}. Events about a node go to the
 * {@code default} namespace, as on a real cluster.
 */
final class ClusterEvents implements SimEvents.Listener {

    private final InProcessApi api;
    private long count;

    ClusterEvents(InProcessApi api) {
        this.api = api;
    }

    @Override
    public void happened(SimEvents.Event e, Pod pod) {
        Told told = told(e);
        if (told == null || (told.onPod() && pod == null) || (!told.onPod() && e.node() == null)) {
            return;
        }
        String namespace = told.onPod() ? pod.getMetadata().getNamespace() : "default";
        String name = told.onPod() ? pod.getMetadata().getName() : e.node();
        String at = e.at().toString();
        Event event = new EventBuilder()
                .withNewMetadata().withNamespace(namespace).withName(name + "." + Long.toHexString(e.at().toEpochMilli()) + nextSuffix())
                .withCreationTimestamp(at).endMetadata()
                .withNewInvolvedObject().withApiVersion("v1").withKind(told.onPod() ? "Pod" : "Node").withNamespace(told.onPod() ? namespace : null)
                .withName(name).withUid(told.onPod() ? pod.getMetadata().getUid() : null).endInvolvedObject()
                .withType(told.type()).withReason(told.reason()).withMessage(told.message())
                .withNewSource().withComponent(told.component()).withHost(told.onPod() || e.node() == null ? e.node() : null).endSource()
                .withReportingComponent(told.component()).withFirstTimestamp(at).withLastTimestamp(at).withCount(1)
                .build();
        api.create(event);
    }

    private synchronized String nextSuffix() {
        return String.format(Locale.ROOT, "%04x", count++ & 0xffff);
    }

    private record Told(boolean onPod, String type, String reason, String component, String message) {
    }

    /** The Event a Kubernetes component writes for this, or null when it writes none. */
    private static Told told(SimEvents.Event e) {
        String detail = e.detail() == null ? "" : e.detail();
        return switch (e.kind()) {
            case NODE_FAILED -> new Told(false, "Normal", "NodeNotReady", "node-controller", "Node " + e.node() + " status is now: NodeNotReady");
            case NODE_RECOVERED -> new Told(false, "Normal", "NodeReady", "kubelet", "Node " + e.node() + " status is now: NodeReady");
            case OUT_OF_SERVICE -> new Told(false, "Normal", "NodeOutOfService", "node-controller", detail);
            case CORDONED -> new Told(false, "Normal", "NodeNotSchedulable", "kubelet", "Node " + e.node() + " status is now: NodeNotSchedulable");
            case UNCORDONED -> new Told(false, "Normal", "NodeSchedulable", "kubelet", "Node " + e.node() + " status is now: NodeSchedulable");
            case TAINT_EVICTED -> new Told(true, "Normal", "TaintManagerEviction", "taint-eviction-controller",
                    "Marking for deletion Pod " + e.pod() + " (" + detail + ")");
            case FORCE_DELETED -> new Told(true, "Normal", "PodGC", "pod-garbage-collector", "Force-deleted: " + detail);
            case CREATED -> new Told(true, "Normal", "SuccessfulCreate", "workload-controller", "Created pod: " + e.pod() + " (" + detail + ")");
            case BOUND -> new Told(true, "Normal", "Scheduled", "default-scheduler", "Successfully assigned " + e.pod() + " to " + e.node());
            case PREEMPTED -> new Told(true, "Normal", "Preempting", "default-scheduler", detail + " on " + e.node());
            case UNSCHEDULABLE -> new Told(true, "Warning", "FailedScheduling", "default-scheduler", detail);
            case READY -> new Told(true, "Normal", "Started", "kubelet", "Started container; the pod is Ready");
            case DELETED -> new Told(true, "Normal", "Killing", "kubelet", "Stopping container (the pod is gone)");
            case CRASH_LOOPING -> new Told(true, "Warning", "BackOff", "kubelet", "Back-off restarting failed container");
            default -> null;
        };
    }
}
