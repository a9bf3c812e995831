package dev.happypath.rebalancer.testing;

/** Small clusters in the compact YAML of {@link Scenario}, shared by the tests of the pass on fakes. */
public final class Fixtures {

    /** Two ArgoCD pods lifeboated on the server; the workers are healthy and stable. */
    public static final String TWO_LIFEBOATED = "now: 2026-11-21T10:00:00Z\n"
            + OpsCluster.argocdScenarioConfig("eviction: { pdbTimeout: 30s, readyTimeout: 2s }\n") + """
            pods:
              - { ns: argocd, name: a-server, labels: { app: server }, node: k3d-idp-demo-server-0, priority: 2,
                  tolerations: ["node-role.kubernetes.io/control-plane:NoSchedule"] }
              - { ns: argocd, name: b-repo, labels: { app: repo }, node: k3d-idp-demo-server-0, priority: 1,
                  tolerations: ["node-role.kubernetes.io/control-plane:NoSchedule"] }
            """;

    private Fixtures() {
    }
}
