package dev.happypath.rebalancer.init;

import dev.happypath.rebalancer.testing.Scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A second cluster shape, nothing like the IDP Blueprint: a k3s edge site with one server and three workers
 * told apart by their topology zone (north, south, east), all carrying {@code node-role.kubernetes.io/worker},
 * and 40 workloads in five namespaces. Generated from a seed (the same seed gives the same site), as a compact
 * {@link Scenario} fixture:
 * <ul>
 *   <li>most workloads run where history put them, round-robin over the zones, with nothing in their specs;</li>
 *   <li>every fifth Deployment has two replicas, in two zones;</li>
 *   <li>the gateway namespace tolerates the control plane's taint, so those pods take the lifeboat in an outage,
 *       though they prefer the workers;</li>
 *   <li>{@code ops/edge-operator} requires the control plane; {@code storage/archive} is pinned to east by its
 *       nodeSelector; the telemetry collector and aggregator prefer not to share a node with each other;</li>
 *   <li>a DaemonSet runs on every node; kube-system runs CoreDNS on the server.</li>
 * </ul>
 */
final class EdgeCluster {

    static final String SERVER = "edge-server";
    static final List<String> ZONES = List.of("north", "south", "east");

    private static final String ZONE = "topology.kubernetes.io/zone";
    /** What DefaultTolerationSeconds gives every pod. */
    private static final String TOLERATE_OUTAGE = "{ key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 300 }, "
            + "{ key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 300 }";

    private EdgeCluster() {
    }

    static String worker(String zone) {
        return "edge-" + zone;
    }

    /** The site, healthy: every node Ready since yesterday, every pod Running and Ready where history put it. */
    static String fixture(long seed) {
        return fixture(seed, true);
    }

    /**
     * @param bound whether the workloads' pods are bound where history put them (round-robin over the zones), or
     *              left Pending for a scheduler to place, as on the day the site was installed (DaemonSet pods are bound)
     */
    static String fixture(long seed, boolean bound) {
        Random random = new Random(seed);
        StringBuilder y = new StringBuilder();
        y.append("now: 2026-11-21T10:00:00Z\n");
        y.append("nodes:\n");
        y.append("  - { name: ").append(SERVER).append(", cpu: \"4\", memory: 8Gi, labels: { node-role.kubernetes.io/control-plane: \"true\", ")
                .append("node-role.kubernetes.io/master: \"true\", ").append(ZONE).append(": north }, ")
                .append("taints: [\"node-role.kubernetes.io/control-plane:NoSchedule\"] }\n");
        for (String zone : ZONES) {
            y.append("  - { name: ").append(worker(zone)).append(", cpu: \"4\", memory: 8Gi, labels: { node-role.kubernetes.io/worker: \"true\", ")
                    .append(ZONE).append(": ").append(zone).append(" } }\n");
        }
        y.append("pods:\n");
        List<String> namespaces = List.of("telemetry", "gateway", "storage", "apps", "ops");
        int[] counts = {10, 6, 6, 12, 6};
        int slot = 0;
        int deployments = 0;
        for (int n = 0; n < namespaces.size(); n++) {
            String ns = namespaces.get(n);
            for (int i = 0; i < counts[n]; i++) {
                String name = name(ns, i);
                boolean stateful = ns.equals("storage") || (ns.equals("telemetry") && i % 4 == 3);
                int replicas = 1;
                if (!stateful && ++deployments % 5 == 0) {
                    replicas = 2;
                }
                String memory = (64 * (2 + random.nextInt(5))) + "Mi";
                String cpu = (50 * (1 + random.nextInt(4))) + "m";
                StringBuilder extra = new StringBuilder();
                String tolerations = TOLERATE_OUTAGE;
                String fixedNode = null;
                if (ns.equals("gateway")) {
                    // may take the lifeboat in an outage, but prefers the workers (as ArgoCD's values do in the IDP Blueprint)
                    tolerations += ", \"node-role.kubernetes.io/control-plane:NoSchedule\"";
                    extra.append(", prefers: { node-role.kubernetes.io/worker: [\"true\"] }");
                }
                if (name.equals("edge-operator")) {
                    tolerations += ", \"node-role.kubernetes.io/control-plane:NoSchedule\"";
                    extra.append(", affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: ")
                            .append("[ { matchExpressions: [ { key: node-role.kubernetes.io/control-plane, operator: Exists } ] } ] } } }");
                    fixedNode = SERVER;
                } else if (name.equals("archive")) {
                    extra.append(", nodeSelector: { ").append(ZONE).append(": east }");
                    fixedNode = worker("east");
                } else if (name.equals("collector") || name.equals("aggregator")) {
                    String other = name.equals("collector") ? "aggregator" : "collector";
                    extra.append(", affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [ { weight: 100, ")
                            .append("podAffinityTerm: { topologyKey: kubernetes.io/hostname, labelSelector: { matchLabels: { app.kubernetes.io/name: ")
                            .append(other).append(" } } } } ] } }");
                }
                String labels = "app.kubernetes.io/name: " + name + ", app.kubernetes.io/part-of: " + ns;
                if (ns.equals("apps") && i < 4) {
                    // one product of four components: the name alone names none of them
                    labels = "app.kubernetes.io/name: shop, app.kubernetes.io/component: " + name + ", app.kubernetes.io/part-of: apps";
                }
                String hash = String.format("%05x", 0x1000 + slot * 7919);
                for (int r = 0; r < replicas; r++) {
                    String node = fixedNode != null ? fixedNode : worker(ZONES.get((slot + r) % ZONES.size()));
                    String podName;
                    String owner;
                    String podLabels = labels;
                    if (stateful) {
                        podName = name + "-" + r;
                        owner = "StatefulSet/" + name;
                        podLabels += ", statefulset.kubernetes.io/pod-name: " + podName;
                    } else {
                        podName = name + "-" + hash + "-" + (char) ('a' + r) + "x" + slot;
                        owner = "ReplicaSet/" + name + "-" + hash;
                        podLabels += ", pod-template-hash: \"" + hash + "\"";
                    }
                    y.append("  - { ns: ").append(ns).append(", name: ").append(podName).append(", owner: ").append(owner)
                            .append(", labels: { ").append(podLabels).append(" }").append(bound ? ", node: " + node : "")
                            .append(", cpu: ").append(cpu).append(", memory: ").append(memory)
                            .append(", tolerations: [").append(tolerations).append("]").append(extra).append(" }\n");
                }
                slot++;
            }
        }
        // a DaemonSet on every node, and the distribution's own DNS on the server
        List<String> nodes = new ArrayList<>(List.of(SERVER));
        ZONES.forEach(z -> nodes.add(worker(z)));
        for (String node : nodes) {
            y.append("  - { ns: ops, name: node-agent-").append(node).append(", owner: DaemonSet/node-agent, labels: { app.kubernetes.io/name: node-agent }, ")
                    .append("node: ").append(node).append(", cpu: 20m, memory: 32Mi, tolerations: [\"*\"] }\n");
        }
        y.append("  - { ns: kube-system, name: coredns-7b9c-q1, owner: ReplicaSet/coredns-7b9c, labels: { k8s-app: kube-dns, pod-template-hash: 7b9c }, ")
                .append("node: " + SERVER + ", tolerations: [\"node-role.kubernetes.io/control-plane:NoSchedule\", ").append(TOLERATE_OUTAGE).append("] }\n");
        return y.toString();
    }

    private static String name(String ns, int i) {
        return switch (ns) {
            case "telemetry" -> List.of("collector", "aggregator", "alerting", "tsdb", "dashboards", "exporter-modbus", "exporter-opcua",
                    "historian", "tracing", "rules").get(i);
            case "gateway" -> List.of("ingress", "mqtt-broker", "mqtt-bridge", "vpn", "auth-proxy", "rate-limiter").get(i);
            case "storage" -> List.of("postgres", "redis", "minio", "archive", "etcd-cache", "queue").get(i);
            case "apps" -> List.of("cart", "catalog", "checkout", "payments", "scheduler", "inventory", "reporting", "notifier",
                    "label-printer", "scanner", "planner", "ml-inference").get(i);
            case "ops" -> List.of("edge-operator", "backup", "updater", "log-shipper", "config-sync", "health-probe").get(i);
            default -> throw new IllegalArgumentException(ns);
        };
    }
}
