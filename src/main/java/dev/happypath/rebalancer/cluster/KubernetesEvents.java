package dev.happypath.rebalancer.cluster;

import dev.happypath.rebalancer.pass.PassEvents;
import dev.happypath.rebalancer.plan.Move;
import dev.happypath.rebalancer.plan.Outcome;
import dev.happypath.rebalancer.report.Report;
import dev.happypath.rebalancer.snapshot.OwnerRef;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Tells the cluster what a live pass did, as core/v1 Events that {@code kubectl describe} and
 * {@code kubectl get events} show: on each evicted pod and on its controller ({@code Rebalanced}), Warning
 * events for BLOCKED and FAILED moves, and, when the pass runs in a pod, a summary on that pod. Built
 * from the moves the executor returned; a dry run records nothing.
 *
 * <p>An Event that cannot be written is logged and skipped: telling must never stop acting; after an
 * unanswered request the rest of that pass's Events are skipped.
 */
public final class KubernetesEvents implements PassEvents {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesEvents.class);
    static final String COMPONENT = "happypath-rebalancer";
    /** The API server rejects longer Event messages. */
    private static final int MAX_MESSAGE = 1024;
    private static final Map<String, String> CONTROLLER_API_VERSIONS = Map.of(
            "ReplicaSet", "apps/v1", "StatefulSet", "apps/v1", "DaemonSet", "apps/v1", "ReplicationController", "v1",
            "Job", "batch/v1");

    /** The pod this process runs in (downward API), which gets the pass summary. */
    public record Self(String namespace, String name, String uid) {

        /** From POD_NAMESPACE, POD_NAME and POD_UID, or null outside a pod. */
        public static Self fromEnvironment() {
            String ns = System.getenv("POD_NAMESPACE");
            String name = System.getenv("POD_NAME");
            if (ns == null || ns.isBlank() || name == null || name.isBlank()) {
                return null;
            }
            String uid = System.getenv("POD_UID");
            return new Self(ns, name, uid == null || uid.isBlank() ? null : uid);
        }
    }

    private final KubernetesClient client;
    private final Self self;
    private String instance;
    private boolean warned;
    /** The API server did not answer an Event: the rest are skipped rather than each waiting for its timeout. */
    private boolean unanswered;

    /** @param self the pod this process runs in, which gets the pass summary; null for none */
    public KubernetesEvents(KubernetesClient client, Self self) {
        this.client = client;
        this.self = self;
    }

    /** As the process runs it: the summary goes to its own pod when it runs in one. */
    public KubernetesEvents(KubernetesClient client) {
        this(client, Self.fromEnvironment());
    }

    /** Records the pass's Events; returns how many were written. */
    @Override
    public synchronized int publish(Report report, List<Move> moves, String instance, Instant at) {
        this.instance = instance;
        // each pass tells afresh: an API server that did not answer the last pass may answer this one
        this.warned = false;
        this.unanswered = false;
        String figures = figures(report);
        int written = 0;
        for (Move m : moves) {
            String reason = switch (m.outcome()) {
                case EVICTED -> "Rebalanced";
                case BLOCKED -> "RebalanceBlocked";
                case FAILED -> "RebalanceFailed";
                default -> null;
            };
            if (reason == null) {
                continue;
            }
            String type = m.outcome() == Outcome.EVICTED ? "Normal" : "Warning";
            String message = describe(m) + " " + figures;
            ObjectReference pod = new ObjectReferenceBuilder().withApiVersion("v1").withKind("Pod")
                    .withNamespace(m.pod().namespace()).withName(m.pod().name()).withUid(m.pod().uid()).build();
            written += record(pod, type, reason, message, at);
            OwnerRef owner = m.pod().controller();
            if (owner != null) {
                ObjectReference ref = new ObjectReferenceBuilder().withApiVersion(CONTROLLER_API_VERSIONS.get(owner.kind()))
                        .withKind(owner.kind()).withNamespace(m.pod().namespace()).withName(owner.name()).withUid(owner.uid())
                        .build();
                written += record(ref, type, reason, message, at);
            }
        }
        // the summary only after a pass that acted: a green cluster's passes leave no trail of Events
        if (self != null && written > 0) {
            boolean failed = moves.stream().anyMatch(m -> m.outcome() == Outcome.FAILED);
            ObjectReference ref = new ObjectReferenceBuilder().withApiVersion("v1").withKind("Pod")
                    .withNamespace(self.namespace()).withName(self.name()).withUid(self.uid()).build();
            written += record(ref, failed ? "Warning" : "Normal", failed ? "PassFailed" : "PassCompleted",
                    "pass " + report.runId() + ": " + summary(report) + " " + figures, at);
        }
        return written;
    }

    static String describe(Move m) {
        String rule = m.placement().ruleName();
        String what = switch (m.outcome()) {
            case EVICTED -> "Rebalanced";
            case BLOCKED -> "Not rebalanced (a PodDisruptionBudget refused)";
            default -> "Rebalance failed";
        };
        return what + " " + m.pod().key() + ": " + m.pod().nodeName() + " \u2192 " + (m.target() == null ? "?" : m.target())
                + " (rule " + rule + ", " + m.reason() + "): " + String.join("; ", m.details());
    }

    private static String summary(Report r) {
        List<String> parts = new ArrayList<>();
        r.summary().outcomes().forEach((k, v) -> {
            if (v > 0) {
                parts.add(v + " " + k);
            }
        });
        return (parts.isEmpty() ? "nothing to move" : String.join(", ", parts))
                + (r.summary().driftRemains() ? ", drift remains" : ", no drift");
    }

    /** The pass's figures, the same the daemon exports on /metrics. */
    static String figures(Report r) {
        Report.Metrics m = r.metrics();
        if (m == null) {
            return "[pass " + r.runId() + "]";
        }
        return String.format(java.util.Locale.ROOT, "[pass %s: clusterState %s, gate %s, %d off path, %.1fs]", r.runId(),
                m.clusterState(), m.gateOpen() ? "open" : "closed", m.offPath(), m.passDurationSeconds());
    }

    private int record(ObjectReference involved, String type, String reason, String message, Instant at) {
        if (unanswered) {
            return 0;
        }
        String text = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE - 1) + "\u2026" : message;
        // kubectl's naming: the object's name and a unique suffix
        String name = involved.getName() + "." + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        Event event = new EventBuilder()
                .withNewMetadata().withName(name).withNamespace(involved.getNamespace()).endMetadata()
                .withInvolvedObject(involved)
                .withType(type).withReason(reason).withMessage(text)
                .withFirstTimestamp(at.toString()).withLastTimestamp(at.toString()).withCount(1)
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT).withReportingInstance(instance)
                .build();
        try {
            client.v1().events().inNamespace(involved.getNamespace()).resource(event).create();
            return 1;
        } catch (KubernetesClientException e) {
            String why = ApiErrors.describe(e, "create", "events", "in namespace " + involved.getNamespace(),
                    String.valueOf(client.getMasterUrl())).getMessage();
            unanswered = e.getCode() <= 0;
            if (!warned) {
                LOG.warn("could not record an Event ({} on {}/{}): {}{}", reason, involved.getKind(), involved.getName(), why,
                        unanswered ? "; the pass's other Events are skipped" : "");
                warned = true;
            } else {
                LOG.debug("could not record an Event: {}", why);
            }
            return 0;
        }
    }
}
