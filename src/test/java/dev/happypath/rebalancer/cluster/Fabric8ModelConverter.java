package dev.happypath.rebalancer.cluster;

import dev.happypath.rebalancer.snapshot.Affinity;
import dev.happypath.rebalancer.snapshot.Claim;
import dev.happypath.rebalancer.snapshot.Condition;
import dev.happypath.rebalancer.snapshot.DisruptionBudget;
import dev.happypath.rebalancer.snapshot.EmptyDir;
import dev.happypath.rebalancer.snapshot.LabelSelector;
import dev.happypath.rebalancer.snapshot.NodeSelector;
import dev.happypath.rebalancer.snapshot.NodeSelectorTerm;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.OwnerRef;
import dev.happypath.rebalancer.snapshot.PodAffinityTerm;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.PreferredSchedulingTerm;
import dev.happypath.rebalancer.snapshot.Quantity;
import dev.happypath.rebalancer.snapshot.Requirement;
import dev.happypath.rebalancer.snapshot.Resources;
import dev.happypath.rebalancer.snapshot.Taint;
import dev.happypath.rebalancer.snapshot.Toleration;
import dev.happypath.rebalancer.snapshot.TopologySpreadConstraint;
import dev.happypath.rebalancer.snapshot.Volume;
import dev.happypath.rebalancer.snapshot.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The converter as it was before it read the wire format directly: the fabric8 model objects a Jackson
 * binding builds, turned into snapshot records. Kept in the tests only, as the oracle that
 * {@link ModelConverterTest} checks the wire converter against: same records for the same objects.
 */
final class Fabric8ModelConverter {

    private Fabric8ModelConverter() {
    }

    public static NodeState node(Node node) {
        ObjectMeta meta = meta(node.getMetadata());
        var spec = node.getSpec();
        var status = node.getStatus();
        List<Taint> taints = new ArrayList<>();
        if (spec != null && spec.getTaints() != null) {
            for (int i = 0; i < spec.getTaints().size(); i++) {
                var t = spec.getTaints().get(i);
                String path = "spec.taints[" + i + "]";
                if (t.getKey() == null || t.getKey().isEmpty()) {
                    throw new ModelException(path + ".key", "taint without a key");
                }
                taints.add(new Taint(t.getKey(), t.getValue(), ModelConverter.effect(t.getEffect(), path + ".effect", false)));
            }
        }
        Map<String, io.fabric8.kubernetes.api.model.Quantity> alloc = status == null ? null : status.getAllocatable();
        String allocPath = "status.allocatable";
        if ((alloc == null || alloc.isEmpty()) && status != null) {
            alloc = status.getCapacity();
            allocPath = "status.capacity";
        }
        long cpu = 0;
        long memory = 0;
        long pods = 0;
        Map<String, Long> others = new java.util.TreeMap<>();
        if (alloc != null) {
            cpu = milli(alloc.get("cpu"), allocPath + ".cpu");
            memory = units(alloc.get("memory"), allocPath + ".memory");
            pods = units(alloc.get("pods"), allocPath + ".pods");
            for (var e : alloc.entrySet()) {
                if (!e.getKey().equals("cpu") && !e.getKey().equals("memory") && !e.getKey().equals("pods")) {
                    others.put(e.getKey(), units(e.getValue(), allocPath + "." + e.getKey()));
                }
            }
        }
        Map<String, Long> images = new java.util.HashMap<>();
        if (status != null && status.getImages() != null) {
            for (var image : status.getImages()) {
                if (image.getNames() != null) {
                    for (String n : image.getNames()) {
                        images.put(n, image.getSizeBytes() == null ? 0 : image.getSizeBytes());
                    }
                }
            }
        }
        Map<String, Condition> conditions = new LinkedHashMap<>();
        if (status != null && status.getConditions() != null) {
            for (int i = 0; i < status.getConditions().size(); i++) {
                NodeCondition c = status.getConditions().get(i);
                if (c.getType() == null) {
                    throw new ModelException("status.conditions[" + i + "].type", "condition without a type");
                }
                conditions.put(c.getType(), new Condition(c.getType(), c.getStatus(),
                        ModelConverter.time(c.getLastTransitionTime(), "status.conditions[" + i + "].lastTransitionTime"),
                        c.getReason(), c.getMessage()));
            }
        }
        boolean unschedulable = spec != null && Boolean.TRUE.equals(spec.getUnschedulable());
        return new NodeState(meta.getName(), meta.getUid(), labels(meta), taints, unschedulable,
                new Resources(cpu, memory, others), pods, conditions, images);
    }

    public static PodState pod(Pod pod) {
        ObjectMeta meta = meta(pod.getMetadata());
        if (meta.getNamespace() == null || meta.getNamespace().isEmpty()) {
            throw new ModelException("metadata.namespace", "pod without a namespace");
        }
        PodSpec spec = pod.getSpec();
        if (spec == null) {
            throw new ModelException("spec", "pod without a spec");
        }
        var status = pod.getStatus();
        String phase = status == null ? null : status.getPhase();
        boolean ready = false;
        if (status != null && status.getConditions() != null) {
            for (PodCondition c : status.getConditions()) {
                if ("Ready".equals(c.getType()) && "True".equals(c.getStatus())) {
                    ready = true;
                }
            }
        }
        OwnerRef controller = null;
        if (meta.getOwnerReferences() != null) {
            for (OwnerReference o : meta.getOwnerReferences()) {
                if (Boolean.TRUE.equals(o.getController())) {
                    controller = new OwnerRef(o.getKind(), o.getName(), o.getUid());
                }
            }
        }
        Map<String, String> annotations = meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
        boolean mirror = annotations.containsKey("kubernetes.io/config.mirror");

        Map<String, String> disruption = new java.util.TreeMap<>();
        for (String key : PodState.DISRUPTION_ANNOTATIONS) {
            if (annotations.get(key) != null) {
                disruption.put(key, annotations.get(key));
            }
        }

        List<String> claims = new ArrayList<>();
        List<String> hostPaths = new ArrayList<>();
        List<EmptyDir> emptyDirs = new ArrayList<>();
        if (spec.getVolumes() != null) {
            for (var v : spec.getVolumes()) {
                if (v.getPersistentVolumeClaim() != null && v.getPersistentVolumeClaim().getClaimName() != null) {
                    claims.add(v.getPersistentVolumeClaim().getClaimName());
                } else if (v.getEphemeral() != null) {
                    // A generic ephemeral volume's claim is named <pod>-<volume> by the ephemeral volume controller.
                    claims.add(meta.getName() + "-" + v.getName());
                } else if (v.getHostPath() != null) {
                    hostPaths.add(v.getName());
                } else if (v.getEmptyDir() != null) {
                    emptyDirs.add(new EmptyDir(v.getName(), "Memory".equals(v.getEmptyDir().getMedium()),
                            v.getEmptyDir().getSizeLimit() == null ? null : v.getEmptyDir().getSizeLimit().toString()));
                }
            }
        }
        java.util.TreeSet<String> unsimulated = new java.util.TreeSet<>();
        java.util.TreeSet<String> hostPorts = new java.util.TreeSet<>();
        List<String> images = new ArrayList<>();
        List<Container> all = new ArrayList<>();
        if (spec.getContainers() != null) {
            all.addAll(spec.getContainers());
        }
        int regular = all.size();
        if (spec.getInitContainers() != null) {
            all.addAll(spec.getInitContainers());
        }
        for (int k = 0; k < all.size(); k++) {
            Container c = all.get(k);
            if (c.getImage() != null && !c.getImage().isEmpty()) {
                images.add(c.getImage());
            }
            boolean holdsPorts = k < regular || "Always".equals(c.getRestartPolicy());
            if (holdsPorts && c.getPorts() != null) {
                for (var port : c.getPorts()) {
                    if (port.getHostPort() != null && port.getHostPort() > 0) {
                        hostPorts.add(ModelConverter.hostPort(port.getHostPort(), port.getProtocol(), port.getHostIP()));
                    }
                }
            }
        }
        if (spec.getResourceClaims() != null) {
            for (var claim : spec.getResourceClaims()) {
                unsimulated.add(ModelConverter.unsimulatedClaim(claim.getName()));
            }
        }
        String waiting = null;
        int restarts = 0;
        if (status != null && status.getContainerStatuses() != null) {
            for (var cs : status.getContainerStatuses()) {
                restarts += cs.getRestartCount() == null ? 0 : cs.getRestartCount();
                if (waiting == null && cs.getState() != null && cs.getState().getWaiting() != null) {
                    String reason = cs.getState().getWaiting().getReason();
                    waiting = reason == null || reason.isEmpty() ? "Waiting" : reason;
                }
            }
        }
        List<Toleration> tolerations = new ArrayList<>();
        if (spec.getTolerations() != null) {
            for (int i = 0; i < spec.getTolerations().size(); i++) {
                var t = spec.getTolerations().get(i);
                String path = "spec.tolerations[" + i + "]";
                Toleration.Operator op = ModelConverter.toleranceOperator(t.getOperator(), path + ".operator");
                tolerations.add(new Toleration(t.getKey(), op, t.getValue(), ModelConverter.effect(t.getEffect(), path + ".effect", true)));
            }
        }
        return new PodState(meta.getNamespace(), meta.getName(), meta.getUid(), labels(meta), ModelConverter.emptyToNull(spec.getNodeName()),
                phase, ready, ModelConverter.time(meta.getCreationTimestamp(), "metadata.creationTimestamp"),
                ModelConverter.time(meta.getDeletionTimestamp(), "metadata.deletionTimestamp"),
                spec.getPriority() == null ? 0 : spec.getPriority(), spec.getPriorityClassName(), controller, mirror,
                requests(spec, false), requests(spec, true), spec.getNodeSelector() == null ? Map.of() : spec.getNodeSelector(),
                affinity(spec.getAffinity()), tolerations, spreads(spec), claims, hostPaths, spec.getSchedulerName(),
                emptyDirs, disruption, List.copyOf(unsimulated), List.copyOf(hostPorts),
                status == null ? null : ModelConverter.emptyToNull(status.getNominatedNodeName()), waiting, restarts, images,
                ModelConverter.emptyToNull(spec.getPreemptionPolicy()));
    }

    public static DisruptionBudget budget(PodDisruptionBudget pdb) {
        ObjectMeta meta = meta(pdb.getMetadata());
        var spec = pdb.getSpec();
        var status = pdb.getStatus();
        LabelSelector selector = spec == null || spec.getSelector() == null ? null : labelSelector(spec.getSelector(), "spec.selector");
        return new DisruptionBudget(meta.getNamespace(), meta.getName(), selector,
                status == null || status.getDisruptionsAllowed() == null ? 0 : status.getDisruptionsAllowed(),
                status == null || status.getCurrentHealthy() == null ? 0 : status.getCurrentHealthy(),
                status == null || status.getDesiredHealthy() == null ? 0 : status.getDesiredHealthy(),
                status == null || status.getExpectedPods() == null ? 0 : status.getExpectedPods(),
                spec == null ? null : intOrString(spec.getMinAvailable()),
                spec == null ? null : intOrString(spec.getMaxUnavailable()));
    }

    public static Claim claim(PersistentVolumeClaim pvc) {
        ObjectMeta meta = meta(pvc.getMetadata());
        var spec = pvc.getSpec();
        return new Claim(meta.getNamespace(), meta.getName(), spec == null ? null : ModelConverter.emptyToNull(spec.getVolumeName()),
                pvc.getStatus() == null ? null : pvc.getStatus().getPhase(), spec == null ? null : spec.getStorageClassName(),
                spec == null || spec.getAccessModes() == null ? List.of() : spec.getAccessModes());
    }

    public static Volume volume(PersistentVolume pv) {
        ObjectMeta meta = meta(pv.getMetadata());
        var spec = pv.getSpec();
        NodeSelector affinity = null;
        String claimNs = null;
        String claimName = null;
        String storageClass = null;
        if (spec != null) {
            if (spec.getNodeAffinity() != null && spec.getNodeAffinity().getRequired() != null) {
                affinity = nodeSelector(spec.getNodeAffinity().getRequired(), "spec.nodeAffinity.required");
            }
            if (spec.getClaimRef() != null) {
                claimNs = spec.getClaimRef().getNamespace();
                claimName = spec.getClaimRef().getName();
            }
            storageClass = spec.getStorageClassName();
        }
        String csiDriver = spec == null || spec.getCsi() == null ? null : ModelConverter.emptyToNull(spec.getCsi().getDriver());
        if (csiDriver == null && spec != null) {
            // in-tree sources migrated to CSI count against their CSI driver's limit
            csiDriver = spec.getAwsElasticBlockStore() != null ? "ebs.csi.aws.com"
                    : spec.getAzureDisk() != null ? "disk.csi.azure.com"
                    : spec.getCinder() != null ? "cinder.csi.openstack.org"
                    : spec.getGcePersistentDisk() != null ? "pd.csi.storage.gke.io"
                    : spec.getVsphereVolume() != null ? "csi.vsphere.vmware.com" : null;
        }
        return new Volume(meta.getName(), affinity, claimNs, claimName, storageClass, Volume.zoneLabelsOf(meta.getLabels()), csiDriver);
    }

    // ---------------------------------------------------------------------------------------------

    private static ObjectMeta meta(ObjectMeta meta) {
        if (meta == null || meta.getName() == null || meta.getName().isEmpty()) {
            throw new ModelException("metadata.name", "object without a name");
        }
        return meta;
    }

    private static Map<String, String> labels(ObjectMeta meta) {
        return meta.getLabels() == null ? Map.of() : meta.getLabels();
    }

    private static String intOrString(IntOrString v) {
        if (v == null) {
            return null;
        }
        return v.getIntVal() != null ? v.getIntVal().toString() : v.getStrVal();
    }

    /**
     * Requests as the scheduler counts them (k8s.io/component-helpers resource.PodRequests): the larger of
     * the regular containers (plus restartable sidecars) and any init container (plus the sidecars started
     * before it), plus the pod overhead. A container with a limit but no request requests its limit, as
     * the API server's defaulting would have made it.
     */
    static Resources requests(PodSpec spec, boolean nonZero) {
        Resources regular = Resources.NONE;
        List<Container> containers = spec.getContainers() == null ? List.of() : spec.getContainers();
        for (int i = 0; i < containers.size(); i++) {
            regular = regular.plus(containerRequests(containers.get(i), "spec.containers[" + i + "]", nonZero));
        }
        Resources sidecars = Resources.NONE;
        Resources initPeak = Resources.NONE;
        List<Container> inits = spec.getInitContainers() == null ? List.of() : spec.getInitContainers();
        for (int i = 0; i < inits.size(); i++) {
            Container c = inits.get(i);
            Resources r = containerRequests(c, "spec.initContainers[" + i + "]", nonZero);
            if ("Always".equals(c.getRestartPolicy())) {
                sidecars = sidecars.plus(r);
                initPeak = initPeak.max(sidecars);
            } else {
                initPeak = initPeak.max(r.plus(sidecars));
            }
        }
        Resources total = regular.plus(sidecars).max(initPeak);
        if (spec.getResources() != null && spec.getResources().getRequests() != null) {
            // Pod-level resources (PodLevelResources) replace the container sum for what they name.
            var podLevel = spec.getResources().getRequests();
            long cpu = podLevel.containsKey("cpu") ? milli(podLevel.get("cpu"), "spec.resources.requests.cpu") : total.milliCpu();
            long mem = podLevel.containsKey("memory") ? units(podLevel.get("memory"), "spec.resources.requests.memory") : total.memoryBytes();
            total = new Resources(cpu, mem, total.others());
        }
        if (spec.getOverhead() != null && !spec.getOverhead().isEmpty()) {
            total = total.plus(new Resources(milli(spec.getOverhead().get("cpu"), "spec.overhead.cpu"),
                    units(spec.getOverhead().get("memory"), "spec.overhead.memory")));
        }
        return total;
    }

    /** What the scheduler's scoring assumes of a container that requests nothing of a resource. */
    static final long DEFAULT_MILLI_CPU_REQUEST = 100;
    static final long DEFAULT_MEMORY_REQUEST = 200L * 1024 * 1024;

    private static Resources containerRequests(Container c, String path, boolean nonZero) {
        ResourceRequirements r = c.getResources();
        Map<String, io.fabric8.kubernetes.api.model.Quantity> req = r == null || r.getRequests() == null ? Map.of() : r.getRequests();
        Map<String, io.fabric8.kubernetes.api.model.Quantity> lim = r == null || r.getLimits() == null ? Map.of() : r.getLimits();
        long cpu;
        if (req.containsKey("cpu")) {
            cpu = milli(req.get("cpu"), path + ".resources.requests.cpu");
        } else if (lim.containsKey("cpu")) {
            cpu = milli(lim.get("cpu"), path + ".resources.limits.cpu");
        } else {
            cpu = nonZero ? DEFAULT_MILLI_CPU_REQUEST : 0;
        }
        long mem;
        if (req.containsKey("memory")) {
            mem = units(req.get("memory"), path + ".resources.requests.memory");
        } else if (lim.containsKey("memory")) {
            mem = units(lim.get("memory"), path + ".resources.limits.memory");
        } else {
            mem = nonZero ? DEFAULT_MEMORY_REQUEST : 0;
        }
        Map<String, Long> others = new java.util.TreeMap<>();
        for (var e : lim.entrySet()) {
            if (!e.getKey().equals("cpu") && !e.getKey().equals("memory") && !req.containsKey(e.getKey())) {
                others.put(e.getKey(), units(e.getValue(), path + ".resources.limits." + e.getKey()));
            }
        }
        for (var e : req.entrySet()) {
            if (!e.getKey().equals("cpu") && !e.getKey().equals("memory")) {
                others.put(e.getKey(), units(e.getValue(), path + ".resources.requests." + e.getKey()));
            }
        }
        return new Resources(cpu, mem, others);
    }

    private static long milli(io.fabric8.kubernetes.api.model.Quantity q, String path) {
        if (q == null) {
            return 0;
        }
        try {
            return Quantity.milli(q.toString());
        } catch (IllegalArgumentException e) {
            throw new ModelException(path, e.getMessage());
        }
    }

    private static long units(io.fabric8.kubernetes.api.model.Quantity q, String path) {
        if (q == null) {
            return 0;
        }
        try {
            return Quantity.units(q.toString());
        } catch (IllegalArgumentException e) {
            throw new ModelException(path, e.getMessage());
        }
    }

    private static Affinity affinity(io.fabric8.kubernetes.api.model.Affinity a) {
        if (a == null) {
            return Affinity.NONE;
        }
        NodeSelector required = null;
        List<PreferredSchedulingTerm> preferred = new ArrayList<>();
        if (a.getNodeAffinity() != null) {
            var na = a.getNodeAffinity();
            if (na.getRequiredDuringSchedulingIgnoredDuringExecution() != null) {
                required = nodeSelector(na.getRequiredDuringSchedulingIgnoredDuringExecution(),
                        "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution");
            }
            var prefs = na.getPreferredDuringSchedulingIgnoredDuringExecution();
            if (prefs != null) {
                for (int i = 0; i < prefs.size(); i++) {
                    String path = "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[" + i + "]";
                    var p = prefs.get(i);
                    preferred.add(new PreferredSchedulingTerm(ModelConverter.weight(p.getWeight(), path), p.getPreference() == null
                            ? new NodeSelectorTerm(List.of(), List.of()) : term(p.getPreference(), path + ".preference")));
                }
            }
        }
        List<PodAffinityTerm> reqAff = new ArrayList<>();
        List<WeightedPodAffinityTerm> prefAff = new ArrayList<>();
        if (a.getPodAffinity() != null) {
            podTerms(a.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution(),
                    "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution", reqAff);
            weightedTerms(a.getPodAffinity().getPreferredDuringSchedulingIgnoredDuringExecution(),
                    "spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution", prefAff);
        }
        List<PodAffinityTerm> reqAnti = new ArrayList<>();
        List<WeightedPodAffinityTerm> prefAnti = new ArrayList<>();
        if (a.getPodAntiAffinity() != null) {
            podTerms(a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution(),
                    "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution", reqAnti);
            weightedTerms(a.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution(),
                    "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution", prefAnti);
        }
        return new Affinity(required, preferred, reqAff, prefAff, reqAnti, prefAnti);
    }

    private static void podTerms(List<io.fabric8.kubernetes.api.model.PodAffinityTerm> terms, String path, List<PodAffinityTerm> out) {
        if (terms == null) {
            return;
        }
        for (int i = 0; i < terms.size(); i++) {
            out.add(podTerm(terms.get(i), path + "[" + i + "]"));
        }
    }

    private static void weightedTerms(List<io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm> terms, String path,
                                      List<WeightedPodAffinityTerm> out) {
        if (terms == null) {
            return;
        }
        for (int i = 0; i < terms.size(); i++) {
            var t = terms.get(i);
            String p = path + "[" + i + "]";
            if (t.getPodAffinityTerm() == null) {
                throw new ModelException(p + ".podAffinityTerm", "is required");
            }
            out.add(new WeightedPodAffinityTerm(ModelConverter.weight(t.getWeight(), p), podTerm(t.getPodAffinityTerm(), p + ".podAffinityTerm")));
        }
    }

    private static PodAffinityTerm podTerm(io.fabric8.kubernetes.api.model.PodAffinityTerm t, String path) {
        if (t.getTopologyKey() == null || t.getTopologyKey().isEmpty()) {
            throw new ModelException(path + ".topologyKey", "is required");
        }
        LabelSelector selector = t.getLabelSelector() == null ? null : labelSelector(t.getLabelSelector(), path + ".labelSelector");
        Set<String> namespaces = t.getNamespaces() == null ? Set.of() : new HashSet<>(t.getNamespaces());
        boolean all = false;
        boolean unknown = false;
        if (t.getNamespaceSelector() != null) {
            LabelSelector ns = labelSelector(t.getNamespaceSelector(), path + ".namespaceSelector");
            if (ns.isEmpty()) {
                all = true;
            } else {
                unknown = true;
            }
        }
        return new PodAffinityTerm(selector, namespaces, all, unknown, t.getTopologyKey());
    }

    private static List<TopologySpreadConstraint> spreads(PodSpec spec) {
        List<TopologySpreadConstraint> out = new ArrayList<>();
        if (spec.getTopologySpreadConstraints() == null) {
            return out;
        }
        for (int i = 0; i < spec.getTopologySpreadConstraints().size(); i++) {
            var c = spec.getTopologySpreadConstraints().get(i);
            String path = "spec.topologySpreadConstraints[" + i + "]";
            if (c.getMaxSkew() == null || c.getMaxSkew() < 1) {
                throw new ModelException(path + ".maxSkew", "expected a whole number of at least 1, got " + c.getMaxSkew());
            }
            if (c.getTopologyKey() == null || c.getTopologyKey().isEmpty()) {
                throw new ModelException(path + ".topologyKey", "is required");
            }
            String when = c.getWhenUnsatisfiable();
            if (!"DoNotSchedule".equals(when) && !"ScheduleAnyway".equals(when)) {
                throw new ModelException(path + ".whenUnsatisfiable", "expected DoNotSchedule or ScheduleAnyway, got '" + when + "'");
            }
            LabelSelector selector = c.getLabelSelector() == null ? null : labelSelector(c.getLabelSelector(), path + ".labelSelector");
            out.add(new TopologySpreadConstraint(c.getMaxSkew(), c.getTopologyKey(), "DoNotSchedule".equals(when), selector,
                    c.getMinDomains(), !"Ignore".equals(c.getNodeAffinityPolicy()), "Honor".equals(c.getNodeTaintsPolicy()),
                    c.getMatchLabelKeys() == null ? List.of() : c.getMatchLabelKeys()));
        }
        return out;
    }

    private static NodeSelector nodeSelector(io.fabric8.kubernetes.api.model.NodeSelector s, String path) {
        List<NodeSelectorTerm> terms = new ArrayList<>();
        if (s.getNodeSelectorTerms() != null) {
            for (int i = 0; i < s.getNodeSelectorTerms().size(); i++) {
                terms.add(term(s.getNodeSelectorTerms().get(i), path + ".nodeSelectorTerms[" + i + "]"));
            }
        }
        return new NodeSelector(terms);
    }

    private static NodeSelectorTerm term(io.fabric8.kubernetes.api.model.NodeSelectorTerm t, String path) {
        return new NodeSelectorTerm(nodeRequirements(t.getMatchExpressions(), path + ".matchExpressions"),
                nodeRequirements(t.getMatchFields(), path + ".matchFields"));
    }

    private static List<Requirement> nodeRequirements(List<NodeSelectorRequirement> reqs, String path) {
        List<Requirement> out = new ArrayList<>();
        if (reqs == null) {
            return out;
        }
        for (int i = 0; i < reqs.size(); i++) {
            var r = reqs.get(i);
            out.add(requirement(r.getKey(), r.getOperator(), r.getValues(), path + "[" + i + "]", true));
        }
        return out;
    }

    static LabelSelector labelSelector(io.fabric8.kubernetes.api.model.LabelSelector s, String path) {
        List<Requirement> exprs = new ArrayList<>();
        if (s.getMatchExpressions() != null) {
            for (int i = 0; i < s.getMatchExpressions().size(); i++) {
                LabelSelectorRequirement r = s.getMatchExpressions().get(i);
                exprs.add(requirement(r.getKey(), r.getOperator(), r.getValues(), path + ".matchExpressions[" + i + "]", false));
            }
        }
        return new LabelSelector(s.getMatchLabels() == null ? Map.of() : s.getMatchLabels(), exprs);
    }

    private static Requirement requirement(String key, String operator, List<String> values, String path, boolean nodeSelector) {
        if (key == null || key.isEmpty()) {
            throw new ModelException(path + ".key", "is required");
        }
        Requirement.Operator op;
        try {
            op = Requirement.Operator.valueOf(operator == null ? "" : operator);
        } catch (IllegalArgumentException e) {
            op = null;
        }
        if (op == null || (!nodeSelector && (op == Requirement.Operator.Gt || op == Requirement.Operator.Lt))) {
            throw new ModelException(path + ".operator", "expected In, NotIn, Exists, DoesNotExist"
                    + (nodeSelector ? ", Gt or Lt" : "") + ", got '" + operator + "'");
        }
        return new Requirement(key, op, values == null ? List.of() : values);
    }
}
