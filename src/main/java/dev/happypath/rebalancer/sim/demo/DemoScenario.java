package dev.happypath.rebalancer.sim.demo;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A story the demo plays on the IDP Blueprint: which workers fail, how the cluster is seeded (and why),
 * and how the story must end.
 *
 * @param failing     the workers that fail together
 * @param returning   the order they come back in: groups, {@link Story#BETWEEN_RETURNS} apart
 * @param seed        the cluster before the failure
 * @param endsGreen   whether every pod must be home at the end; false when a refusal is the point
 * @param blockedPod  the pod (namespace/name) a PodDisruptionBudget keeps where it is, if any
 */
public record DemoScenario(String name, String title, List<String> story, List<String> failing,
                           List<List<String>> returning, Supplier<IdpSeed> seed, boolean endsGreen, String blockedPod) {

    public static final String PROMETHEUS = "observability/prometheus-kube-prometheus-stack-prometheus-0";
    public static final String LOKI = "observability/loki-0";
    public static final String ARGOCD_CONTROLLER = "argocd/argocd-application-controller-0";

    public static final DemoScenario WORKER_DOWN = new DemoScenario("worker-down",
            "agent-0 fails: ArgoCD takes the lifeboat, Prometheus moves in with Loki",
            List.of("k3d-idp-demo-agent-0 (role=infra) fails and comes back 20 minutes later.",
                    "Seed: config/examples/idp-green.yaml with Prometheus' TSDB in an emptyDir (as in",
                    "idp-colocated.yaml): with its local-path volume it could not leave agent-0.",
                    "The built-in Happy Path opts it in (localData: discard on the prometheus rule): its move home",
                    "discards that emptyDir, and with it the metrics scraped since it started."),
            List.of(IdpSeed.AGENT0), List.of(List.of(IdpSeed.AGENT0)), DemoScenario::prometheusWithoutVolume, true, null);

    public static final DemoScenario BOTH_WORKERS_DOWN = new DemoScenario("both-workers-down",
            "both workers fail (RED): only ArgoCD survives, on the control plane",
            List.of("Both agents fail together; agent-1 comes back 20 minutes later, agent-0 5 minutes after it.",
                    "Seed: config/examples/idp-green.yaml as it is: only ArgoCD tolerates the control-plane",
                    "taint, the rest waits Pending; local-path volumes bring Prometheus, Loki and the",
                    "databases back to their own nodes, the first worker back takes everything else."),
            List.of(IdpSeed.AGENT0, IdpSeed.AGENT1), List.of(List.of(IdpSeed.AGENT1), List.of(IdpSeed.AGENT0)), IdpSeed::load, true, null);

    public static final DemoScenario PDB_BLOCKS = new DemoScenario("pdb-blocks",
            "agent-0 fails; a PodDisruptionBudget keeps ArgoCD's controller on the lifeboat",
            List.of("As worker-down, with a PodDisruptionBudget on ArgoCD's application controller (minAvailable: 1",
                    "for its single replica, as the argo-cd chart's controller.pdb.enabled makes): the disruption",
                    "controller allows no eviction. The rebalancer reports it BLOCKED and never forces it; everything",
                    "else goes home."),
            List.of(IdpSeed.AGENT0), List.of(List.of(IdpSeed.AGENT0)),
            () -> prometheusWithoutVolume().withBudget("argocd", "argocd-application-controller",
                    Map.of("app.kubernetes.io/name", "argocd-application-controller"), 1),
            false, ARGOCD_CONTROLLER);

    public static final DemoScenario LOKI_PINNED = new DemoScenario("loki-pinned",
            "agent-1 fails: Loki's local-path volume keeps it from failing over",
            List.of("k3d-idp-demo-agent-1 (role=apps) fails and comes back 20 minutes later.",
                    "Seed: config/examples/idp-green.yaml as it is: Loki, Grafana and SonarQube keep their data",
                    "in local-path volumes on agent-1, so they wait for it (logs are down meanwhile) and come",
                    "back by themselves; the rebalancer brings home what did fail over."),
            List.of(IdpSeed.AGENT1), List.of(List.of(IdpSeed.AGENT1)), IdpSeed::load, true, null);

    public static final List<DemoScenario> ALL = List.of(WORKER_DOWN, BOTH_WORKERS_DOWN, PDB_BLOCKS, LOKI_PINNED);

    public static Optional<DemoScenario> named(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public static String names() {
        return String.join(", ", ALL.stream().map(DemoScenario::name).toList());
    }

    private static IdpSeed prometheusWithoutVolume() {
        return IdpSeed.load().withoutVolume("observability", "prometheus-kube-prometheus-stack-prometheus-0");
    }
}
