package dev.happypath.rebalancer.snapshot;

import java.util.List;
import java.util.Map;

/**
 * One expression of a label selector or node selector term ({@code key operator values}).
 * Semantics follow k8s.io/apimachinery labels: {@code NotIn} and {@code DoesNotExist} match an absent key.
 */
public record Requirement(String key, Operator operator, List<String> values) {

    public enum Operator { In, NotIn, Exists, DoesNotExist, Gt, Lt }

    public Requirement {
        values = List.copyOf(values);
    }

    public boolean matches(Map<String, String> labels) {
        String value = labels.get(key);
        return switch (operator) {
            case In -> value != null && values.contains(value);
            case NotIn -> value == null || !values.contains(value);
            case Exists -> value != null;
            case DoesNotExist -> value == null;
            case Gt, Lt -> compare(value);
        };
    }

    private static final java.util.regex.Pattern LABEL_VALUE = java.util.regex.Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");

    /**
     * Whether the API machinery would accept it as a selector requirement (labels.NewRequirement): In/NotIn with
     * valid label values, Exists/DoesNotExist with none, Gt/Lt with one whole number. A node selector term with an
     * invalid one matches no node, whatever the labels.
     */
    public boolean valid() {
        return switch (operator) {
            case In, NotIn -> !values.isEmpty() && values.stream().allMatch(v -> v.length() <= 63 && LABEL_VALUE.matcher(v).matches());
            case Exists, DoesNotExist -> values.isEmpty();
            case Gt, Lt -> values.size() == 1 && values.get(0).matches("[+-]?[0-9]+");
        };
    }

    private boolean compare(String value) {
        if (value == null || values.size() != 1) {
            return false;
        }
        try {
            long actual = Long.parseLong(value);
            long bound = Long.parseLong(values.get(0));
            return operator == Operator.Gt ? actual > bound : actual < bound;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return switch (operator) {
            case Exists -> key;
            case DoesNotExist -> "!" + key;
            case In -> values.size() == 1 ? key + "=" + values.get(0) : key + " in (" + String.join(",", values) + ")";
            case NotIn -> values.size() == 1 ? key + "!=" + values.get(0) : key + " notin (" + String.join(",", values) + ")";
            case Gt -> key + ">" + values.get(0);
            case Lt -> key + "<" + values.get(0);
        };
    }
}
