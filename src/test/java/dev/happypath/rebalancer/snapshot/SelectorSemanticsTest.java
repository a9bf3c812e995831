package dev.happypath.rebalancer.snapshot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Kubernetes matching rules the filters rely on. */
class SelectorSemanticsTest {

    /** The descheduler's TestToleratesTaint table (ported as facts), plus the wildcard forms. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "Exists, same key and effect, taint without value | foo | Exists |     | NoSchedule | foo |     | NoSchedule | true",
            "Exists ignores the taint's value                  | foo | Exists |     | NoSchedule | foo | bar | NoSchedule | true",
            "empty key with Exists tolerates every key         |     | Exists |     | NoSchedule | foo | bar | NoSchedule | true",
            "Equal with same key, value and effect             | foo | Equal  | bar | NoSchedule | foo | bar | NoSchedule | true",
            "Equal with a different value                      | foo | Equal  | bar | NoSchedule | foo | baz | NoSchedule | false",
            "the effect must match                             | foo | Equal  | bar | NoSchedule | foo | bar | NoExecute  | false",
            "no effect tolerates every effect                  | foo | Exists |     |            | foo | bar | NoExecute  | true",
            "a different key                                   | foo | Exists |     | NoSchedule | fob |     | NoSchedule | false",
            "operator unset means Equal                        | foo |        | bar | NoSchedule | foo | bar | NoSchedule | true",
            "empty key with Equal tolerates nothing            |     | Equal  |     | NoSchedule | foo |     | NoSchedule | false",
    })
    void tolerations(String name, String key, String op, String value, String effect, String taintKey, String taintValue,
                     String taintEffect, boolean tolerated) {
        Toleration t = new Toleration(key, op == null ? null : Toleration.Operator.valueOf(op), value,
                effect == null ? null : Taint.Effect.valueOf(effect));
        Taint taint = new Taint(taintKey, taintValue, Taint.Effect.valueOf(taintEffect));
        assertThat(t.tolerates(taint)).isEqualTo(tolerated);
    }

    @Test
    void notInAndDoesNotExistMatchAnAbsentLabel() {
        assertThat(new Requirement("role", Requirement.Operator.NotIn, List.of("apps")).matches(Map.of())).isTrue();
        assertThat(new Requirement("role", Requirement.Operator.NotIn, List.of("apps")).matches(Map.of("role", "apps"))).isFalse();
        assertThat(new Requirement("role", Requirement.Operator.DoesNotExist, List.of()).matches(Map.of())).isTrue();
        assertThat(new Requirement("role", Requirement.Operator.In, List.of("apps")).matches(Map.of())).isFalse();
    }

    @Test
    void gtAndLtCompareIntegersAndRefuseTheRest() {
        assertThat(new Requirement("gen", Requirement.Operator.Gt, List.of("3")).matches(Map.of("gen", "4"))).isTrue();
        assertThat(new Requirement("gen", Requirement.Operator.Gt, List.of("3")).matches(Map.of("gen", "3"))).isFalse();
        assertThat(new Requirement("gen", Requirement.Operator.Lt, List.of("3")).matches(Map.of("gen", "2"))).isTrue();
        assertThat(new Requirement("gen", Requirement.Operator.Gt, List.of("3")).matches(Map.of("gen", "x"))).isFalse();
        assertThat(new Requirement("gen", Requirement.Operator.Gt, List.of("3")).matches(Map.of())).isFalse();
    }

    @Test
    void anEmptyNodeSelectorTermMatchesNoNodeButAnEmptyLabelSelectorMatchesEverything() {
        NodeState node = new NodeState("n", "u", Map.of("role", "apps"), List.of(), false, Resources.NONE, 110, Map.of());
        assertThat(new NodeSelectorTerm(List.of(), List.of()).matches(node)).isFalse();
        assertThat(new NodeSelector(List.of()).matches(node)).isFalse();
        assertThat(LabelSelector.EVERYTHING.matches(Map.of("any", "thing"))).isTrue();
        assertThat(new NodeSelectorTerm(List.of(), List.of(new Requirement("metadata.name", Requirement.Operator.In, List.of("n"))))
                .matches(node)).isTrue();
    }

    @Test
    void affinityTermNamespacesDefaultToTheOwnersAndAnUnknownSelectorIsWidenedOnlyWhenAsked() {
        PodAffinityTerm own = new PodAffinityTerm(LabelSelector.of(Map.of("a", "b")), java.util.Set.of(), false, false, "zone");
        PodAffinityTerm unknown = new PodAffinityTerm(LabelSelector.of(Map.of("a", "b")), java.util.Set.of("x"), false, true, "zone");
        assertThat(own.coversNamespace("ns1", "ns1", false)).isTrue();
        assertThat(own.coversNamespace("ns2", "ns1", true)).isFalse();
        assertThat(unknown.coversNamespace("ns2", "ns1", true)).isTrue();
        assertThat(unknown.coversNamespace("ns2", "ns1", false)).isFalse();
        assertThat(unknown.coversNamespace("x", "ns1", false)).isTrue();
        PodAffinityTerm none = new PodAffinityTerm(null, java.util.Set.of(), true, false, "zone");
        PodState pod = new PodState("ns1", "p", "u", Map.of("a", "b"), null, null, false, null, null, 0, null, null, false,
                null, null, Map.of(), null, List.of(), List.of(), List.of(), List.of(), null);
        assertThat(none.selects(pod, "ns1", true)).as("a null selector selects nothing").isFalse();
    }

    /**
     * A node selector requirement the API machinery would refuse matches no node (upstream's
     * labels.NewRequirement): label values as its validation says them, Gt/Lt with one whole number.
     */
    @ParameterizedTest(name = "{0} {1} [{2}] valid: {3}")
    @CsvSource(delimiter = '|', value = {
            "In     | apps                                                             | true",
            "In     | a                                                                | true",
            "In     | ''                                                               | true",
            "In     | a-b_c.d                                                          | true",
            "In     | 0123456789012345678901234567890123456789012345678901234567890123 | false",
            "In     | 012345678901234567890123456789012345678901234567890123456789012  | true",
            "In     | -apps                                                            | false",
            "In     | apps-                                                            | false",
            "In     | .a                                                               | false",
            "In     | a b                                                              | false",
            "In     | a/b                                                              | false",
            "In     | é                                                                | false",
            "NotIn  | a..b                                                             | true",
            "NotIn  | _a                                                               | false",
            "Gt     | 5                                                                | true",
            "Gt     | -5                                                               | true",
            "Lt     | +12                                                              | true",
            "Lt     | +                                                                | false",
            "Lt     | 1.5                                                              | false",
            "Gt     | ''                                                               | false",
            "Gt     | 5a                                                               | false",
    })
    void aRequirementIsValidAsTheApiMachinerySaysAndAnInvalidOneMatchesNoNode(String op, String value, boolean valid) {
        Requirement r = new Requirement("role", Requirement.Operator.valueOf(op), List.of(value));
        assertThat(r.valid()).isEqualTo(valid);
        // the same in the regular expressions of the validation, as they are written upstream
        boolean byPattern = op.equals("Gt") || op.equals("Lt") ? value.matches("[+-]?[0-9]+")
                : value.length() <= 63 && value.matches("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
        assertThat(r.valid()).as("as the pattern says").isEqualTo(byPattern);
        NodeState labelled = new NodeState("n", "u", Map.of("role", value), List.of(), false, Resources.NONE, 10, Map.of());
        NodeSelectorTerm term = new NodeSelectorTerm(List.of(r), List.of());
        if (!valid) {
            assertThat(term.matches(labelled)).as("an invalid requirement matches no node").isFalse();
        }
    }

    @Test
    void noValueOrAValueWhereNoneBelongsIsInvalid() {
        assertThat(new Requirement("role", Requirement.Operator.In, List.of()).valid()).isFalse();
        assertThat(new Requirement("role", Requirement.Operator.Exists, List.of("x")).valid()).isFalse();
        assertThat(new Requirement("role", Requirement.Operator.Exists, List.of()).valid()).isTrue();
        assertThat(new Requirement("n", Requirement.Operator.Gt, List.of("1", "2")).valid()).isFalse();
    }
}
