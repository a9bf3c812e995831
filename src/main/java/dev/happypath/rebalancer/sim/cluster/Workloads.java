package dev.happypath.rebalancer.sim.cluster;

import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The workload controllers, reduced to what a recovery needs: each keeps its pods in existence.
 * Learned from the seeded pods (their controller owner references), since the seed holds pods, not
 * ReplicaSets or StatefulSets.
 * <ul>
 *   <li><b>ReplicaSet</b>: as many live pods as it had; a Terminating pod does not count, so its
 *       replacement (a new name) is created at once, while the old one still holds its node's memory.</li>
 *   <li><b>StatefulSet</b>: each ordinal keeps its name, so the replacement is created only once the old
 *       pod object is gone: a pod stuck Terminating on an unreachable node blocks it (at most one pod per
 *       identity), which is why a node has to be declared out of service.</li>
 *   <li><b>DaemonSet</b>: one pod on each node it ran on, pinned there by node affinity on the node name.</li>
 * </ul>
 * Pods without a controller are never recreated. Generated names are deterministic (a seeded random).
 */
final class Workloads {

    private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

    enum Kind { ReplicaSet, StatefulSet, DaemonSet }

    /**
     * @param names StatefulSet: the pod names it keeps; DaemonSet: the nodes it covers; ReplicaSet: empty
     */
    record Workload(Kind kind, String namespace, String name, String uid, Pod template, int replicas, List<String> names) {
    }

    private final Map<String, Workload> byUid;
    private final Random random = new Random(4);

    private Workloads(Map<String, Workload> byUid) {
        this.byUid = byUid;
    }

    static Workloads learn(List<Pod> seeded) {
        Map<String, List<Pod>> byOwner = new TreeMap<>();
        Map<String, OwnerReference> owners = new LinkedHashMap<>();
        for (Pod p : seeded) {
            OwnerReference o = controller(p);
            if (o == null || kind(o) == null) {
                continue;
            }
            byOwner.computeIfAbsent(o.getUid(), k -> new ArrayList<>()).add(p);
            owners.put(o.getUid(), o);
        }
        Map<String, Workload> workloads = new LinkedHashMap<>();
        for (var e : byOwner.entrySet()) {
            OwnerReference o = owners.get(e.getKey());
            List<Pod> pods = e.getValue();
            pods.sort(Comparator.comparing(p -> p.getMetadata().getName()));
            Kind kind = kind(o);
            List<String> names = switch (kind) {
                case ReplicaSet -> List.of();
                case StatefulSet -> pods.stream().map(p -> p.getMetadata().getName()).toList();
                case DaemonSet -> pods.stream().map(p -> p.getSpec().getNodeName()).filter(n -> n != null).toList();
            };
            workloads.put(o.getUid(), new Workload(kind, pods.get(0).getMetadata().getNamespace(), o.getName(), o.getUid(),
                    template(pods.get(0)), pods.size(), names));
        }
        return new Workloads(workloads);
    }

    /** A new ReplicaSet keeping {@code replicas} pods like {@code template} (its name, uid and owner given). */
    void adopt(String namespace, String name, String uid, Pod template, int replicas) {
        byUid.put(uid, new Workload(Kind.ReplicaSet, namespace, name, uid, template(template), replicas, List.of()));
    }

    /** The workload is deleted: its pods are no longer kept. */
    void forget(String uid) {
        byUid.remove(uid);
    }

    /** Creates the pods that are missing now, in a stable order; returns them (not yet created). */
    List<Pod> missing(List<Pod> existing) {
        Map<String, List<Pod>> owned = new LinkedHashMap<>();
        Map<String, Pod> byName = new LinkedHashMap<>();
        for (Pod p : existing) {
            byName.put(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName(), p);
            OwnerReference o = controller(p);
            if (o != null) {
                owned.computeIfAbsent(o.getUid(), k -> new ArrayList<>()).add(p);
            }
        }
        List<Pod> toCreate = new ArrayList<>();
        for (Workload w : byUid.values()) {
            List<Pod> mine = owned.getOrDefault(w.uid(), List.of());
            switch (w.kind()) {
                case ReplicaSet -> {
                    long live = mine.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null && !finished(p)).count();
                    for (long i = live; i < w.replicas(); i++) {
                        toCreate.add(newPod(w, w.name() + "-" + suffix(), null));
                    }
                }
                case StatefulSet -> {
                    for (String name : w.names()) {
                        if (!byName.containsKey(w.namespace() + "/" + name)) {
                            toCreate.add(newPod(w, name, null));
                        }
                    }
                }
                case DaemonSet -> {
                    for (String node : w.names()) {
                        boolean present = mine.stream().anyMatch(p -> p.getMetadata().getDeletionTimestamp() == null
                                && node.equals(DaemonSetPlacement.nodeOf(p)));
                        if (!present) {
                            toCreate.add(newPod(w, w.name() + "-" + suffix(), node));
                        }
                    }
                }
                default -> throw new IllegalStateException(w.kind().toString());
            }
        }
        return toCreate;
    }

    private String suffix() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }

    private static Pod newPod(Workload w, String name, String daemonNode) {
        PodBuilder b = new PodBuilder(w.template()).editMetadata().withName(name).endMetadata();
        if (w.kind() == Kind.StatefulSet) {
            b.editMetadata().addToLabels("statefulset.kubernetes.io/pod-name", name).endMetadata();
        }
        if (daemonNode != null) {
            // what the DaemonSet controller does since 1.12: the scheduler binds it, held to its node
            b.editSpec().editOrNewAffinity().withNewNodeAffinity().withNewRequiredDuringSchedulingIgnoredDuringExecution()
                    .withNodeSelectorTerms(new NodeSelectorTermBuilder().withMatchFields(new NodeSelectorRequirementBuilder()
                            .withKey("metadata.name").withOperator("In").withValues(daemonNode).build()).build())
                    .endRequiredDuringSchedulingIgnoredDuringExecution().endNodeAffinity().endAffinity().endSpec();
        }
        return b.build();
    }

    private static Pod template(Pod seeded) {
        return new PodBuilder(seeded)
                .editMetadata().withName(null).withUid(null).withResourceVersion(null).withCreationTimestamp(null)
                .withDeletionTimestamp(null).withDeletionGracePeriodSeconds(null).withFinalizers(List.of()).endMetadata()
                .editSpec().withNodeName(null).endSpec()
                .withStatus(new PodStatusBuilder().withPhase("Pending").build())
                .build();
    }

    static OwnerReference controller(Pod p) {
        if (p.getMetadata().getOwnerReferences() == null) {
            return null;
        }
        for (OwnerReference o : p.getMetadata().getOwnerReferences()) {
            if (Boolean.TRUE.equals(o.getController())) {
                return o;
            }
        }
        return null;
    }

    private static Kind kind(OwnerReference o) {
        return switch (o.getKind()) {
            case "ReplicaSet" -> Kind.ReplicaSet;
            case "StatefulSet" -> Kind.StatefulSet;
            case "DaemonSet" -> Kind.DaemonSet;
            default -> null;
        };
    }

    private static boolean finished(Pod p) {
        String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    /** Where a DaemonSet pod belongs: its node name, or the node its node affinity names. */
    static final class DaemonSetPlacement {
        private DaemonSetPlacement() {
        }

        static String nodeOf(Pod p) {
            if (p.getSpec().getNodeName() != null) {
                return p.getSpec().getNodeName();
            }
            var a = p.getSpec().getAffinity();
            if (a == null || a.getNodeAffinity() == null || a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
                return null;
            }
            for (var term : a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms()) {
                for (var f : term.getMatchFields()) {
                    if ("metadata.name".equals(f.getKey()) && f.getValues().size() == 1) {
                        return f.getValues().get(0);
                    }
                }
            }
            return null;
        }
    }
}
