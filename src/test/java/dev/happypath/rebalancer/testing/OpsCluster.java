package dev.happypath.rebalancer.testing;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import static dev.happypath.rebalancer.testing.Scenario.AGENT0;
import static dev.happypath.rebalancer.testing.Scenario.AGENT1;
import static dev.happypath.rebalancer.testing.Scenario.SERVER;

/**
 * The IDP cluster for the tests of the ways to run the rebalancer (daemon, one-shot, CronJob): on the
 * real clock, ArgoCD pods lifeboated on the server, a short gate.stableFor, and a switch that takes a
 * worker down and brings it back as the kubelet would (Ready flips, lastTransitionTime = now).
 */
public final class OpsCluster {

    /** The worker that goes down and comes back in these tests. */
    public static final String WORKER = AGENT0;

    private OpsCluster() {
    }

    /** A Happy Path for ArgoCD only, with short timeouts and {@code stableFor}. */
    public static String config(String stableFor, int maxPerRun) {
        return argocdHappyPath("""
                gate: { stableFor: %s }
                eviction: { maxPerRun: %d, pdbTimeout: 5s, readyTimeout: 5s }
                """.formatted(stableFor, maxPerRun));
    }

    /**
     * The Happy Path most live tests run under: the IDP's workers (role infra, apps) and its lifeboat (the
     * control plane), one rule that sends ArgoCD to any worker, then {@code settings} (gate:, eviction: lines).
     */
    public static String argocdHappyPath(String settings) {
        return """
                apiVersion: happypath.dev/v1alpha1
                kind: RebalancerConfig
                nodes:
                  workers: { selector: { matchExpressions: [ { key: role, operator: In, values: [infra, apps] } ] } }
                  lifeboats: { selector: { matchExpressions: [ { key: node-role.kubernetes.io/control-plane, operator: Exists } ] } }
                workloads:
                  - { name: argocd, namespace: argocd, home: any-worker }
                """ + settings;
    }

    /** {@link #argocdHappyPath} as the {@code config: |} block of a compact {@link Scenario}. */
    public static String argocdScenarioConfig(String settings) {
        return "config: |\n" + argocdHappyPath(settings).indent(2);
    }

    public static Path configFile(String config) {
        try {
            Path file = Files.createTempFile("rebalancer-", ".yaml");
            file.toFile().deleteOnExit();
            Files.writeString(file, config);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The three IDP nodes, healthy for an hour of real time unless {@code workerDown}, and the named ArgoCD
     * pods lifeboated on the server; evicted pods are recreated Ready on agent-1.
     */
    public static LiveCluster start(boolean workerDown, String... lifeboated) {
        return withoutController(workerDown, lifeboated).recreateEvicted(p -> AGENT1, true);
    }

    /** As {@link #start}, without the controller stand-in. */
    public static LiveCluster withoutController(boolean workerDown, String... lifeboated) {
        String since = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
        StringBuilder y = new StringBuilder("nodes:\n");
        for (String n : List.of(SERVER, AGENT0, AGENT1)) {
            y.append("  - { idp: ").append(n).append(", readySince: '").append(since).append("', pressureSince: '").append(since)
                    .append("'").append(workerDown && n.equals(WORKER) ? ", ready: 'False'" : "").append(" }\n");
        }
        y.append("pods:\n");
        for (String p : lifeboated) {
            y.append(pod(p));
        }
        return new LiveCluster(Scenario.parse("ops", y.toString()));
    }

    /** Another lifeboated ArgoCD pod, created now. */
    public static void addLifeboated(LiveCluster c, String name) {
        var item = Scenario.parse("one-pod", "nodes: []\npods:\n" + pod(name)).kubectlList().get("items").get(0);
        c.api().create(io.fabric8.kubernetes.client.utils.Serialization.unmarshal(item.toString(),
                io.fabric8.kubernetes.api.model.Pod.class));
    }

    private static String pod(String name) {
        return "  - { ns: argocd, name: " + name + ", labels: { app: " + name + " }, node: " + SERVER
                + ", tolerations: [\"node-role.kubernetes.io/control-plane:NoSchedule\"] }\n";
    }

    /** The kubelet reports a pod Ready. */
    public static void setPodReady(LiveCluster c, String namespace, String name) {
        var pod = c.api().pod(namespace, name);
        pod.getStatus().setConditions(List.of(new io.fabric8.kubernetes.api.model.PodConditionBuilder()
                .withType("Ready").withStatus("True").build()));
        c.api().update(pod);
    }

    /** The kubelet reports the worker Ready (or not) from now on. */
    public static Instant setReady(LiveCluster c, String node, boolean ready) {
        Node n = c.api().node(node);
        Instant now = Instant.now();
        List<NodeCondition> conditions = new ArrayList<>();
        for (NodeCondition cond : n.getStatus().getConditions()) {
            if (cond.getType().equals("Ready")) {
                conditions.add(new NodeConditionBuilder(cond).withStatus(ready ? "True" : "False")
                        .withReason(ready ? "KubeletReady" : "NodeStatusUnknown").withLastTransitionTime(now.toString()).build());
            } else {
                conditions.add(cond);
            }
        }
        n.getStatus().setConditions(conditions);
        c.api().update(n);
        return now;
    }
}
