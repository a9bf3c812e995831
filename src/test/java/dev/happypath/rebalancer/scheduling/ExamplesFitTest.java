package dev.happypath.rebalancer.scheduling;

import dev.happypath.rebalancer.cluster.SnapshotFile;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every example dump in config/examples is a state the scheduler could have produced: on every node, the
 * pods bound there fit by the model's NodeResourcesFit filter (their requests sum to at most the node's
 * allocatable cpu and memory, and they are no more than its allocatable pods). The scheduler admits pods one
 * at a time, so the last one bound to a node must fit next to all the others: that is what is checked,
 * for each node.
 */
class ExamplesFitTest {

    static Stream<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("config/examples"))) {
            List<Path> yaml = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
            assertThat(yaml).as("the examples").isNotEmpty();
            return yaml.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void everyNodeHoldsOnlyWhatTheFitFilterAdmits(Path example) {
        ClusterSnapshot snapshot = SnapshotFile.read(example, Instant.parse("2026-11-21T10:00:00Z"));
        List<String> overCommitted = new ArrayList<>();
        for (NodeState node : snapshot.nodes()) {
            PlanningView view = new PlanningView(snapshot);
            List<PodState> there = view.podsOn(node.name());
            if (there.isEmpty()) {
                continue;
            }
            PodState last = there.get(there.size() - 1);
            view.depart(last);
            Optional<String> refused = Filters.insufficient(last, node, view, 1.0);
            refused.ifPresent(why -> overCommitted.add(node.name() + ": " + why));
        }
        assertThat(overCommitted).as(example + ": nodes holding more than the scheduler admits").isEmpty();
    }
}
