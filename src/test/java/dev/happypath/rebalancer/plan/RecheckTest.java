package dev.happypath.rebalancer.plan;

import dev.happypath.rebalancer.gate.GateReason;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.testing.OpsCluster;
import dev.happypath.rebalancer.testing.Scenario;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Decision#recheck}, the executor's last look before an eviction: the pod planned on the first read
 * decided again, alone, on a fresh one. Pure; the live races are in faults/EvictionRaceTest.
 */
class RecheckTest {

    private static final String CONFIG = OpsCluster.argocdScenarioConfig("") + "now: 2026-11-21T10:00:00Z\n";

    private static final String STRAY = """
              - { ns: argocd, name: web-0, owner: StatefulSet/web, node: k3d-idp-demo-server-0,
                  tolerations: ["node-role.kubernetes.io/control-plane:NoSchedule"] }
            """;

    private static Scenario cluster(String pods) {
        return Scenario.parse("recheck", CONFIG + "pods:\n" + pods);
    }

    private static PodState planned() {
        Scenario plan = cluster(STRAY);
        Decision first = Decision.decide(plan.snapshot(), plan.happyPath(), plan.ledger(), plan.now());
        Move move = first.plan().moves().get(0);
        assertThat(move.outcome()).as("the fixture plans it").isEqualTo(Outcome.PLANNED);
        return move.pod();
    }

    private static Decision.Recheck recheck(Scenario fresh, PodState planned) {
        return Decision.recheck(fresh.snapshot(), fresh.happyPath(), fresh.ledger(), fresh.now(), planned);
    }

    @Test
    void theSamePodStillOffItsHomeIsDecidedAgainAndStillGoes() {
        Decision.Recheck r = recheck(cluster(STRAY), planned());
        assertThat(r.kind()).isEqualTo(Decision.Recheck.Kind.DECIDED);
        assertThat(r.fresh().outcome()).isEqualTo(Outcome.PLANNED);
        assertThat(r.fresh().code()).isEqualTo(MoveCode.GOES_HOME);
    }

    @Test
    void aPodGoneIsSaidGone() {
        Decision.Recheck r = recheck(cluster("  - { ns: argocd, name: other, node: k3d-idp-demo-agent-0 }\n"), planned());
        assertThat(r.kind()).isEqualTo(Decision.Recheck.Kind.GONE);
    }

    @Test
    void aPodOfThatNameWithAnotherUidIsRecreated() {
        PodState planned = planned();
        PodState stale = new PodState(planned.namespace(), planned.name(), "the-uid-at-plan-time", planned.labels(), planned.nodeName(),
                planned.phase(), planned.ready(), planned.creationTimestamp(), planned.deletionTimestamp(), planned.priority(),
                planned.priorityClassName(), planned.controller(), planned.mirror(), planned.requests(), planned.nonZeroRequests(),
                planned.nodeSelector(), planned.affinity(), planned.tolerations(), planned.topologySpreadConstraints(), planned.claimNames(),
                planned.hostPathVolumes(), planned.schedulerName());
        Decision.Recheck r = recheck(cluster(STRAY), stale);
        assertThat(r.kind()).isEqualTo(Decision.Recheck.Kind.RECREATED);
        assertThat(r.pod().uid()).isEqualTo(planned.uid()).isNotEqualTo(stale.uid());
    }

    @Test
    void theSamePodNowAtHomeIsNoLongerAStray() {
        // the node it runs on is a worker now (relabelled, no longer a lifeboat): the same pod, on its Happy Path
        Scenario fresh = Scenario.parse("recheck", CONFIG.replace("values: [infra, apps]", "values: [infra, apps, control]")
                .replace("key: node-role.kubernetes.io/control-plane", "key: lifeboat") + """
                nodes:
                  - { idp: k3d-idp-demo-server-0, labels: { role: control } }
                  - { idp: k3d-idp-demo-agent-0 }
                  - { idp: k3d-idp-demo-agent-1 }
                pods:
                """ + STRAY);
        Decision.Recheck r = recheck(fresh, planned());
        assertThat(r.kind()).isEqualTo(Decision.Recheck.Kind.NOT_A_STRAY);
        assertThat(r.pod().nodeName()).isEqualTo(Scenario.SERVER);
    }

    @Test
    void anEarlierMoveNotSettledClosesTheGateOfTheRecheck() {
        Scenario fresh = Scenario.parse("recheck", CONFIG + """
                pods:
                """ + STRAY + """
                  - { ns: argocd, name: repo-2, owner: ReplicaSet/repo }
                ledger: |
                  {"version": 1, "workloads": {
                    "argocd/ReplicaSet/repo": {"moves": ["2026-11-21T09:58:00Z"], "last": {"at": "2026-11-21T09:58:00Z", "pod": "argocd/repo-1",
                       "from": "k3d-idp-demo-server-0", "target": "k3d-idp-demo-agent-0", "landedOn": null, "landedHome": true, "spec": "x", "nodes": "y"}}
                  }}
                """);
        Decision.Recheck r = recheck(fresh, planned());
        assertThat(r.kind()).isEqualTo(Decision.Recheck.Kind.GATE_CLOSED);
        assertThat(r.gate().reasons()).extracting(GateReason::code).containsExactly(GateReason.Code.UNSETTLED);
        assertThat(r.gate().summary()).contains("argocd/ReplicaSet/repo was moved 2m ago and its pod argocd/repo-2 is Pending, not scheduled");
    }

    @Test
    void aBudgetSpentSinceThePlanIsDecidedAgainAsBlocked() {
        Scenario fresh = Scenario.parse("recheck", CONFIG + """
                pods:
                """ + STRAY.replace("owner: StatefulSet/web,", "owner: StatefulSet/web, labels: { app: web },") + """
                pdbs:
                  - { ns: argocd, name: web, selector: { matchLabels: { app: web } }, allowed: 0 }
                """);
        Decision.Recheck r = recheck(fresh, planned());
        assertThat(r.kind()).isEqualTo(Decision.Recheck.Kind.DECIDED);
        assertThat(r.fresh().outcome()).isEqualTo(Outcome.BLOCKED);
        assertThat(r.fresh().code()).isEqualTo(MoveCode.BUDGET_EXHAUSTED);
    }
}
