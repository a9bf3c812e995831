package dev.happypath.rebalancer.plan;

import dev.happypath.rebalancer.compare.Placement;
import dev.happypath.rebalancer.compare.Status;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.config.SeparationRule;
import dev.happypath.rebalancer.ledger.Ledger;
import dev.happypath.rebalancer.scheduling.Filters;
import dev.happypath.rebalancer.scheduling.PlanningView;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.DisruptionBudget;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.Resources;
import dev.happypath.rebalancer.testing.ClusterGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties that must hold for any cluster, checked over generated ones (seeded: a failure names its
 * seed, and the same seed reproduces it).
 */
class PlannerInvariantsTest {

    /** Committed seeds: the first of them, then as many more as the count says, derived from it. */
    static final long FIRST_SEED = 20261121L;
    static final int CLUSTERS = 300;
    private static final AtomicInteger CHECKED = new AtomicInteger();
    private static final AtomicInteger PLANNED = new AtomicInteger();

    static Stream<Long> seeds() {
        Random r = new Random(FIRST_SEED);
        return LongStream.range(0, CLUSTERS).map(i -> r.nextLong()).boxed();
    }

    @AfterAll
    static void figures() {
        System.out.println("planner invariants: " + CHECKED.get() + " generated clusters checked, " + PLANNED.get() + " planned moves verified");
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void holdOnGeneratedClusters(long seed) {
        Random r = new Random(seed);
        int nodes = 4 + r.nextInt(30);
        int pods = 20 + r.nextInt(400);
        ClusterSnapshot snapshot = ClusterGenerator.generate(seed, nodes, pods);
        HappyPath hp = ClusterGenerator.happyPath(1 + r.nextInt(12), 1 + r.nextInt(6), 1 + r.nextInt(6));
        Decision d = Decision.decide(snapshot, hp, Ledger.EMPTY, ClusterGenerator.NOW);
        String where = "seed " + seed + " (" + nodes + " nodes, " + pods + " pods)";

        // deterministic: the same snapshot gives the same plan
        Decision again = Decision.decide(snapshot, hp, Ledger.EMPTY, ClusterGenerator.NOW);
        assertThat(summary(again.plan())).as(where + ": deterministic").isEqualTo(summary(d.plan()));

        List<Move> planned = d.plan().planned();
        PLANNED.addAndGet(planned.size());
        CHECKED.incrementAndGet();

        // every never-evict rule runs, whatever the gate says, and every one a pod breaks is reported with its code,
        // the first in EvictionSafety's order deciding; a pod that breaks none is never refused by one
        EvictionSafety.Facts facts = EvictionSafety.Facts.of(hp, snapshot);
        java.util.Set<MoveCode> neverEvict = java.util.EnumSet.noneOf(MoveCode.class);
        for (EvictionSafety rule : EvictionSafety.values()) {
            neverEvict.add(rule.code());
        }
        for (Move m : d.plan().moves()) {
            List<Move.Cause> broken = EvictionSafety.violations(m.placement(), facts);
            String what = where + ": " + m.pod().key() + " " + m.outcome() + " " + m.causes();
            assertThat(m.codes().get(0)).as(what + ": the first cause is the move's code").isEqualTo(m.code());
            if (broken.isEmpty()) {
                assertThat(m.code()).as(what + ": breaks no never-evict rule").isNotIn(neverEvict);
            } else {
                assertThat(m.outcome()).as(what).isEqualTo(Outcome.SKIPPED);
                assertThat(m.causes()).as(what + ": every never-evict rule it breaks, in order").isEqualTo(broken);
            }
        }

        if (!d.gate().open()) {
            assertThat(planned).as(where + ": nothing planned while the gate is closed").isEmpty();
            return;
        }
        // limits
        assertThat(planned.size()).as(where + ": maxPerRun").isLessThanOrEqualTo(hp.eviction().maxPerRun());
        // maxPerNode counts each move on the node it leaves and on every node its replacement may land on
        java.util.Map<String, Integer> touching = new java.util.HashMap<>();
        for (Move m : planned) {
            java.util.Set<String> touched = new java.util.HashSet<>(m.prediction().candidates());
            touched.add(m.pod().nodeName());
            touched.forEach(n -> touching.merge(n, 1, Integer::sum));
        }
        assertThat(touching.values()).as(where + ": maxPerNode, source and target").allMatch(n -> n <= hp.eviction().maxPerNode());
        // a PodDisruptionBudget's allowance is shared: never more planned under one than it allows
        java.util.Map<DisruptionBudget, Integer> under = new java.util.HashMap<>();
        planned.forEach(m -> snapshot.budgetsCovering(m.pod()).forEach(b -> under.merge(b, 1, Integer::sum)));
        under.forEach((b, n) -> assertThat(n).as(where + ": planned under " + b.key()).isLessThanOrEqualTo(b.disruptionsAllowed()));
        assertThat(countBy(planned, m -> m.pod().namespace()).values()).as(where + ": maxPerNamespace")
                .allMatch(n -> n <= hp.eviction().maxPerNamespace());
        assertThat(countBy(planned, m -> Ledger.workloadKey(m.pod())).values()).as(where + ": one move per workload").allMatch(n -> n == 1);

        PlanningView after = new PlanningView(snapshot);
        for (Move m : planned) {
            after.arrive(m.pod(), m.target());
        }
        for (Move m : planned) {
            PodState pod = m.pod();
            String what = where + ": " + pod.key() + " -> " + m.target();
            NodeState target = snapshot.node(m.target()).orElseThrow();
            // only strays, only safe ones, only to a Ready home, and never past a budget
            assertThat(m.placement().isStray()).as(what + " is a stray").isTrue();
            assertThat(EvictionSafety.violations(m.placement(), EvictionSafety.Facts.of(hp, snapshot))).as(what + " breaks no never-evict rule").isEmpty();
            assertThat(m.placement().homeNodes()).as(what + " goes home").contains(m.target());
            assertThat(target.isReady()).as(what + " to a Ready node").isTrue();
            List<DisruptionBudget> pdbs = snapshot.budgetsCovering(pod);
            assertThat(pdbs.size() <= 1 && pdbs.stream().allMatch(b -> b.disruptionsAllowed() > 0)).as(what + " within its PDB").isTrue();
            // the target admits it, with every planned move applied
            assertThat(Filters.untoleratedTaint(pod, target)).as(what + ": taints").isEmpty();
            assertThat(Filters.requiredNodeMismatch(pod, target)).as(what + ": node affinity").isEmpty();
            assertThat(Filters.volumeNodeAffinity(pod, target, after)).as(what + ": volumes").isEmpty();
            assertThat(Filters.interPodAffinity(pod, target, after)).as(what + ": inter-pod affinity").isEmpty();
            assertThat(partnerOn(hp, m.placement(), m.target(), after)).as(what + ": separation").isFalse();
        }
        // no node that received a move ends above maxUtilization (Terminating and departing pods still counted)
        for (String target : planned.stream().map(Move::target).distinct().toList()) {
            NodeState n = snapshot.node(target).orElseThrow();
            Resources used = after.requested(target);
            assertThat(used.memoryBytes()).as(where + ": memory on " + target)
                    .isLessThanOrEqualTo((long) Math.floor(n.allocatable().memoryBytes() * hp.eviction().maxUtilization()));
            assertThat(used.milliCpu()).as(where + ": cpu on " + target)
                    .isLessThanOrEqualTo((long) Math.floor(n.allocatable().milliCpu() * hp.eviction().maxUtilization()));
        }
        // a separation conflict makes exactly one side move
        Map<String, List<Placement>> colocatedByNode = new HashMap<>();
        d.comparison().placements().stream().filter(p -> p.status() == Status.COLOCATED)
                .forEach(p -> colocatedByNode.computeIfAbsent(p.pod().nodeName(), k -> new ArrayList<>()).add(p));
        for (SeparationRule sep : hp.separations()) {
            colocatedByNode.forEach((node, list) -> assertThat(list.stream().anyMatch(p -> sep.first().equals(p.rule()))
                    && list.stream().anyMatch(p -> sep.second().equals(p.rule()))).as(where + ": both sides COLOCATED on " + node).isFalse());
        }
    }

    private static boolean partnerOn(HappyPath hp, Placement p, String node, PlanningView view) {
        if (p.rule() == null) {
            return false;
        }
        for (SeparationRule sep : hp.separations()) {
            if (sep.involves(p.rule())) {
                String partner = sep.partnerOf(p.rule());
                for (PodState other : view.podsOn(node)) {
                    if (!other.isTerminating() && !other.uid().equals(p.pod().uid())
                            && hp.ruleFor(other).map(r -> r.name().equals(partner)).orElse(false)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static List<String> summary(Plan plan) {
        return plan.moves().stream().map(m -> m.pod().key() + " " + m.outcome() + " " + m.target() + " " + m.details()).toList();
    }

    private static Map<String, Integer> countBy(List<Move> moves, java.util.function.Function<Move, String> key) {
        Map<String, Integer> counts = new HashMap<>();
        moves.forEach(m -> counts.merge(key.apply(m), 1, Integer::sum));
        return counts;
    }
}
