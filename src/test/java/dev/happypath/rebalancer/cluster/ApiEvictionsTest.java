package dev.happypath.rebalancer.cluster;

import dev.happypath.rebalancer.execute.EvictionApi;

import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.testing.Scenario;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the replacement wait recognises the replacement: a pod of the same controller that did not exist when
 * the eviction was sent (for a StatefulSet, the pod of that name), Ready, with the controller's Ready count
 * back to what it was before. Pure: the lists of pods are what the watch would hand over.
 */
class ApiEvictionsTest {

    private static final ClusterSnapshot BEFORE = Scenario.parse("replacement", """
            pods:
              - { ns: obs, name: loki-0, owner: StatefulSet/loki, node: k3d-idp-demo-server-0 }
              - { ns: obs, name: loki-1, owner: StatefulSet/loki, node: k3d-idp-demo-agent-0 }
              - { ns: obs, name: web-a, owner: ReplicaSet/web, node: k3d-idp-demo-server-0 }
              - { ns: obs, name: web-b, owner: ReplicaSet/web, node: k3d-idp-demo-agent-0 }
            """).snapshot();

    private static PodState pod(String name) {
        return BEFORE.pods().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    /** A pod as the watch sees it now. */
    private static Pod seen(PodState owner, String name, String uid, String node, boolean ready) {
        return new PodBuilder().withNewMetadata().withNamespace(owner.namespace()).withName(name).withUid(uid)
                .addNewOwnerReference().withKind(owner.controller().kind()).withName(owner.controller().name())
                .withUid(owner.controller().uid()).withController(true).endOwnerReference().endMetadata()
                .withNewSpec().withNodeName(node).endSpec()
                .withNewStatus().addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition().endStatus()
                .build();
    }

    @Test
    void aSiblingReadyAllAlongIsNeverTheReplacement() {
        PodState evicted = pod("web-a");
        EvictionApi.Siblings before = EvictionApi.Siblings.of(evicted, BEFORE);
        assertThat(before.ready()).isEqualTo(2);
        Pod sibling = seen(evicted, "web-b", pod("web-b").uid(), "k3d-idp-demo-agent-0", true);

        assertThat(ApiEvictions.settled(List.of(sibling), evicted, before)).isEmpty();
        assertThat(ApiEvictions.describeCandidates(List.of(sibling), evicted, before)).startsWith("no replacement pod appeared");

        Pod fresh = seen(evicted, "web-c", "new-uid", "k3d-idp-demo-agent-1", true);
        assertThat(ApiEvictions.settled(List.of(sibling, fresh), evicted, before)).map(p -> p.getSpec().getNodeName())
                .contains("k3d-idp-demo-agent-1");
    }

    @Test
    void theNewPodReadyIsNotEnoughWhileTheControllersReadyCountIsShort() {
        PodState evicted = pod("web-a");
        EvictionApi.Siblings before = EvictionApi.Siblings.of(evicted, BEFORE);
        List<Pod> now = List.of(seen(evicted, "web-b", pod("web-b").uid(), "k3d-idp-demo-agent-0", false),
                seen(evicted, "web-c", "new-uid", "k3d-idp-demo-agent-1", true));

        assertThat(ApiEvictions.settled(now, evicted, before)).isEmpty();
        assertThat(ApiEvictions.describeCandidates(now, evicted, before))
                .isEqualTo("obs/web-c is Ready on k3d-idp-demo-agent-1, but its controller has 1 Ready pod(s), not yet the 2 it had before the eviction");
    }

    @Test
    void aStatefulSetsReplacementIsThePodOfThatNameWithANewUid() {
        PodState evicted = pod("loki-0");
        EvictionApi.Siblings before = EvictionApi.Siblings.of(evicted, BEFORE);
        Pod sibling = seen(evicted, "loki-1", pod("loki-1").uid(), "k3d-idp-demo-agent-0", true);
        Pod scaledUp = seen(evicted, "loki-2", "scaled-up-uid", "k3d-idp-demo-agent-1", true);
        Pod sameUid = seen(evicted, "loki-0", evicted.uid(), "k3d-idp-demo-server-0", true);

        assertThat(ApiEvictions.settled(List.of(sibling, scaledUp, sameUid), evicted, before))
                .as("neither another name nor the evicted pod itself").isEmpty();

        Pod recreated = seen(evicted, "loki-0", "recreated-uid", "k3d-idp-demo-agent-1", true);
        assertThat(ApiEvictions.settled(List.of(sibling, scaledUp, recreated), evicted, before))
                .map(p -> p.getMetadata().getUid()).contains("recreated-uid");
    }
}
