package dev.happypath.rebalancer.scheduling;

import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.LabelSelector;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodAffinityTerm;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.WeightedPodAffinityTerm;
import dev.happypath.rebalancer.testing.ClusterGenerator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The planning view answers the plugins' questions about other pods from indexes. Whatever it leaves
 * out must be what a scan of every pod would have rejected anyway, and what it returns must come in the
 * scan's order (the first culprit a filter names depends on it), before and after planned moves.
 */
class PlanningViewIndexTest {

    /** The scan every question used to be: the interface's own answers. */
    private static final class Scan implements ClusterView {
        private final PlanningView view;

        Scan(PlanningView view) {
            this.view = view;
        }

        @Override
        public List<NodeState> nodes() {
            return view.nodes();
        }

        @Override
        public java.util.Optional<NodeState> node(String name) {
            return view.node(name);
        }

        @Override
        public List<PodState> podsOn(String nodeName) {
            return view.podsOn(nodeName);
        }

        @Override
        public dev.happypath.rebalancer.snapshot.Resources requested(String nodeName) {
            return view.requested(nodeName);
        }

        @Override
        public dev.happypath.rebalancer.snapshot.Resources nonZeroRequested(String nodeName) {
            return view.nonZeroRequested(nodeName);
        }

        @Override
        public List<NodeState> nodesInDomain(String key, String value) {
            return view.nodesInDomain(key, value);
        }

        @Override
        public List<PlacedPod> podsWithRequiredAntiAffinity() {
            return view.podsWithRequiredAntiAffinity();
        }

        @Override
        public List<PlacedPod> podsWithAffinityTerms() {
            return view.podsWithAffinityTerms();
        }

        @Override
        public java.util.Optional<dev.happypath.rebalancer.snapshot.Claim> claim(String namespace, String name) {
            return view.claim(namespace, name);
        }

        @Override
        public java.util.Optional<dev.happypath.rebalancer.snapshot.Volume> volume(String name) {
            return view.volume(name);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void indexesAnswerAsAScanWould(long seed) {
        ClusterSnapshot snapshot = seed % 2 == 0 ? ClusterGenerator.generate(seed, 20, 600)
                : ClusterGenerator.generate(seed, 30, 900, ClusterGenerator.Profile.settled(0.2));
        PlanningView view = new PlanningView(snapshot);
        Random random = new Random(seed);
        List<PodState> bound = snapshot.pods().stream().filter(PodState::isBound).toList();
        for (int round = 0; round < 4; round++) {
            check(view, snapshot);
            // plan a few moves on top: departures and arrivals change what the indexes must answer
            for (int i = 0; i < 3; i++) {
                PodState p = bound.get(random.nextInt(bound.size()));
                view.depart(p);
                view.arrive(p, snapshot.nodes().get(random.nextInt(snapshot.nodes().size())).name());
            }
        }
    }

    private static void check(PlanningView view, ClusterSnapshot snapshot) {
        Scan scan = new Scan(view);
        for (PodState pod : snapshot.pods().subList(0, Math.min(200, snapshot.pods().size()))) {
            PodState incoming = pod.replacement();
            Predicate<PlacedPod> forbids = p -> p.pod().affinity().requiredPodAntiAffinity().stream()
                    .anyMatch(t -> t.selects(incoming, p.pod().namespace(), true));
            assertThat(view.requiredAntiAffinityCandidates(incoming).stream().filter(forbids).toList())
                    .isEqualTo(scan.requiredAntiAffinityCandidates(incoming).stream().filter(forbids).toList());
            Predicate<PlacedPod> scores = p -> terms(p.pod()).stream().anyMatch(t -> t.selects(incoming, p.pod().namespace(), false));
            assertThat(view.affinityTermCandidates(incoming).stream().filter(scores).toList())
                    .isEqualTo(scan.affinityTermCandidates(incoming).stream().filter(scores).toList());
            for (PodAffinityTerm t : terms(pod)) {
                LabelSelector s = t.selector();
                Predicate<PlacedPod> matches = p -> s != null && s.matches(p.pod().labels());
                assertThat(view.podsSelectable(s).stream().filter(matches).toList())
                        .isEqualTo(scan.podsSelectable(s).stream().filter(matches).toList());
            }
            LabelSelector own = LabelSelector.of(pod.labels());
            assertThat(view.podsSelectable(own).stream().filter(p -> own.matches(p.pod().labels())).toList())
                    .isEqualTo(scan.podsSelectable(own).stream().filter(p -> own.matches(p.pod().labels())).toList());
            if (pod.controller() != null) {
                assertThat(new HashSet<>(view.podsOwnedBy(pod.controller().uid())))
                        .isEqualTo(new HashSet<>(scan.podsOwnedBy(pod.controller().uid())));
            }
        }
    }

    private static List<PodAffinityTerm> terms(PodState p) {
        List<PodAffinityTerm> all = new ArrayList<>(p.affinity().requiredPodAffinity());
        p.affinity().preferredPodAffinity().stream().map(WeightedPodAffinityTerm::term).forEach(all::add);
        p.affinity().preferredPodAntiAffinity().stream().map(WeightedPodAffinityTerm::term).forEach(all::add);
        return all;
    }
}
