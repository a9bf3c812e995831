package dev.happypath.rebalancer.cluster;

import com.fasterxml.jackson.databind.JsonNode;
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

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.happypath.rebalancer.cluster.WireFields.bool;
import static dev.happypath.rebalancer.cluster.WireFields.intOrString;
import static dev.happypath.rebalancer.cluster.WireFields.integer;
import static dev.happypath.rebalancer.cluster.WireFields.object;
import static dev.happypath.rebalancer.cluster.WireFields.objects;
import static dev.happypath.rebalancer.cluster.WireFields.text;
import static dev.happypath.rebalancer.cluster.WireFields.textMap;
import static dev.happypath.rebalancer.cluster.WireFields.texts;
import static dev.happypath.rebalancer.cluster.WireFields.value;

/**
 * Turns Kubernetes objects, as they travel (the JSON of a LIST response, an item of a kubectl dump),
 * into snapshot records. The one place that knows the Kubernetes wire model; a live LIST and a kubectl
 * dump both go through it. It reads only the fields the rebalancer uses and never builds the client's
 * model classes: binding whole objects to them costs far more time and memory than the decision itself
 * (docs/performance.md). Fields a real API server always fills are still checked, because dump files
 * are written by hand too.
 */
public final class ModelConverter {

    private ModelConverter() {
    }

    public static NodeState node(JsonNode node) {
        JsonNode meta = meta(node);
        JsonNode spec = object(node, "spec", "spec");
        JsonNode status = object(node, "status", "status");
        List<Taint> taints = new ArrayList<>();
        List<JsonNode> taintList = objects(spec, "taints", "spec.taints");
        for (int i = 0; i < taintList.size(); i++) {
            JsonNode t = taintList.get(i);
            String path = "spec.taints[" + i + "]";
            String key = text(t, "key", path + ".key");
            if (key == null || key.isEmpty()) {
                throw new ModelException(path + ".key", "taint without a key");
            }
            taints.add(new Taint(key, text(t, "value", path + ".value"), effect(text(t, "effect", path + ".effect"), path + ".effect", false)));
        }
        JsonNode alloc = object(status, "allocatable", "status.allocatable");
        String allocPath = "status.allocatable";
        if ((alloc == null || alloc.isEmpty()) && status != null) {
            alloc = object(status, "capacity", "status.capacity");
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
            // every other resource the node offers (ephemeral-storage, hugepages-*, nvidia.com/gpu, ...): NodeResourcesFit checks them all
            final JsonNode a = alloc;
            final String ap = allocPath;
            a.fieldNames().forEachRemaining(n -> {
                if (!n.equals("cpu") && !n.equals("memory") && !n.equals("pods")) {
                    others.put(n, units(a.get(n), ap + "." + n));
                }
            });
        }
        Map<String, Long> images = new java.util.HashMap<>();
        List<JsonNode> imageList = objects(status, "images", "status.images");
        for (int i = 0; i < imageList.size(); i++) {
            String path = "status.images[" + i + "]";
            JsonNode sizeNode = value(imageList.get(i), "sizeBytes");
            long size = sizeNode == null ? 0 : sizeNode.asLong();
            for (String imageName : texts(imageList.get(i), "names", path + ".names")) {
                images.put(imageName, size);
            }
        }
        Map<String, Condition> conditions = new LinkedHashMap<>();
        List<JsonNode> conditionList = objects(status, "conditions", "status.conditions");
        for (int i = 0; i < conditionList.size(); i++) {
            JsonNode c = conditionList.get(i);
            String path = "status.conditions[" + i + "]";
            String type = text(c, "type", path + ".type");
            if (type == null) {
                throw new ModelException(path + ".type", "condition without a type");
            }
            conditions.put(type, new Condition(type, text(c, "status", path + ".status"),
                    time(text(c, "lastTransitionTime", path + ".lastTransitionTime"), path + ".lastTransitionTime"),
                    text(c, "reason", path + ".reason"), text(c, "message", path + ".message")));
        }
        boolean unschedulable = Boolean.TRUE.equals(bool(spec, "unschedulable", "spec.unschedulable"));
        return new NodeState(name(meta), text(meta, "uid", "metadata.uid"), textMap(meta, "labels", "metadata.labels"), taints,
                unschedulable, new Resources(cpu, memory, others), pods, conditions, images);
    }

    private static final List<String> CONTAINER_LISTS = List.of("containers", "initContainers");

    /** A pod read as a tree (YAML, the simulation's objects): read as its tokens would be ({@link PodWire#of}). */
    public static PodState pod(JsonNode pod) {
        return pod(PodWire.of(pod));
    }

    /** A pod as read from the wire ({@link PodWire}): the same coercions and faults as a tree, in the same order. */
    static PodState pod(PodWire pod) {
        PodWire.Meta meta = PodWire.object(pod.metadata, PodWire.Meta.class, "metadata");
        meta = meta == null ? new PodWire.Meta() : meta;
        String name = PodWire.text(meta.name, "metadata.name");
        if (name == null || name.isEmpty()) {
            throw new ModelException("metadata.name", "object without a name");
        }
        String namespace = PodWire.text(meta.namespace, "metadata.namespace");
        if (namespace == null || namespace.isEmpty()) {
            throw new ModelException("metadata.namespace", "pod without a namespace");
        }
        PodWire.Spec spec = PodWire.object(pod.spec, PodWire.Spec.class, "spec");
        if (spec == null) {
            throw new ModelException("spec", "pod without a spec");
        }
        PodWire.Status status = PodWire.object(pod.status, PodWire.Status.class, "status");
        status = status == null ? new PodWire.Status() : status;
        String phase = PodWire.text(status.phase, "status.phase");
        boolean ready = false;
        List<?> podConditions = PodWire.objects(status.conditions, "status.conditions");
        for (int i = 0; i < podConditions.size(); i++) {
            PodWire.PodCondition c = (PodWire.PodCondition) podConditions.get(i);
            try {
                if ("Ready".equals(PodWire.text(c.type, "type")) && "True".equals(PodWire.text(c.status, "status"))) {
                    ready = true;
                }
            } catch (ModelException e) {
                throw e.within("status.conditions[" + i + "]");
            }
        }
        OwnerRef controller = null;
        List<?> owners = PodWire.objects(meta.ownerReferences, "metadata.ownerReferences");
        for (int i = 0; i < owners.size(); i++) {
            PodWire.Owner o = (PodWire.Owner) owners.get(i);
            try {
                if (Boolean.TRUE.equals(PodWire.bool(o.controller, "controller"))) {
                    controller = new OwnerRef(PodWire.text(o.kind, "kind"), PodWire.text(o.name, "name"), PodWire.text(o.uid, "uid"));
                }
            } catch (ModelException e) {
                throw e.within("metadata.ownerReferences[" + i + "]");
            }
        }
        PodWire.Annotations annotations = PodWire.object(meta.annotations, PodWire.Annotations.class, "metadata.annotations");
        boolean mirror = annotations != null && annotations.mirror;

        Map<String, String> disruption = Map.of();
        if (annotations != null) {
            for (String key : PodState.DISRUPTION_ANNOTATIONS) {
                String v;
                try {
                    v = PodWire.text(annotations.disruption.get(key), key);
                } catch (ModelException e) {
                    throw e.within("metadata.annotations");
                }
                if (v != null) {
                    disruption = disruption.isEmpty() ? new java.util.TreeMap<>() : disruption;
                    disruption.put(key, v);
                }
            }
        }

        List<String> claims = new ArrayList<>();
        List<String> hostPaths = new ArrayList<>();
        List<EmptyDir> emptyDirs = new ArrayList<>();
        List<?> volumes = PodWire.objects(spec.volumes, "spec.volumes");
        for (int i = 0; i < volumes.size(); i++) {
            PodWire.Volume v = (PodWire.Volume) volumes.get(i);
            try {
                PodWire.ClaimSource pvc = PodWire.object(v.persistentVolumeClaim, PodWire.ClaimSource.class, "persistentVolumeClaim");
                String claimName = PodWire.text(pvc == null ? null : pvc.claimName, "persistentVolumeClaim.claimName");
                if (claimName != null) {
                    claims.add(claimName);
                } else if (PodWire.object(v.ephemeral, Boolean.class, "ephemeral") != null) {
                    // A generic ephemeral volume's claim is named <pod>-<volume> by the ephemeral volume controller.
                    claims.add(name + "-" + PodWire.text(v.name, "name"));
                } else if (PodWire.object(v.hostPath, Boolean.class, "hostPath") != null) {
                    hostPaths.add(PodWire.text(v.name, "name"));
                } else {
                    PodWire.EmptyDirSource e = PodWire.object(v.emptyDir, PodWire.EmptyDirSource.class, "emptyDir");
                    if (e != null) {
                        emptyDirs.add(new EmptyDir(PodWire.text(v.name, "name"), "Memory".equals(PodWire.text(e.medium, "emptyDir.medium")),
                                PodWire.quantity(e.sizeLimit, "emptyDir.sizeLimit")));
                    }
                }
            } catch (ModelException e) {
                throw e.within("spec.volumes[" + i + "]");
            }
        }
        java.util.TreeSet<String> unsimulated = new java.util.TreeSet<>();
        java.util.TreeSet<String> hostPorts = new java.util.TreeSet<>();
        List<String> images = new ArrayList<>();
        for (String field : CONTAINER_LISTS) {
            boolean regular = field.equals("containers");
            List<?> cs = PodWire.objects(regular ? spec.containers : spec.initContainers, regular ? "spec.containers" : "spec.initContainers");
            for (int i = 0; i < cs.size(); i++) {
                PodWire.Container c = (PodWire.Container) cs.get(i);
                try {
                    String image = PodWire.text(c.image, "image");
                    if (image != null && !image.isEmpty()) {
                        images.add(image);
                    }
                    // a port is held for the pod's life by its containers and its sidecars (restartable init containers), as
                    // the scheduler's NodePorts counts it; a plain init container's port is gone before the pod runs
                    boolean holdsPorts = regular || "Always".equals(PodWire.text(c.restartPolicy, "restartPolicy"));
                    List<?> ports = PodWire.objects(c.ports, "ports");
                    for (int j = 0; holdsPorts && j < ports.size(); j++) {
                        PodWire.Port port = (PodWire.Port) ports.get(j);
                        try {
                            Integer hostPort = PodWire.integer(port.hostPort, "hostPort");
                            if (hostPort != null && hostPort > 0) {
                                String protocol = PodWire.text(port.protocol, "protocol");
                                String hostIP = PodWire.text(port.hostIP, "hostIP");
                                hostPorts.add(hostPort(hostPort, protocol, hostIP));
                            }
                        } catch (ModelException e) {
                            throw e.within("ports[" + j + "]");
                        }
                    }
                } catch (ModelException e) {
                    throw e.within("spec." + field + "[" + i + "]");
                }
            }
        }
        // Dynamic Resource Allocation: the DynamicResources plugin decides where such a pod fits; the model does not
        List<JsonNode> resourceClaims = objects(spec.trees, "resourceClaims", "spec.resourceClaims");
        for (int i = 0; i < resourceClaims.size(); i++) {
            String claim = text(resourceClaims.get(i), "name", "spec.resourceClaims[" + i + "].name");
            unsimulated.add(unsimulatedClaim(claim));
        }
        String waiting = null;
        int restarts = 0;
        List<?> statuses = PodWire.objects(status.containerStatuses, "status.containerStatuses");
        for (int i = 0; i < statuses.size(); i++) {
            PodWire.ContainerStatus s = (PodWire.ContainerStatus) statuses.get(i);
            try {
                Integer count = PodWire.integer(s.restartCount, "restartCount");
                restarts += count == null ? 0 : count;
                PodWire.State state = PodWire.object(s.state, PodWire.State.class, "state");
                PodWire.Waiting w = PodWire.object(state == null ? null : state.waiting, PodWire.Waiting.class, "state.waiting");
                if (w != null && waiting == null) {
                    String reason = PodWire.text(w.reason, "state.waiting.reason");
                    waiting = reason == null || reason.isEmpty() ? "Waiting" : reason;
                }
            } catch (ModelException e) {
                throw e.within("status.containerStatuses[" + i + "]");
            }
        }
        List<Toleration> tolerations = new ArrayList<>();
        List<?> tolerationList = PodWire.objects(spec.tolerations, "spec.tolerations");
        for (int i = 0; i < tolerationList.size(); i++) {
            PodWire.Toleration t = (PodWire.Toleration) tolerationList.get(i);
            try {
                Toleration.Operator op = toleranceOperator(PodWire.text(t.operator, "operator"), "operator");
                tolerations.add(new Toleration(PodWire.text(t.key, "key"), op, PodWire.text(t.value, "value"),
                        effect(PodWire.text(t.effect, "effect"), "effect", true)));
            } catch (ModelException e) {
                throw e.within("spec.tolerations[" + i + "]");
            }
        }
        Integer priority = PodWire.integer(spec.priority, "spec.priority");
        JsonNode affinity = object(spec.trees, "affinity", "spec.affinity");
        // read in the order the record lists them, so that of two faults the same one is named as always
        String uid = PodWire.text(meta.uid, "metadata.uid");
        Map<String, String> labels = PodWire.textMap(meta.labels, "metadata.labels");
        String nodeName = emptyToNull(PodWire.text(spec.nodeName, "spec.nodeName"));
        Instant created = time(PodWire.text(meta.creationTimestamp, "metadata.creationTimestamp"), "metadata.creationTimestamp");
        Instant deleted = time(PodWire.text(meta.deletionTimestamp, "metadata.deletionTimestamp"), "metadata.deletionTimestamp");
        String priorityClassName = PodWire.text(spec.priorityClassName, "spec.priorityClassName");
        Resources[] requests = requests(spec);
        return new PodState(namespace, name, uid, labels, nodeName, phase, ready, created, deleted,
                priority == null ? 0 : priority, priorityClassName, controller, mirror,
                requests[0], requests[1], PodWire.textMap(spec.nodeSelector, "spec.nodeSelector"),
                affinity(affinity), tolerations, spreads(spec.trees), claims, hostPaths, PodWire.text(spec.schedulerName, "spec.schedulerName"),
                emptyDirs, disruption, List.copyOf(unsimulated), List.copyOf(hostPorts),
                emptyToNull(PodWire.text(status.nominatedNodeName, "status.nominatedNodeName")), waiting, restarts, images,
                emptyToNull(PodWire.text(spec.preemptionPolicy, "spec.preemptionPolicy")));
    }

    /**
     * What the model cannot simulate of a pod's requests, as listed in {@link PodState#unsimulatedResources()}: a
     * resource claim of Dynamic Resource Allocation (spec.resourceClaims). Every resource name of the containers'
     * requests (extended resources, ephemeral-storage, hugepages-*) is simulated by NodeResourcesFit.
     */
    public static String unsimulatedClaim(String claimName) {
        return "resource claim " + claimName;
    }

    /**
     * A host port as PodState keeps it: "8080/TCP" for every address of the node (hostIP empty or 0.0.0.0), else
     * "127.0.0.1:8080/TCP".
     */
    public static String hostPort(int port, String protocol, String hostIP) {
        String p = protocol == null || protocol.isEmpty() ? "TCP" : protocol;
        boolean everyAddress = hostIP == null || hostIP.isEmpty() || hostIP.equals("0.0.0.0");
        return (everyAddress ? "" : hostIP + ":") + port + "/" + p;
    }

    public static DisruptionBudget budget(JsonNode pdb) {
        JsonNode meta = meta(pdb);
        JsonNode spec = object(pdb, "spec", "spec");
        JsonNode status = object(pdb, "status", "status");
        JsonNode selector = object(spec, "selector", "spec.selector");
        return new DisruptionBudget(text(meta, "namespace", "metadata.namespace"), name(meta),
                selector == null ? null : labelSelector(selector, "spec.selector"),
                orZero(integer(status, "disruptionsAllowed", "status.disruptionsAllowed")),
                orZero(integer(status, "currentHealthy", "status.currentHealthy")),
                orZero(integer(status, "desiredHealthy", "status.desiredHealthy")),
                orZero(integer(status, "expectedPods", "status.expectedPods")),
                intOrString(spec, "minAvailable", "spec.minAvailable"),
                intOrString(spec, "maxUnavailable", "spec.maxUnavailable"));
    }

    public static Claim claim(JsonNode pvc) {
        JsonNode meta = meta(pvc);
        JsonNode spec = object(pvc, "spec", "spec");
        JsonNode status = object(pvc, "status", "status");
        return new Claim(text(meta, "namespace", "metadata.namespace"), name(meta), emptyToNull(text(spec, "volumeName", "spec.volumeName")),
                text(status, "phase", "status.phase"), text(spec, "storageClassName", "spec.storageClassName"),
                texts(spec, "accessModes", "spec.accessModes"));
    }

    public static Volume volume(JsonNode pv) {
        JsonNode meta = meta(pv);
        JsonNode spec = object(pv, "spec", "spec");
        NodeSelector affinity = null;
        JsonNode required = object(object(spec, "nodeAffinity", "spec.nodeAffinity"), "required", "spec.nodeAffinity.required");
        if (required != null) {
            affinity = nodeSelector(required, "spec.nodeAffinity.required");
        }
        JsonNode claimRef = object(spec, "claimRef", "spec.claimRef");
        return new Volume(name(meta), affinity, text(claimRef, "namespace", "spec.claimRef.namespace"),
                text(claimRef, "name", "spec.claimRef.name"), text(spec, "storageClassName", "spec.storageClassName"),
                Volume.zoneLabelsOf(textMap(meta, "labels", "metadata.labels")), csiDriver(spec));
    }

    /**
     * In-tree volume plugins whose volumes the scheduler counts against a CSI driver's attach limit once the
     * plugin is migrated to CSI (NodeVolumeLimits; migration is on by default in current Kubernetes): the
     * spec field of the in-tree source, and the CSI driver that took it over.
     */
    private static final Map<String, String> MIGRATED_IN_TREE = Map.of(
            "awsElasticBlockStore", "ebs.csi.aws.com",
            "gcePersistentDisk", "pd.csi.storage.gke.io",
            "azureDisk", "disk.csi.azure.com",
            "cinder", "cinder.csi.openstack.org",
            "vsphereVolume", "csi.vsphere.vmware.com");

    /** The CSI driver a volume counts against: spec.csi's, or the one an in-tree source migrated to; else null. */
    private static String csiDriver(JsonNode spec) {
        String csi = emptyToNull(text(object(spec, "csi", "spec.csi"), "driver", "spec.csi.driver"));
        if (csi != null || spec == null) {
            return csi;
        }
        for (Map.Entry<String, String> inTree : new java.util.TreeMap<>(MIGRATED_IN_TREE).entrySet()) {
            if (spec.has(inTree.getKey())) {
                return inTree.getValue();
            }
        }
        return null;
    }

    // ---------------------------------------------------------------------------------------------

    private static JsonNode meta(JsonNode object) {
        JsonNode meta = object(object, "metadata", "metadata");
        String name = text(meta, "name", "metadata.name");
        if (name == null || name.isEmpty()) {
            throw new ModelException("metadata.name", "object without a name");
        }
        return meta;
    }

    private static String name(JsonNode meta) {
        return text(meta, "name", "metadata.name");
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }

    static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /**
     * Requests as the scheduler counts them (k8s.io/component-helpers resource.PodRequests): the larger of
     * the regular containers (plus restartable sidecars) and any init container (plus the sidecars started
     * before it), plus the pod overhead. A container with a limit but no request requests its limit, as
     * the API server's defaulting would have made it.
     *
     * @return the requests ({@code [0]}) and the same with the scoring defaults for what a container does not
     * request ({@code [1]}, PodState#nonZeroRequests), each container's quantities read once for both
     */
    static Resources[] requests(PodWire.Spec spec) {
        List<?> containers = PodWire.objects(spec.containers, "spec.containers");
        List<?> inits = PodWire.objects(spec.initContainers, "spec.initContainers");
        List<ContainerRequests> regulars = new ArrayList<>(containers.size());
        for (int i = 0; i < containers.size(); i++) {
            try {
                regulars.add(containerRequests((PodWire.Container) containers.get(i)));
            } catch (ModelException e) {
                throw e.within("spec.containers[" + i + "]");
            }
        }
        List<ContainerRequests> initRequests = new ArrayList<>(inits.size());
        boolean[] sidecar = new boolean[inits.size()];
        for (int i = 0; i < inits.size(); i++) {
            PodWire.Container init = (PodWire.Container) inits.get(i);
            try {
                initRequests.add(containerRequests(init));
                sidecar[i] = "Always".equals(PodWire.text(init.restartPolicy, "restartPolicy"));
            } catch (ModelException e) {
                throw e.within("spec.initContainers[" + i + "]");
            }
        }
        // pod-level resources and the overhead are kept as trees
        return new Resources[]{podRequests(spec.trees, regulars, initRequests, sidecar, false),
                podRequests(spec.trees, regulars, initRequests, sidecar, true)};
    }

    private static Resources podRequests(JsonNode spec, List<ContainerRequests> regulars, List<ContainerRequests> inits,
                                         boolean[] sidecar, boolean nonZero) {
        Resources regular = Resources.NONE;
        for (ContainerRequests c : regulars) {
            regular = regular.plus(c.of(nonZero));
        }
        Resources sidecars = Resources.NONE;
        Resources initPeak = Resources.NONE;
        for (int i = 0; i < inits.size(); i++) {
            Resources r = inits.get(i).of(nonZero);
            if (sidecar[i]) {
                sidecars = sidecars.plus(r);
                initPeak = initPeak.max(sidecars);
            } else {
                initPeak = initPeak.max(r.plus(sidecars));
            }
        }
        Resources total = regular.plus(sidecars).max(initPeak);
        JsonNode podLevel = object(object(spec, "resources", "spec.resources"), "requests", "spec.resources.requests");
        if (podLevel != null) {
            // Pod-level resources (PodLevelResources) replace the container sum for what they name.
            long cpu = podLevel.has("cpu") ? milli(podLevel.get("cpu"), "spec.resources.requests.cpu") : total.milliCpu();
            long mem = podLevel.has("memory") ? units(podLevel.get("memory"), "spec.resources.requests.memory") : total.memoryBytes();
            total = new Resources(cpu, mem, total.others());
        }
        JsonNode overhead = object(spec, "overhead", "spec.overhead");
        if (overhead != null && !overhead.isEmpty()) {
            total = total.plus(new Resources(milli(overhead.get("cpu"), "spec.overhead.cpu"),
                    units(overhead.get("memory"), "spec.overhead.memory")));
        }
        return total;
    }

    /** What the scheduler's scoring assumes of a container that requests nothing of a resource. */
    static final long DEFAULT_MILLI_CPU_REQUEST = 100;
    static final long DEFAULT_MEMORY_REQUEST = 200L * 1024 * 1024;

    /** A container's requests as written: cpu or memory -1 when it names neither a request nor a limit of it. */
    private record ContainerRequests(long cpu, long memory, Map<String, Long> others) {
        Resources of(boolean nonZero) {
            return new Resources(cpu >= 0 ? cpu : nonZero ? DEFAULT_MILLI_CPU_REQUEST : 0,
                    memory >= 0 ? memory : nonZero ? DEFAULT_MEMORY_REQUEST : 0, others);
        }
    }

    /** A container's requests; a fault's path is within the container ("resources.requests.cpu"). */
    @SuppressWarnings("unchecked")
    private static ContainerRequests containerRequests(PodWire.Container c) {
        PodWire.ContainerResources r = PodWire.object(c.resources, PodWire.ContainerResources.class, "resources");
        Map<String, Object> req = PodWire.object(r == null ? null : r.requests, Map.class, "resources.requests");
        Map<String, Object> lim = PodWire.object(r == null ? null : r.limits, Map.class, "resources.limits");
        long cpu;
        if (req != null && req.containsKey("cpu")) {
            cpu = milli(req.get("cpu"), "resources.requests.cpu");
        } else if (lim != null && lim.containsKey("cpu")) {
            cpu = milli(lim.get("cpu"), "resources.limits.cpu");
        } else {
            cpu = -1;
        }
        long mem;
        if (req != null && req.containsKey("memory")) {
            mem = units(req.get("memory"), "resources.requests.memory");
        } else if (lim != null && lim.containsKey("memory")) {
            mem = units(lim.get("memory"), "resources.limits.memory");
        } else {
            mem = -1;
        }
        // every other resource by name; a limit without a request requests the limit, as the API server defaults it
        Map<String, Long> others = lim == null ? null : others(lim, req, "resources.limits.", null);
        others = req == null ? others : others(req, null, "resources.requests.", others);
        return new ContainerRequests(cpu, mem, others == null ? Map.of() : others);
    }

    /** The quantities of {@code q} but cpu, memory and those {@code requested} names, added to {@code into} (null: none yet). */
    private static Map<String, Long> others(Map<String, Object> q, Map<String, Object> requested, String kind, Map<String, Long> into) {
        for (Map.Entry<String, Object> e : q.entrySet()) {
            String n = e.getKey();
            if (n.equals("cpu") || n.equals("memory") || (requested != null && requested.containsKey(n))) {
                continue;
            }
            into = into == null ? new java.util.TreeMap<>() : into;
            into.put(n, units(e.getValue(), kind + n));
        }
        return into;
    }

    /** A quantity ({@link PodWire#quantity}: a string, a tree, or null) in thousandths. */
    private static long milli(Object q, String path) {
        String text = PodWire.quantity(q, path);
        if (text == null) {
            return 0;
        }
        try {
            return Quantity.milli(text);
        } catch (IllegalArgumentException e) {
            throw new ModelException(path, e.getMessage());
        }
    }

    private static long units(Object q, String path) {
        String text = PodWire.quantity(q, path);
        if (text == null) {
            return 0;
        }
        try {
            return Quantity.units(text);
        } catch (IllegalArgumentException e) {
            throw new ModelException(path, e.getMessage());
        }
    }

    static Instant time(String text, String path) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return instant(text);
        } catch (DateTimeParseException e) {
            throw new ModelException(path, "expected an RFC 3339 time such as 2026-11-21T10:00:00Z, got '" + text + "'");
        }
    }

    /**
     * An RFC 3339 time. The API server writes every time as {@code 2026-11-21T10:00:00Z}, which is read
     * here directly (a large dump holds hundreds of thousands; the general parser was a twentieth of
     * reading one); any other form, and anything that does not read, goes to {@link OffsetDateTime#parse},
     * which says what is wrong.
     *
     * @throws DateTimeParseException as {@link OffsetDateTime#parse} does
     */
    static Instant instant(String text) {
        if (text.length() == 20 && text.charAt(4) == '-' && text.charAt(7) == '-' && text.charAt(10) == 'T'
                && text.charAt(13) == ':' && text.charAt(16) == ':' && text.charAt(19) == 'Z') {
            int year = digits(text, 0, 4);
            int month = digits(text, 5, 7);
            int day = digits(text, 8, 10);
            int hour = digits(text, 11, 13);
            int minute = digits(text, 14, 16);
            int second = digits(text, 17, 19);
            if (year >= 0 && month >= 0 && day >= 0 && hour >= 0 && minute >= 0 && second >= 0) {
                try {
                    return java.time.LocalDateTime.of(year, month, day, hour, minute, second).toInstant(java.time.ZoneOffset.UTC);
                } catch (java.time.DateTimeException outOfRange) {
                    // (month 13, February 30, ...): the general parser says so
                }
            }
        }
        return OffsetDateTime.parse(text).toInstant();
    }

    /** The decimal number in text[from, to), or -1 when a character is not an ASCII digit. */
    private static int digits(String text, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    static Taint.Effect effect(String text, String path, boolean emptyMeansAll) {
        if (text == null || text.isEmpty()) {
            if (emptyMeansAll) {
                return null;
            }
            throw new ModelException(path, "taint without an effect");
        }
        try {
            return Taint.Effect.valueOf(text);
        } catch (IllegalArgumentException e) {
            throw new ModelException(path, "expected NoSchedule, PreferNoSchedule or NoExecute, got '" + text + "'");
        }
    }

    static Toleration.Operator toleranceOperator(String text, String path) {
        if (text == null || text.isEmpty() || text.equals("Equal")) {
            return Toleration.Operator.Equal;
        }
        if (text.equals("Exists")) {
            return Toleration.Operator.Exists;
        }
        throw new ModelException(path, "expected Equal or Exists, got '" + text + "'");
    }

    private static Affinity affinity(JsonNode a) {
        if (a == null) {
            return Affinity.NONE;
        }
        NodeSelector required = null;
        List<PreferredSchedulingTerm> preferred = new ArrayList<>();
        JsonNode na = object(a, "nodeAffinity", "spec.affinity.nodeAffinity");
        if (na != null) {
            String requiredPath = "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution";
            JsonNode req = object(na, "requiredDuringSchedulingIgnoredDuringExecution", requiredPath);
            if (req != null) {
                required = nodeSelector(req, requiredPath);
            }
            String preferredPath = "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution";
            List<JsonNode> prefs = objects(na, "preferredDuringSchedulingIgnoredDuringExecution", preferredPath);
            for (int i = 0; i < prefs.size(); i++) {
                String path = preferredPath + "[" + i + "]";
                JsonNode p = prefs.get(i);
                JsonNode preference = object(p, "preference", path + ".preference");
                preferred.add(new PreferredSchedulingTerm(weight(integer(p, "weight", path + ".weight"), path), preference == null
                        ? new NodeSelectorTerm(List.of(), List.of()) : term(preference, path + ".preference")));
            }
        }
        List<PodAffinityTerm> reqAff = new ArrayList<>();
        List<WeightedPodAffinityTerm> prefAff = new ArrayList<>();
        JsonNode pa = object(a, "podAffinity", "spec.affinity.podAffinity");
        if (pa != null) {
            podTerms(pa, "spec.affinity.podAffinity", reqAff);
            weightedTerms(pa, "spec.affinity.podAffinity", prefAff);
        }
        List<PodAffinityTerm> reqAnti = new ArrayList<>();
        List<WeightedPodAffinityTerm> prefAnti = new ArrayList<>();
        JsonNode anti = object(a, "podAntiAffinity", "spec.affinity.podAntiAffinity");
        if (anti != null) {
            podTerms(anti, "spec.affinity.podAntiAffinity", reqAnti);
            weightedTerms(anti, "spec.affinity.podAntiAffinity", prefAnti);
        }
        return new Affinity(required, preferred, reqAff, prefAff, reqAnti, prefAnti);
    }

    static int weight(Integer w, String path) {
        if (w == null || w < 1 || w > 100) {
            throw new ModelException(path + ".weight", "expected a weight between 1 and 100, got " + w);
        }
        return w;
    }

    private static void podTerms(JsonNode parent, String parentPath, List<PodAffinityTerm> out) {
        String path = parentPath + ".requiredDuringSchedulingIgnoredDuringExecution";
        List<JsonNode> terms = objects(parent, "requiredDuringSchedulingIgnoredDuringExecution", path);
        for (int i = 0; i < terms.size(); i++) {
            out.add(podTerm(terms.get(i), path + "[" + i + "]"));
        }
    }

    private static void weightedTerms(JsonNode parent, String parentPath, List<WeightedPodAffinityTerm> out) {
        String path = parentPath + ".preferredDuringSchedulingIgnoredDuringExecution";
        List<JsonNode> terms = objects(parent, "preferredDuringSchedulingIgnoredDuringExecution", path);
        for (int i = 0; i < terms.size(); i++) {
            JsonNode t = terms.get(i);
            String p = path + "[" + i + "]";
            JsonNode term = object(t, "podAffinityTerm", p + ".podAffinityTerm");
            if (term == null) {
                throw new ModelException(p + ".podAffinityTerm", "is required");
            }
            out.add(new WeightedPodAffinityTerm(weight(integer(t, "weight", p + ".weight"), p), podTerm(term, p + ".podAffinityTerm")));
        }
    }

    private static PodAffinityTerm podTerm(JsonNode t, String path) {
        String topologyKey = text(t, "topologyKey", path + ".topologyKey");
        if (topologyKey == null || topologyKey.isEmpty()) {
            throw new ModelException(path + ".topologyKey", "is required");
        }
        JsonNode labelSelector = object(t, "labelSelector", path + ".labelSelector");
        LabelSelector selector = labelSelector == null ? null : labelSelector(labelSelector, path + ".labelSelector");
        Set<String> namespaces = value(t, "namespaces") == null ? Set.of() : new HashSet<>(texts(t, "namespaces", path + ".namespaces"));
        boolean all = false;
        boolean unknown = false;
        JsonNode namespaceSelector = object(t, "namespaceSelector", path + ".namespaceSelector");
        if (namespaceSelector != null) {
            LabelSelector ns = labelSelector(namespaceSelector, path + ".namespaceSelector");
            if (ns.isEmpty()) {
                all = true;
            } else {
                unknown = true;
            }
        }
        return new PodAffinityTerm(selector, namespaces, all, unknown, topologyKey);
    }

    private static List<TopologySpreadConstraint> spreads(JsonNode spec) {
        List<TopologySpreadConstraint> out = new ArrayList<>();
        List<JsonNode> constraints = objects(spec, "topologySpreadConstraints", "spec.topologySpreadConstraints");
        for (int i = 0; i < constraints.size(); i++) {
            JsonNode c = constraints.get(i);
            String path = "spec.topologySpreadConstraints[" + i + "]";
            Integer maxSkew = integer(c, "maxSkew", path + ".maxSkew");
            if (maxSkew == null || maxSkew < 1) {
                throw new ModelException(path + ".maxSkew", "expected a whole number of at least 1, got " + maxSkew);
            }
            String topologyKey = text(c, "topologyKey", path + ".topologyKey");
            if (topologyKey == null || topologyKey.isEmpty()) {
                throw new ModelException(path + ".topologyKey", "is required");
            }
            String when = text(c, "whenUnsatisfiable", path + ".whenUnsatisfiable");
            if (!"DoNotSchedule".equals(when) && !"ScheduleAnyway".equals(when)) {
                throw new ModelException(path + ".whenUnsatisfiable", "expected DoNotSchedule or ScheduleAnyway, got '" + when + "'");
            }
            JsonNode labelSelector = object(c, "labelSelector", path + ".labelSelector");
            LabelSelector selector = labelSelector == null ? null : labelSelector(labelSelector, path + ".labelSelector");
            out.add(new TopologySpreadConstraint(maxSkew, topologyKey, "DoNotSchedule".equals(when), selector,
                    integer(c, "minDomains", path + ".minDomains"),
                    !"Ignore".equals(text(c, "nodeAffinityPolicy", path + ".nodeAffinityPolicy")),
                    "Honor".equals(text(c, "nodeTaintsPolicy", path + ".nodeTaintsPolicy")),
                    texts(c, "matchLabelKeys", path + ".matchLabelKeys")));
        }
        return out;
    }

    private static NodeSelector nodeSelector(JsonNode s, String path) {
        List<NodeSelectorTerm> terms = new ArrayList<>();
        List<JsonNode> termList = objects(s, "nodeSelectorTerms", path + ".nodeSelectorTerms");
        for (int i = 0; i < termList.size(); i++) {
            terms.add(term(termList.get(i), path + ".nodeSelectorTerms[" + i + "]"));
        }
        return new NodeSelector(terms);
    }

    private static NodeSelectorTerm term(JsonNode t, String path) {
        return new NodeSelectorTerm(nodeRequirements(t, "matchExpressions", path + ".matchExpressions"),
                nodeRequirements(t, "matchFields", path + ".matchFields"));
    }

    private static List<Requirement> nodeRequirements(JsonNode parent, String field, String path) {
        List<Requirement> out = new ArrayList<>();
        List<JsonNode> reqs = objects(parent, field, path);
        for (int i = 0; i < reqs.size(); i++) {
            out.add(requirement(reqs.get(i), path + "[" + i + "]", true));
        }
        return out;
    }

    static LabelSelector labelSelector(JsonNode s, String path) {
        List<Requirement> exprs = new ArrayList<>();
        List<JsonNode> expressions = objects(s, "matchExpressions", path + ".matchExpressions");
        for (int i = 0; i < expressions.size(); i++) {
            exprs.add(requirement(expressions.get(i), path + ".matchExpressions[" + i + "]", false));
        }
        return new LabelSelector(textMap(s, "matchLabels", path + ".matchLabels"), exprs);
    }

    private static Requirement requirement(JsonNode r, String path, boolean nodeSelector) {
        String key = text(r, "key", path + ".key");
        if (key == null || key.isEmpty()) {
            throw new ModelException(path + ".key", "is required");
        }
        String operator = text(r, "operator", path + ".operator");
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
        return new Requirement(key, op, texts(r, "values", path + ".values"));
    }
}
