package dev.happypath.rebalancer.testing;

import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.config.HappyPathLoader;
import dev.happypath.rebalancer.snapshot.Affinity;
import dev.happypath.rebalancer.snapshot.Claim;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.Condition;
import dev.happypath.rebalancer.snapshot.DisruptionBudget;
import dev.happypath.rebalancer.snapshot.LabelSelector;
import dev.happypath.rebalancer.snapshot.NodeSelector;
import dev.happypath.rebalancer.snapshot.NodeSelectorTerm;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.OwnerRef;
import dev.happypath.rebalancer.snapshot.PodAffinityTerm;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.PreferredSchedulingTerm;
import dev.happypath.rebalancer.snapshot.Requirement;
import dev.happypath.rebalancer.snapshot.Resources;
import dev.happypath.rebalancer.snapshot.Taint;
import dev.happypath.rebalancer.snapshot.Toleration;
import dev.happypath.rebalancer.snapshot.Volume;
import dev.happypath.rebalancer.snapshot.WeightedPodAffinityTerm;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Random but plausible clusters from a seed (java.util.Random: the same seed gives the same cluster):
 * workers labelled role=infra or role=apps, lifeboats with the control-plane taint, some workers down,
 * tainted, cordoned or under pressure; pods with requests, owners, priorities, tolerations, preferences,
 * required node affinity, anti-affinity, local volumes, and PodDisruptionBudgets. Lifeboated, co-located
 * and misplaced pods appear in a realistic share, Terminating ones too.
 *
 * <p>A {@link Profile} says how pods are placed: {@link Profile#ANYWHERE} (what the invariant tests use)
 * puts every pod on any node, so about a third end up off their home, and puts a worker in trouble in
 * about a third of the clusters; {@link Profile#settled(double)} is a healthy cluster whose pods are
 * mostly home, the shape a benchmark of the planner needs.
 */
public final class ClusterGenerator {

    /**
     * How a generated cluster is laid out.
     *
     * @param troubledWorkers whether a worker may be in trouble (down, cordoned, under pressure, just back)
     * @param strayShare      share of pods placed on any node regardless of their home (1.0: every pod,
     *                        on nodes of 4-16 GiB that they may overfill, every namespace as likely);
     *                        below 1.0 the others go to a node of their home that has room (workers of
     *                        16-48 GiB and 16-32 cores, about two thirds requested), and few pods live
     *                        on the control plane, as in a cluster the scheduler filled
     */
    public record Profile(boolean troubledWorkers, double strayShare) {

        /** Every pod on any node, a worker in trouble in a third of the clusters: many strays, many refusals. */
        public static final Profile ANYWHERE = new Profile(true, 1.0);

        /** All workers healthy; {@code strayShare} of the pods placed anywhere, the rest at home. */
        public static Profile settled(double strayShare) {
            return new Profile(false, strayShare);
        }
    }

    public static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    private static final long GI = 1L << 30;
    private static final long MI = 1L << 20;

    /** The Happy Path the generated clusters are judged against. */
    public static final String CONFIG = """
            apiVersion: happypath.dev/v1alpha1
            kind: RebalancerConfig
            nodes:
              workers: { selector: { matchExpressions: [ { key: role, operator: In, values: [infra, apps] } ] } }
              lifeboats: { selector: { matchExpressions: [ { key: node-role.kubernetes.io/control-plane, operator: Exists } ] } }
            workloads:
              - { name: metrics, namespace: observability, selector: { matchLabels: { app: metrics } }, home: { worker: { matchLabels: { role: infra } } } }
              - { name: logs, namespace: observability, selector: { matchLabels: { app: logs } }, home: { worker: { matchLabels: { role: apps } } } }
              - { name: infra-tools, namespace: infra, home: { worker: { matchLabels: { role: infra } } } }
              - { name: apps, namespace: apps, home: { worker: { matchLabels: { role: apps } } } }
              - { name: gitops, namespace: gitops, home: any-worker }
              - { name: secrets, namespace: secrets, home: control-plane }
            separations:
              - { workloads: [metrics, logs] }
            eviction: { maxPerRun: %d, maxPerNode: %d, maxPerNamespace: %d, maxUtilization: 0.8 }
            """;

    private final Random random;
    private final int nodes;
    private final int pods;
    private final Profile profile;
    private int counter;

    private ClusterGenerator(long seed, int nodes, int pods, Profile profile) {
        this.random = new Random(seed);
        this.nodes = nodes;
        this.pods = pods;
        this.profile = profile;
    }

    public static HappyPath happyPath(int maxPerRun, int maxPerNode, int maxPerNamespace) {
        return HappyPathLoader.parse("generated.yaml",
                CONFIG.formatted(maxPerRun, maxPerNode, maxPerNamespace).getBytes(StandardCharsets.UTF_8));
    }

    public static ClusterSnapshot generate(long seed, int nodes, int pods) {
        return generate(seed, nodes, pods, Profile.ANYWHERE);
    }

    /** The same seed and profile give the same cluster; {@link Profile#ANYWHERE} is what {@link #generate(long, int, int)} gives. */
    public static ClusterSnapshot generate(long seed, int nodes, int pods, Profile profile) {
        return new ClusterGenerator(seed, nodes, pods, profile).build();
    }

    private ClusterSnapshot build() {
        List<NodeState> nodeList = new ArrayList<>();
        int lifeboats = Math.max(1, nodes / 20);
        for (int i = 0; i < nodes; i++) {
            nodeList.add(i < lifeboats ? lifeboat(i) : worker(i));
        }
        // In about a third of the clusters one worker is in trouble (down, cordoned, under pressure or
        // only just back): the gate must then stay closed.
        // (ANYWHERE draws exactly as before the profiles existed, so committed seeds keep their clusters.)
        if (profile.troubledWorkers() && random.nextInt(3) == 0 && nodes > lifeboats) {
            int i = lifeboats + random.nextInt(nodes - lifeboats);
            nodeList.set(i, trouble(nodeList.get(i)));
        }
        List<PodState> podList = new ArrayList<>();
        Map<String, Resources> used = new HashMap<>();
        List<DisruptionBudget> budgets = new ArrayList<>();
        List<Claim> claims = new ArrayList<>();
        List<Volume> volumes = new ArrayList<>();
        String[] namespaces = {"observability", "infra", "apps", "gitops", "secrets", "team-" + random.nextInt(5), "kube-system"};
        while (podList.size() < pods) {
            String ns = settled() ? settledNamespace(namespaces) : namespaces[random.nextInt(namespaces.length)];
            String app = ns.equals("observability") ? (random.nextBoolean() ? "metrics" : "logs") : "app" + random.nextInt(40);
            String owner = pickOwnerKind();
            String workload = app + "-" + (counter++);
            int replicas = owner.equals("DaemonSet") || owner.equals("none") ? 1 : 1 + random.nextInt(3);
            Map<String, String> labels = Map.of("app", app, "workload", workload);
            if (random.nextInt(10) == 0 && !owner.equals("none")) {
                budgets.add(new DisruptionBudget(ns, workload, LabelSelector.of(Map.of("workload", workload)), random.nextInt(2),
                        replicas, Math.max(0, replicas - 1), replicas, "1", null));
            }
            for (int r = 0; r < replicas && podList.size() < pods; r++) {
                NodeState node = profile.strayShare() >= 1.0 || random.nextDouble() < profile.strayShare()
                        ? nodeList.get(random.nextInt(nodeList.size()))
                        : home(ns, app, owner, nodeList, lifeboats, used);
                boolean pending = random.nextInt(50) == 0;
                List<String> claimNames = List.of();
                if (random.nextInt(15) == 0) {
                    String claim = "data-" + workload + "-" + r;
                    String pv = "pv-" + workload + "-" + r;
                    claims.add(new Claim(ns, claim, pv, "Bound", "local-path"));
                    // (a settled cluster's pods run where their local volumes are)
                    NodeState pin = !settled() && random.nextInt(3) == 0 ? nodeList.get(random.nextInt(nodeList.size())) : node;
                    volumes.add(new Volume(pv, new NodeSelector(List.of(new NodeSelectorTerm(
                            List.of(new Requirement("kubernetes.io/hostname", Requirement.Operator.In, List.of(pin.name()))), List.of()))),
                            ns, claim, "local-path"));
                    claimNames = List.of(claim);
                }
                PodState pod = pod(ns, workload + "-" + r, labels, owner, workload, pending ? null : node.name(), claimNames);
                if (settled() && pod.isBound()) {
                    used.merge(pod.nodeName(), pod.requests(), Resources::plus);
                }
                podList.add(pod);
            }
        }
        return new ClusterSnapshot(NOW, nodeList, podList, budgets, claims, volumes);
    }

    private boolean settled() {
        return profile.strayShare() < 1.0;
    }

    /** Most pods in the workload namespaces, few on the control plane (secrets), some unmanaged. */
    private String settledNamespace(String[] namespaces) {
        int r = random.nextInt(100);
        // observability, infra, apps, gitops, secrets, team-N, kube-system
        int[] upTo = {20, 38, 68, 78, 80, 95, 100};
        for (int i = 0; i < upTo.length; i++) {
            if (r < upTo[i]) {
                return namespaces[i];
            }
        }
        throw new IllegalStateException();
    }

    /**
     * A node of the pod's home under {@link #CONFIG} that has room for a typical pod (at most 70 % of its
     * memory and CPU requested): role=infra or role=apps workers, any worker, the control plane; pods no
     * rule names sit on a worker, DaemonSet pods on any node. After a few tries, the least loaded tried.
     */
    private NodeState home(String ns, String app, String owner, List<NodeState> nodeList, int lifeboats, Map<String, Resources> used) {
        if (owner.equals("DaemonSet")) {
            return nodeList.get(random.nextInt(nodeList.size()));
        }
        boolean controlPlane = ns.equals("secrets") || nodeList.size() == lifeboats;
        String role = switch (ns) {
            case "observability" -> app.equals("metrics") ? "infra" : "apps";
            case "infra" -> "infra";
            case "apps" -> "apps";
            default -> null;
        };
        NodeState best = null;
        double bestLoad = Double.MAX_VALUE;
        for (int attempt = 0; attempt < 64; attempt++) {
            NodeState n = controlPlane ? nodeList.get(random.nextInt(lifeboats))
                    : nodeList.get(lifeboats + random.nextInt(nodeList.size() - lifeboats));
            if (!controlPlane && role != null && !role.equals(n.labels().get("role"))) {
                continue;
            }
            Resources u = used.getOrDefault(n.name(), Resources.NONE);
            double load = Math.max(u.memoryBytes() / (double) n.allocatable().memoryBytes(), u.milliCpu() / (double) n.allocatable().milliCpu());
            if (load <= 0.7) {
                return n;
            }
            if (load < bestLoad) {
                best = n;
                bestLoad = load;
            }
        }
        return best != null ? best : nodeList.get(lifeboats + random.nextInt(nodeList.size() - lifeboats));
    }

    private String pickOwnerKind() {
        int r = random.nextInt(100);
        if (r < 55) {
            return "ReplicaSet";
        }
        if (r < 80) {
            return "StatefulSet";
        }
        if (r < 88) {
            return "DaemonSet";
        }
        if (r < 94) {
            return "Job";
        }
        return "none";
    }

    private NodeState lifeboat(int i) {
        return new NodeState("cp-" + i, "uid-cp-" + i, Map.of("kubernetes.io/hostname", "cp-" + i, "node-role.kubernetes.io/control-plane", "true"),
                List.of(new Taint("node-role.kubernetes.io/control-plane", "", Taint.Effect.NoSchedule)), false,
                settled() ? new Resources(8000, 16 * GI) : new Resources(4000, 4 * GI), 110, healthy(Duration.ofDays(1)));
    }

    private NodeState worker(int i) {
        String name = "node-" + i;
        Map<String, String> labels = new HashMap<>();
        labels.put("kubernetes.io/hostname", name);
        labels.put("role", random.nextBoolean() ? "infra" : "apps");
        labels.put("topology.kubernetes.io/zone", "zone-" + random.nextInt(3));
        List<Taint> taints = new ArrayList<>();
        Map<String, Condition> conditions = healthy(Duration.ofMinutes(600));
        if (random.nextInt(10) == 0) {
            taints.add(new Taint("dedicated", "batch", random.nextBoolean() ? Taint.Effect.NoSchedule : Taint.Effect.PreferNoSchedule));
        }
        long memory = settled() ? (16 + random.nextInt(33)) * GI : (4 + random.nextInt(13)) * GI;
        long cpu = settled() ? (16 + random.nextInt(17)) * 1000L : (2 + random.nextInt(15)) * 1000L;
        return new NodeState(name, "uid-" + name, labels, taints, false, new Resources(cpu, memory), 110, conditions);
    }

    private NodeState trouble(NodeState n) {
        Map<String, Condition> conditions = new HashMap<>(n.conditions());
        List<Taint> taints = new ArrayList<>(n.taints());
        boolean unschedulable = false;
        switch (random.nextInt(4)) {
            case 0 -> {
                conditions.put("Ready", new Condition("Ready", "Unknown", NOW.minusSeconds(300), "NodeStatusUnknown", null));
                taints.add(new Taint("node.kubernetes.io/unreachable", "", Taint.Effect.NoExecute));
            }
            case 1 -> unschedulable = true;
            case 2 -> conditions.put("DiskPressure", new Condition("DiskPressure", "True", NOW.minusSeconds(60), null, null));
            default -> conditions.put("Ready", new Condition("Ready", "True", NOW.minusSeconds(120), "KubeletReady", null));
        }
        return new NodeState(n.name(), n.uid(), n.labels(), taints, unschedulable, n.allocatable(), n.allocatablePods(), conditions);
    }

    private static Map<String, Condition> healthy(Duration since) {
        Instant t = NOW.minus(since);
        return Map.of("Ready", new Condition("Ready", "True", t, "KubeletReady", null),
                "MemoryPressure", new Condition("MemoryPressure", "False", t, null, null),
                "DiskPressure", new Condition("DiskPressure", "False", t, null, null),
                "PIDPressure", new Condition("PIDPressure", "False", t, null, null));
    }

    private PodState pod(String ns, String name, Map<String, String> labels, String ownerKind, String workload, String node,
                         List<String> claims) {
        OwnerRef owner = ownerKind.equals("none") ? null : new OwnerRef(ownerKind, workload, "uid-" + ns + "-" + workload);
        long cpu = 50L * (1 + random.nextInt(20));
        long memory = 64 * MI * (1 + random.nextInt(16));
        Resources requests = random.nextInt(20) == 0 ? Resources.NONE : new Resources(cpu, memory);
        Resources nonZero = requests.equals(Resources.NONE) ? new Resources(100, 200 * MI) : requests;
        List<Toleration> tolerations = new ArrayList<>();
        if (random.nextInt(3) == 0) {
            tolerations.add(new Toleration("node-role.kubernetes.io/control-plane", Toleration.Operator.Exists, null, Taint.Effect.NoSchedule));
        }
        if (ownerKind.equals("DaemonSet")) {
            tolerations.add(new Toleration("", Toleration.Operator.Exists, null, null));
        }
        NodeSelector required = null;
        if (random.nextInt(12) == 0) {
            required = new NodeSelector(List.of(new NodeSelectorTerm(List.of(new Requirement("topology.kubernetes.io/zone",
                    Requirement.Operator.In, List.of("zone-0", "zone-1"))), List.of())));
        }
        List<PreferredSchedulingTerm> preferred = new ArrayList<>();
        if (random.nextInt(3) == 0) {
            preferred.add(new PreferredSchedulingTerm(1 + random.nextInt(100), new NodeSelectorTerm(List.of(new Requirement("role",
                    Requirement.Operator.In, List.of(random.nextBoolean() ? "infra" : "apps"))), List.of())));
        }
        List<PodAffinityTerm> antiRequired = new ArrayList<>();
        List<WeightedPodAffinityTerm> antiPreferred = new ArrayList<>();
        if (random.nextInt(15) == 0) {
            antiRequired.add(new PodAffinityTerm(LabelSelector.of(Map.of("workload", workload)), Set.of(), false, false, "kubernetes.io/hostname"));
        }
        if (random.nextInt(8) == 0) {
            antiPreferred.add(new WeightedPodAffinityTerm(100, new PodAffinityTerm(LabelSelector.of(Map.of("app", labels.get("app"))),
                    Set.of(), false, false, "kubernetes.io/hostname")));
        }
        Affinity affinity = new Affinity(required, preferred, List.of(), List.of(), antiRequired, antiPreferred);
        int priority = random.nextInt(40) == 0 ? 2_000_000_000 : random.nextInt(4) * 10_000;
        Instant deleting = node != null && random.nextInt(40) == 0 ? NOW.minusSeconds(20) : null;
        return new PodState(ns, name, "uid-" + ns + "-" + name, labels, node, node == null ? "Pending" : "Running", node != null,
                NOW.minusSeconds(3600), deleting, priority, null, owner, false, requests, nonZero, Map.of(), affinity, tolerations,
                List.of(), claims, random.nextInt(60) == 0 ? List.of("host") : List.of(), "default-scheduler");
    }
}
