package dev.happypath.rebalancer.testing;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.happypath.rebalancer.snapshot.Affinity;
import dev.happypath.rebalancer.snapshot.Claim;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.Condition;
import dev.happypath.rebalancer.snapshot.DisruptionBudget;
import dev.happypath.rebalancer.snapshot.LabelSelector;
import dev.happypath.rebalancer.snapshot.NodeSelector;
import dev.happypath.rebalancer.snapshot.NodeSelectorTerm;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodAffinityTerm;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.PreferredSchedulingTerm;
import dev.happypath.rebalancer.snapshot.Requirement;
import dev.happypath.rebalancer.snapshot.Resources;
import dev.happypath.rebalancer.snapshot.Taint;
import dev.happypath.rebalancer.snapshot.Toleration;
import dev.happypath.rebalancer.snapshot.TopologySpreadConstraint;
import dev.happypath.rebalancer.snapshot.Volume;
import dev.happypath.rebalancer.snapshot.WeightedPodAffinityTerm;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a snapshot as {@code kubectl get nodes,pods,pdb,pvc,pv -A -o json} prints it: a List of full
 * objects, with the fields a real API server fills that the rebalancer never reads (images, probes, env,
 * ports, the service-account token volume, container statuses, node images and addresses), so that
 * parsing a generated dump costs what parsing a real one costs. Streams: a dump of 150,000 pods is never
 * a tree in memory.
 *
 * <p>Like the API server's admission, every pod gets the default not-ready/unreachable NoExecute
 * tolerations (300 s); they change no placement on healthy nodes.
 */
public final class KubectlDump {

    private static final JsonFactory JSON = new JsonFactory();

    private final JsonGenerator g;
    private long resourceVersion = 1000;

    private KubectlDump(JsonGenerator g) {
        this.g = g;
    }

    public static void write(ClusterSnapshot snapshot, Path file) {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(snapshot, out, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The dump as bytes; {@code pretty} indents as kubectl does. */
    public static void write(ClusterSnapshot snapshot, OutputStream out, boolean pretty) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            if (pretty) {
                g.useDefaultPrettyPrinter();
            }
            new KubectlDump(g).list(snapshot);
        }
    }

    private void list(ClusterSnapshot s) throws IOException {
        g.writeStartObject();
        g.writeStringField("apiVersion", "v1");
        g.writeArrayFieldStart("items");
        for (NodeState n : s.nodes()) {
            node(n);
        }
        for (PodState p : s.pods()) {
            pod(p);
        }
        for (DisruptionBudget b : s.budgets()) {
            budget(b);
        }
        for (Claim c : s.claims()) {
            claim(c);
        }
        for (Volume v : s.volumes()) {
            volume(v);
        }
        g.writeEndArray();
        g.writeStringField("kind", "List");
        g.writeObjectFieldStart("metadata");
        g.writeStringField("resourceVersion", "");
        g.writeEndObject();
        g.writeEndObject();
    }

    // --- nodes ------------------------------------------------------------------------------------

    private void node(NodeState n) throws IOException {
        g.writeStartObject();
        g.writeStringField("apiVersion", "v1");
        g.writeStringField("kind", "Node");
        g.writeObjectFieldStart("metadata");
        g.writeObjectFieldStart("annotations");
        g.writeStringField("alpha.kubernetes.io/provided-node-ip", "10.0." + (Math.abs(n.name().hashCode()) % 250) + ".1");
        g.writeStringField("node.alpha.kubernetes.io/ttl", "0");
        g.writeStringField("volumes.kubernetes.io/controller-managed-attach-detach", "true");
        g.writeEndObject();
        g.writeStringField("creationTimestamp", "2026-01-01T00:00:00Z");
        stringMap("labels", withDefaults(n));
        g.writeStringField("name", n.name());
        g.writeStringField("resourceVersion", Long.toString(resourceVersion++));
        g.writeStringField("uid", n.uid());
        g.writeEndObject();

        g.writeObjectFieldStart("spec");
        g.writeStringField("podCIDR", "10.42.0.0/24");
        g.writeArrayFieldStart("podCIDRs");
        g.writeString("10.42.0.0/24");
        g.writeEndArray();
        g.writeStringField("providerID", "k3s://" + n.name());
        if (!n.taints().isEmpty()) {
            g.writeArrayFieldStart("taints");
            for (Taint t : n.taints()) {
                g.writeStartObject();
                g.writeStringField("effect", t.effect().name());
                g.writeStringField("key", t.key());
                if (!t.value().isEmpty()) {
                    g.writeStringField("value", t.value());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (n.unschedulable()) {
            g.writeBooleanField("unschedulable", true);
        }
        g.writeEndObject();

        g.writeObjectFieldStart("status");
        g.writeArrayFieldStart("addresses");
        address("InternalIP", "10.0.0.1");
        address("Hostname", n.name());
        g.writeEndArray();
        resources("allocatable", n);
        resources("capacity", n);
        g.writeArrayFieldStart("conditions");
        for (Condition c : new TreeMap<>(n.conditions()).values()) {
            g.writeStartObject();
            g.writeStringField("lastHeartbeatTime", "2026-11-21T09:59:00Z");
            if (c.lastTransitionTime() != null) {
                g.writeStringField("lastTransitionTime", c.lastTransitionTime().toString());
            }
            if (c.message() != null) {
                g.writeStringField("message", c.message());
            }
            if (c.reason() != null) {
                g.writeStringField("reason", c.reason());
            }
            g.writeStringField("status", c.status());
            g.writeStringField("type", c.type());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeObjectFieldStart("daemonEndpoints");
        g.writeObjectFieldStart("kubeletEndpoint");
        g.writeNumberField("Port", 10250);
        g.writeEndObject();
        g.writeEndObject();
        g.writeArrayFieldStart("images");
        for (int i = 0; i < 12; i++) {
            g.writeStartObject();
            g.writeArrayFieldStart("names");
            g.writeString("registry.example.com/platform/image-" + i + "@sha256:" + hex(i * 31L + 7));
            g.writeString("registry.example.com/platform/image-" + i + ":v1." + i + ".0");
            g.writeEndArray();
            g.writeNumberField("sizeBytes", 20_000_000L + i * 1_234_567L);
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeObjectFieldStart("nodeInfo");
        g.writeStringField("architecture", "amd64");
        g.writeStringField("bootID", "b0f1c1d2-0000-4000-8000-" + hex(n.name().hashCode()).substring(0, 12));
        g.writeStringField("containerRuntimeVersion", "containerd://2.0.5-k3s1");
        g.writeStringField("kernelVersion", "6.6.87");
        g.writeStringField("kubeProxyVersion", "v1.33.1+k3s1");
        g.writeStringField("kubeletVersion", "v1.33.1+k3s1");
        g.writeStringField("machineID", "");
        g.writeStringField("operatingSystem", "linux");
        g.writeStringField("osImage", "K3s v1.33.1+k3s1");
        g.writeStringField("systemUUID", n.uid());
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndObject();
    }

    private static Map<String, String> withDefaults(NodeState n) {
        Map<String, String> labels = new TreeMap<>(n.labels());
        labels.putIfAbsent("beta.kubernetes.io/arch", "amd64");
        labels.putIfAbsent("beta.kubernetes.io/os", "linux");
        labels.putIfAbsent("kubernetes.io/arch", "amd64");
        labels.putIfAbsent("kubernetes.io/os", "linux");
        labels.putIfAbsent("node.kubernetes.io/instance-type", "k3s");
        return labels;
    }

    private void address(String type, String address) throws IOException {
        g.writeStartObject();
        g.writeStringField("address", address);
        g.writeStringField("type", type);
        g.writeEndObject();
    }

    private void resources(String field, NodeState n) throws IOException {
        g.writeObjectFieldStart(field);
        g.writeStringField("cpu", cpu(n.allocatable().milliCpu()));
        g.writeStringField("ephemeral-storage", "61255492Ki");
        g.writeStringField("hugepages-1Gi", "0");
        g.writeStringField("hugepages-2Mi", "0");
        g.writeStringField("memory", memory(n.allocatable().memoryBytes()));
        g.writeStringField("pods", Long.toString(n.allocatablePods()));
        g.writeEndObject();
    }

    // --- pods -------------------------------------------------------------------------------------

    private void pod(PodState p) throws IOException {
        String token = "kube-api-access-" + hex(p.uid().hashCode()).substring(0, 5);
        g.writeStartObject();
        g.writeStringField("apiVersion", "v1");
        g.writeStringField("kind", "Pod");
        g.writeObjectFieldStart("metadata");
        if (p.mirror() || !p.disruptionAnnotations().isEmpty()) {
            g.writeObjectFieldStart("annotations");
            if (p.mirror()) {
                g.writeStringField("kubernetes.io/config.mirror", hex(p.uid().hashCode()));
            }
            for (var a : new java.util.TreeMap<>(p.disruptionAnnotations()).entrySet()) {
                g.writeStringField(a.getKey(), a.getValue());
            }
            g.writeEndObject();
        }
        if (p.creationTimestamp() != null) {
            g.writeStringField("creationTimestamp", p.creationTimestamp().toString());
        }
        if (p.deletionTimestamp() != null) {
            g.writeNumberField("deletionGracePeriodSeconds", 30);
            g.writeStringField("deletionTimestamp", p.deletionTimestamp().toString());
        }
        if (p.controller() != null) {
            g.writeStringField("generateName", p.controller().name() + "-");
        }
        stringMap("labels", p.labels());
        g.writeStringField("name", p.name());
        g.writeStringField("namespace", p.namespace());
        if (p.controller() != null) {
            g.writeArrayFieldStart("ownerReferences");
            g.writeStartObject();
            g.writeStringField("apiVersion", p.controller().kind().equals("Job") ? "batch/v1" : "apps/v1");
            g.writeBooleanField("blockOwnerDeletion", true);
            g.writeBooleanField("controller", true);
            g.writeStringField("kind", p.controller().kind());
            g.writeStringField("name", p.controller().name());
            g.writeStringField("uid", p.controller().uid());
            g.writeEndObject();
            g.writeEndArray();
        }
        g.writeStringField("resourceVersion", Long.toString(resourceVersion++));
        g.writeStringField("uid", p.uid());
        g.writeEndObject();

        g.writeObjectFieldStart("spec");
        affinity(p.affinity());
        g.writeArrayFieldStart("containers");
        container(p, token);
        g.writeEndArray();
        g.writeStringField("dnsPolicy", "ClusterFirst");
        g.writeBooleanField("enableServiceLinks", true);
        if (p.nodeName() != null) {
            g.writeStringField("nodeName", p.nodeName());
        }
        if (!p.nodeSelector().isEmpty()) {
            stringMap("nodeSelector", p.nodeSelector());
        }
        g.writeStringField("preemptionPolicy", "PreemptLowerPriority");
        g.writeNumberField("priority", p.priority());
        if (p.priorityClassName() != null) {
            g.writeStringField("priorityClassName", p.priorityClassName());
        }
        g.writeStringField("restartPolicy", "Always");
        if (p.preemptionPolicy() != null) {
            g.writeStringField("preemptionPolicy", p.preemptionPolicy());
        }
        if (p.schedulerName() != null) {
            g.writeStringField("schedulerName", p.schedulerName());
        }
        g.writeObjectFieldStart("securityContext");
        g.writeEndObject();
        g.writeStringField("serviceAccount", "default");
        g.writeStringField("serviceAccountName", "default");
        g.writeNumberField("terminationGracePeriodSeconds", 30);
        g.writeArrayFieldStart("tolerations");
        for (Toleration t : p.tolerations()) {
            toleration(t, null);
        }
        toleration(new Toleration("node.kubernetes.io/not-ready", Toleration.Operator.Exists, null, Taint.Effect.NoExecute), 300L);
        toleration(new Toleration("node.kubernetes.io/unreachable", Toleration.Operator.Exists, null, Taint.Effect.NoExecute), 300L);
        g.writeEndArray();
        if (!p.topologySpreadConstraints().isEmpty()) {
            g.writeArrayFieldStart("topologySpreadConstraints");
            for (TopologySpreadConstraint c : p.topologySpreadConstraints()) {
                spread(c);
            }
            g.writeEndArray();
        }
        g.writeArrayFieldStart("volumes");
        for (String claim : p.claimNames()) {
            g.writeStartObject();
            g.writeStringField("name", "data-" + claim);
            g.writeObjectFieldStart("persistentVolumeClaim");
            g.writeStringField("claimName", claim);
            g.writeEndObject();
            g.writeEndObject();
        }
        for (String hostPath : p.hostPathVolumes()) {
            g.writeStartObject();
            g.writeObjectFieldStart("hostPath");
            g.writeStringField("path", "/var/lib/" + hostPath);
            g.writeStringField("type", "DirectoryOrCreate");
            g.writeEndObject();
            g.writeStringField("name", hostPath);
            g.writeEndObject();
        }
        for (dev.happypath.rebalancer.snapshot.EmptyDir e : p.emptyDirs()) {
            g.writeStartObject();
            g.writeObjectFieldStart("emptyDir");
            if (e.memory()) {
                g.writeStringField("medium", "Memory");
            }
            if (e.sizeLimit() != null) {
                g.writeStringField("sizeLimit", e.sizeLimit());
            }
            g.writeEndObject();
            g.writeStringField("name", e.name());
            g.writeEndObject();
        }
        tokenVolume(token);
        g.writeEndArray();
        g.writeEndObject();

        podStatus(p);
        g.writeEndObject();
    }

    private void container(PodState p, String token) throws IOException {
        String name = p.labels().getOrDefault("app", "main");
        g.writeStartObject();
        g.writeArrayFieldStart("args");
        g.writeString("--config=/etc/" + name + "/config.yaml");
        g.writeString("--log-level=info");
        g.writeEndArray();
        g.writeArrayFieldStart("env");
        g.writeStartObject();
        g.writeStringField("name", "LOG_FORMAT");
        g.writeStringField("value", "json");
        g.writeEndObject();
        g.writeStartObject();
        g.writeStringField("name", "POD_NAME");
        g.writeObjectFieldStart("valueFrom");
        g.writeObjectFieldStart("fieldRef");
        g.writeStringField("apiVersion", "v1");
        g.writeStringField("fieldPath", "metadata.name");
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndArray();
        g.writeStringField("image", "registry.example.com/" + p.namespace() + "/" + name + ":1.4.2");
        g.writeStringField("imagePullPolicy", "IfNotPresent");
        probe("livenessProbe");
        g.writeStringField("name", name);
        g.writeArrayFieldStart("ports");
        g.writeStartObject();
        g.writeNumberField("containerPort", 8080);
        g.writeStringField("name", "http");
        g.writeStringField("protocol", "TCP");
        g.writeEndObject();
        g.writeEndArray();
        probe("readinessProbe");
        // One container carries the pod's requests; a pod that requests nothing has no resources block
        // (the scheduler then scores it with its defaults, 100m and 200Mi).
        g.writeObjectFieldStart("resources");
        Resources r = p.requests();
        if (r.milliCpu() != 0 || r.memoryBytes() != 0) {
            g.writeObjectFieldStart("limits");
            g.writeStringField("memory", memory(r.memoryBytes()));
            g.writeEndObject();
            g.writeObjectFieldStart("requests");
            g.writeStringField("cpu", cpu(r.milliCpu()));
            g.writeStringField("memory", memory(r.memoryBytes()));
            g.writeEndObject();
        }
        g.writeEndObject();
        g.writeStringField("terminationMessagePath", "/dev/termination-log");
        g.writeStringField("terminationMessagePolicy", "File");
        g.writeArrayFieldStart("volumeMounts");
        g.writeStartObject();
        g.writeStringField("mountPath", "/var/run/secrets/kubernetes.io/serviceaccount");
        g.writeStringField("name", token);
        g.writeBooleanField("readOnly", true);
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
    }

    private void probe(String field) throws IOException {
        g.writeObjectFieldStart(field);
        g.writeNumberField("failureThreshold", 3);
        g.writeObjectFieldStart("httpGet");
        g.writeStringField("path", field.startsWith("live") ? "/healthz" : "/ready");
        g.writeStringField("port", "http");
        g.writeStringField("scheme", "HTTP");
        g.writeEndObject();
        g.writeNumberField("periodSeconds", 10);
        g.writeNumberField("successThreshold", 1);
        g.writeNumberField("timeoutSeconds", 1);
        g.writeEndObject();
    }

    private void tokenVolume(String token) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", token);
        g.writeObjectFieldStart("projected");
        g.writeNumberField("defaultMode", 420);
        g.writeArrayFieldStart("sources");
        g.writeStartObject();
        g.writeObjectFieldStart("serviceAccountToken");
        g.writeNumberField("expirationSeconds", 3607);
        g.writeStringField("path", "token");
        g.writeEndObject();
        g.writeEndObject();
        g.writeStartObject();
        g.writeObjectFieldStart("configMap");
        g.writeArrayFieldStart("items");
        g.writeStartObject();
        g.writeStringField("key", "ca.crt");
        g.writeStringField("path", "ca.crt");
        g.writeEndObject();
        g.writeEndArray();
        g.writeStringField("name", "kube-root-ca.crt");
        g.writeEndObject();
        g.writeEndObject();
        g.writeStartObject();
        g.writeObjectFieldStart("downwardAPI");
        g.writeArrayFieldStart("items");
        g.writeStartObject();
        g.writeObjectFieldStart("fieldRef");
        g.writeStringField("apiVersion", "v1");
        g.writeStringField("fieldPath", "metadata.namespace");
        g.writeEndObject();
        g.writeStringField("path", "namespace");
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndObject();
    }

    private void podStatus(PodState p) throws IOException {
        g.writeObjectFieldStart("status");
        boolean running = "Running".equals(p.phase());
        g.writeArrayFieldStart("conditions");
        String since = p.creationTimestamp() == null ? "2026-11-21T09:00:00Z" : p.creationTimestamp().plusSeconds(5).toString();
        boolean bound = p.nodeName() != null;
        for (String type : bound ? List.of("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")
                : List.of("PodScheduled")) {
            boolean readiness = type.equals("Ready") || type.equals("ContainersReady");
            g.writeStartObject();
            g.writeNullField("lastProbeTime");
            g.writeStringField("lastTransitionTime", since);
            if (!bound) {
                g.writeStringField("message", "0/3 nodes are available: 3 Insufficient memory.");
                g.writeStringField("reason", "Unschedulable");
            }
            g.writeStringField("status", bound && (!readiness || p.ready()) ? "True" : "False");
            g.writeStringField("type", type);
            g.writeEndObject();
        }
        g.writeEndArray();
        if (running) {
            String name = p.labels().getOrDefault("app", "main");
            g.writeArrayFieldStart("containerStatuses");
            g.writeStartObject();
            g.writeStringField("containerID", "containerd://" + hex(p.uid().hashCode()) + hex(p.name().hashCode()) + hex(7));
            g.writeStringField("image", "registry.example.com/" + p.namespace() + "/" + name + ":1.4.2");
            g.writeStringField("imageID", "registry.example.com/" + p.namespace() + "/" + name + "@sha256:" + hex(name.hashCode()));
            g.writeObjectFieldStart("lastState");
            g.writeEndObject();
            g.writeStringField("name", name);
            g.writeBooleanField("ready", p.ready());
            g.writeNumberField("restartCount", p.restarts());
            g.writeBooleanField("started", p.waitingReason() == null);
            g.writeObjectFieldStart("state");
            if (p.waitingReason() != null) {
                g.writeObjectFieldStart("waiting");
                g.writeStringField("reason", p.waitingReason());
            } else {
                g.writeObjectFieldStart("running");
                g.writeStringField("startedAt", since);
            }
            g.writeEndObject();
            g.writeEndObject();
            g.writeArrayFieldStart("volumeMounts");
            g.writeStartObject();
            g.writeStringField("mountPath", "/var/run/secrets/kubernetes.io/serviceaccount");
            g.writeStringField("name", "kube-api-access");
            g.writeBooleanField("readOnly", true);
            g.writeStringField("recursiveReadOnly", "Disabled");
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndArray();
            g.writeStringField("hostIP", "10.0.0.1");
            g.writeStringField("podIP", "10.42.0." + (Math.abs(p.uid().hashCode()) % 250 + 2));
        }
        if (p.nominatedNodeName() != null) {
            g.writeStringField("nominatedNodeName", p.nominatedNodeName());
        }
        if (p.phase() != null) {
            g.writeStringField("phase", p.phase());
        }
        g.writeStringField("qosClass", p.requests().memoryBytes() > 0 ? "Burstable" : "BestEffort");
        if (p.creationTimestamp() != null) {
            g.writeStringField("startTime", p.creationTimestamp().toString());
        }
        g.writeEndObject();
    }

    private void toleration(Toleration t, Long seconds) throws IOException {
        g.writeStartObject();
        if (t.effect() != null) {
            g.writeStringField("effect", t.effect().name());
        }
        if (!t.key().isEmpty()) {
            g.writeStringField("key", t.key());
        }
        g.writeStringField("operator", t.operator().name());
        if (seconds != null) {
            g.writeNumberField("tolerationSeconds", seconds);
        }
        if (!t.value().isEmpty()) {
            g.writeStringField("value", t.value());
        }
        g.writeEndObject();
    }

    private void spread(TopologySpreadConstraint c) throws IOException {
        g.writeStartObject();
        if (c.selector() != null) {
            labelSelector("labelSelector", c.selector());
        }
        if (!c.matchLabelKeys().isEmpty()) {
            g.writeArrayFieldStart("matchLabelKeys");
            for (String k : c.matchLabelKeys()) {
                g.writeString(k);
            }
            g.writeEndArray();
        }
        g.writeNumberField("maxSkew", c.maxSkew());
        if (c.minDomains() != null) {
            g.writeNumberField("minDomains", c.minDomains());
        }
        if (!c.honorNodeAffinity()) {
            g.writeStringField("nodeAffinityPolicy", "Ignore");
        }
        if (c.honorNodeTaints()) {
            g.writeStringField("nodeTaintsPolicy", "Honor");
        }
        g.writeStringField("topologyKey", c.topologyKey());
        g.writeStringField("whenUnsatisfiable", c.doNotSchedule() ? "DoNotSchedule" : "ScheduleAnyway");
        g.writeEndObject();
    }

    private void affinity(Affinity a) throws IOException {
        if (a.equals(Affinity.NONE)) {
            return;
        }
        g.writeObjectFieldStart("affinity");
        if (a.requiredNodeAffinity() != null || !a.preferredNodeAffinity().isEmpty()) {
            g.writeObjectFieldStart("nodeAffinity");
            if (!a.preferredNodeAffinity().isEmpty()) {
                g.writeArrayFieldStart("preferredDuringSchedulingIgnoredDuringExecution");
                for (PreferredSchedulingTerm t : a.preferredNodeAffinity()) {
                    g.writeStartObject();
                    g.writeFieldName("preference");
                    nodeSelectorTerm(t.preference());
                    g.writeNumberField("weight", t.weight());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            if (a.requiredNodeAffinity() != null) {
                g.writeFieldName("requiredDuringSchedulingIgnoredDuringExecution");
                nodeSelector(a.requiredNodeAffinity());
            }
            g.writeEndObject();
        }
        podAffinity("podAffinity", a.requiredPodAffinity(), a.preferredPodAffinity());
        podAffinity("podAntiAffinity", a.requiredPodAntiAffinity(), a.preferredPodAntiAffinity());
        g.writeEndObject();
    }

    private void podAffinity(String field, List<PodAffinityTerm> required, List<WeightedPodAffinityTerm> preferred) throws IOException {
        if (required.isEmpty() && preferred.isEmpty()) {
            return;
        }
        g.writeObjectFieldStart(field);
        if (!preferred.isEmpty()) {
            g.writeArrayFieldStart("preferredDuringSchedulingIgnoredDuringExecution");
            for (WeightedPodAffinityTerm t : preferred) {
                g.writeStartObject();
                g.writeFieldName("podAffinityTerm");
                podAffinityTerm(t.term());
                g.writeNumberField("weight", t.weight());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (!required.isEmpty()) {
            g.writeArrayFieldStart("requiredDuringSchedulingIgnoredDuringExecution");
            for (PodAffinityTerm t : required) {
                podAffinityTerm(t);
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private void podAffinityTerm(PodAffinityTerm t) throws IOException {
        if (t.namespaceSelectorUnknown()) {
            throw new IllegalArgumentException("a namespaceSelector with labels cannot be written back");
        }
        g.writeStartObject();
        if (t.selector() != null) {
            labelSelector("labelSelector", t.selector());
        }
        if (t.allNamespaces()) {
            g.writeObjectFieldStart("namespaceSelector");
            g.writeEndObject();
        }
        if (!t.namespaces().isEmpty()) {
            g.writeArrayFieldStart("namespaces");
            for (String ns : new java.util.TreeSet<>(t.namespaces())) {
                g.writeString(ns);
            }
            g.writeEndArray();
        }
        g.writeStringField("topologyKey", t.topologyKey());
        g.writeEndObject();
    }

    private void nodeSelector(NodeSelector s) throws IOException {
        g.writeStartObject();
        g.writeArrayFieldStart("nodeSelectorTerms");
        for (NodeSelectorTerm t : s.terms()) {
            nodeSelectorTerm(t);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private void nodeSelectorTerm(NodeSelectorTerm t) throws IOException {
        g.writeStartObject();
        requirements("matchExpressions", t.matchExpressions());
        requirements("matchFields", t.matchFields());
        g.writeEndObject();
    }

    private void labelSelector(String field, LabelSelector s) throws IOException {
        g.writeObjectFieldStart(field);
        requirements("matchExpressions", s.matchExpressions());
        if (!s.matchLabels().isEmpty()) {
            stringMap("matchLabels", s.matchLabels());
        }
        g.writeEndObject();
    }

    private void requirements(String field, List<Requirement> reqs) throws IOException {
        if (reqs.isEmpty()) {
            return;
        }
        g.writeArrayFieldStart(field);
        for (Requirement r : reqs) {
            g.writeStartObject();
            g.writeStringField("key", r.key());
            g.writeStringField("operator", r.operator().name());
            if (!r.values().isEmpty()) {
                g.writeArrayFieldStart("values");
                for (String v : r.values()) {
                    g.writeString(v);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    // --- budgets, claims, volumes ------------------------------------------------------------------

    private void budget(DisruptionBudget b) throws IOException {
        g.writeStartObject();
        g.writeStringField("apiVersion", "policy/v1");
        g.writeStringField("kind", "PodDisruptionBudget");
        g.writeObjectFieldStart("metadata");
        g.writeStringField("creationTimestamp", "2026-01-01T00:00:00Z");
        g.writeNumberField("generation", 1);
        g.writeStringField("name", b.name());
        g.writeStringField("namespace", b.namespace());
        g.writeStringField("resourceVersion", Long.toString(resourceVersion++));
        g.writeStringField("uid", "uid-pdb-" + b.namespace() + "-" + b.name());
        g.writeEndObject();
        g.writeObjectFieldStart("spec");
        if (b.maxUnavailable() != null) {
            intOrString("maxUnavailable", b.maxUnavailable());
        }
        if (b.minAvailable() != null) {
            intOrString("minAvailable", b.minAvailable());
        }
        if (b.selector() != null) {
            labelSelector("selector", b.selector());
        }
        g.writeEndObject();
        g.writeObjectFieldStart("status");
        g.writeArrayFieldStart("conditions");
        g.writeStartObject();
        g.writeStringField("lastTransitionTime", "2026-11-21T09:00:00Z");
        g.writeStringField("message", "");
        g.writeNumberField("observedGeneration", 1);
        g.writeStringField("reason", b.disruptionsAllowed() > 0 ? "SufficientPods" : "InsufficientPods");
        g.writeStringField("status", b.disruptionsAllowed() > 0 ? "True" : "False");
        g.writeStringField("type", "DisruptionAllowed");
        g.writeEndObject();
        g.writeEndArray();
        g.writeNumberField("currentHealthy", b.currentHealthy());
        g.writeNumberField("desiredHealthy", b.desiredHealthy());
        g.writeNumberField("disruptionsAllowed", b.disruptionsAllowed());
        g.writeNumberField("expectedPods", b.expectedPods());
        g.writeNumberField("observedGeneration", 1);
        g.writeEndObject();
        g.writeEndObject();
    }

    private void intOrString(String field, String value) throws IOException {
        if (value.matches("-?\\d+")) {
            g.writeNumberField(field, Integer.parseInt(value));
        } else {
            g.writeStringField(field, value);
        }
    }

    private void claim(Claim c) throws IOException {
        g.writeStartObject();
        g.writeStringField("apiVersion", "v1");
        g.writeStringField("kind", "PersistentVolumeClaim");
        g.writeObjectFieldStart("metadata");
        g.writeObjectFieldStart("annotations");
        g.writeStringField("pv.kubernetes.io/bind-completed", "yes");
        g.writeStringField("volume.kubernetes.io/storage-provisioner", "rancher.io/local-path");
        g.writeEndObject();
        g.writeStringField("creationTimestamp", "2026-01-01T00:00:00Z");
        g.writeStringField("name", c.name());
        g.writeStringField("namespace", c.namespace());
        g.writeStringField("resourceVersion", Long.toString(resourceVersion++));
        g.writeStringField("uid", "uid-pvc-" + c.namespace() + "-" + c.name());
        g.writeEndObject();
        g.writeObjectFieldStart("spec");
        g.writeArrayFieldStart("accessModes");
        g.writeString("ReadWriteOnce");
        g.writeEndArray();
        g.writeObjectFieldStart("resources");
        g.writeObjectFieldStart("requests");
        g.writeStringField("storage", "8Gi");
        g.writeEndObject();
        g.writeEndObject();
        if (c.storageClassName() != null) {
            g.writeStringField("storageClassName", c.storageClassName());
        }
        g.writeStringField("volumeMode", "Filesystem");
        if (c.volumeName() != null) {
            g.writeStringField("volumeName", c.volumeName());
        }
        g.writeEndObject();
        g.writeObjectFieldStart("status");
        if (c.phase() != null) {
            g.writeStringField("phase", c.phase());
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private void volume(Volume v) throws IOException {
        g.writeStartObject();
        g.writeStringField("apiVersion", "v1");
        g.writeStringField("kind", "PersistentVolume");
        g.writeObjectFieldStart("metadata");
        g.writeStringField("creationTimestamp", "2026-01-01T00:00:00Z");
        g.writeStringField("name", v.name());
        g.writeStringField("resourceVersion", Long.toString(resourceVersion++));
        g.writeStringField("uid", "uid-pv-" + v.name());
        g.writeEndObject();
        g.writeObjectFieldStart("spec");
        g.writeArrayFieldStart("accessModes");
        g.writeString("ReadWriteOnce");
        g.writeEndArray();
        g.writeObjectFieldStart("capacity");
        g.writeStringField("storage", "8Gi");
        g.writeEndObject();
        if (v.claimName() != null) {
            g.writeObjectFieldStart("claimRef");
            g.writeStringField("apiVersion", "v1");
            g.writeStringField("kind", "PersistentVolumeClaim");
            g.writeStringField("name", v.claimName());
            if (v.claimNamespace() != null) {
                g.writeStringField("namespace", v.claimNamespace());
            }
            g.writeEndObject();
        }
        g.writeObjectFieldStart("hostPath");
        g.writeStringField("path", "/var/lib/rancher/k3s/storage/" + v.name());
        g.writeStringField("type", "DirectoryOrCreate");
        g.writeEndObject();
        if (v.nodeAffinity() != null) {
            g.writeObjectFieldStart("nodeAffinity");
            g.writeFieldName("required");
            nodeSelector(v.nodeAffinity());
            g.writeEndObject();
        }
        g.writeStringField("persistentVolumeReclaimPolicy", "Delete");
        if (v.storageClassName() != null) {
            g.writeStringField("storageClassName", v.storageClassName());
        }
        g.writeStringField("volumeMode", "Filesystem");
        g.writeEndObject();
        g.writeObjectFieldStart("status");
        g.writeStringField("phase", "Bound");
        g.writeEndObject();
        g.writeEndObject();
    }

    // --- values -----------------------------------------------------------------------------------

    private void stringMap(String field, Map<String, String> map) throws IOException {
        g.writeObjectFieldStart(field);
        for (Map.Entry<String, String> e : new TreeMap<>(map).entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    private static String cpu(long milli) {
        return milli % 1000 == 0 ? Long.toString(milli / 1000) : milli + "m";
    }

    private static String memory(long bytes) {
        if (bytes % (1L << 30) == 0 && bytes != 0) {
            return (bytes >> 30) + "Gi";
        }
        if (bytes % (1L << 20) == 0 && bytes != 0) {
            return (bytes >> 20) + "Mi";
        }
        if (bytes % 1024 == 0 && bytes != 0) {
            return (bytes >> 10) + "Ki";
        }
        return Long.toString(bytes);
    }

    private static String hex(long seed) {
        return String.format("%016x", seed * 0x9E3779B97F4A7C15L);
    }
}
