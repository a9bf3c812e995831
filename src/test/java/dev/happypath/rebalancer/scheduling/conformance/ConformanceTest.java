package dev.happypath.rebalancer.scheduling.conformance;

import dev.happypath.rebalancer.scheduling.Filters;
import dev.happypath.rebalancer.scheduling.NodeFilter;
import dev.happypath.rebalancer.scheduling.ScorePlugin;
import dev.happypath.rebalancer.scheduling.Scores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scheduler model against the kube-scheduler's own plugin test tables (kubernetes/kubernetes
 * pkg/scheduler/framework/plugins/&lt;plugin&gt;/*_test.go, v1.33 behaviour, default profile and weights): per case,
 * the plugin's filter verdict per node, or its normalised score times its weight per node, as --explain prints them.
 */
class ConformanceTest {

    static Stream<ConformanceCase> cases() {
        return ConformanceCase.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void agreesWithTheUpstreamTable(ConformanceCase c) {
        String where = c + " (" + c.upstreamFile() + ")";
        if (c.knownDifference() == null) {
            assertThat(c.model()).as(where).isEqualTo(c.expected());
        } else {
            // a listed difference must still be one: once the model agrees, the case leaves the list
            assertThat(c.model()).as(where + " is listed as a known difference: " + c.knownDifference()).isNotEqualTo(c.expected());
        }
    }

    @Test
    void coversEveryPluginTheModelClaims() {
        List<ConformanceCase> all = ConformanceCase.all();
        assertThat(all).hasSizeGreaterThanOrEqualTo(150);
        Set<String> filters = all.stream().filter(c -> c.kind().equals("filter")).map(ConformanceCase::plugin).collect(Collectors.toSet());
        Set<String> scores = all.stream().filter(c -> c.kind().equals("score")).map(ConformanceCase::plugin).collect(Collectors.toSet());
        assertThat(filters).containsAll(Filters.DEFAULT.stream().map(NodeFilter::name).toList());
        assertThat(scores).containsAll(Scores.DEFAULT.stream().map(ScorePlugin::name).toList());
        // each case names its upstream file and test, and no two cases of a test share a name
        Set<String> seen = new TreeSet<>();
        for (ConformanceCase c : all) {
            assertThat(c.upstreamFile()).as(c.toString()).startsWith("pkg/scheduler/framework/plugins/").endsWith("_test.go");
            assertThat(c.test()).as(c.toString()).startsWith("Test");
            assertThat(seen.add(c.plugin() + "/" + c.kind() + "/" + c.test() + "/" + c.name())).as("duplicate " + c).isTrue();
        }
    }
}
