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

    /**
     * Whether the API machinery would accept it as a selector requirement (labels.NewRequirement): In/NotIn with
     * valid label values, Exists/DoesNotExist with none, Gt/Lt with one whole number. A node selector term with an
     * invalid one matches no node, whatever the labels.
     */
    public boolean valid() {
        // asked for every node a node selector term is matched against: no regular expression, no stream
        switch (operator) {
            case In, NotIn -> {
                if (values.isEmpty()) {
                    return false;
                }
                for (int i = 0; i < values.size(); i++) {
                    if (!isLabelValue(values.get(i))) {
                        return false;
                    }
                }
                return true;
            }
            case Exists, DoesNotExist -> {
                return values.isEmpty();
            }
            default -> {
                return values.size() == 1 && isWholeNumber(values.get(0));
            }
        }
    }

    /**
     * A label value as the API machinery validates it: empty, or at most 63 characters of [-A-Za-z0-9_.] that
     * begin and end with [A-Za-z0-9].
     */
    static boolean isLabelValue(String v) {
        int n = v.length();
        if (n == 0) {
            return true;
        }
        if (n > 63 || !isAlphanumeric(v.charAt(0)) || !isAlphanumeric(v.charAt(n - 1))) {
            return false;
        }
        for (int i = 1; i < n - 1; i++) {
            char c = v.charAt(i);
            if (!isAlphanumeric(c) && c != '-' && c != '_' && c != '.') {
                return false;
            }
        }
        return true;
    }

    /** [+-]?[0-9]+ */
    static boolean isWholeNumber(String v) {
        int start = !v.isEmpty() && (v.charAt(0) == '+' || v.charAt(0) == '-') ? 1 : 0;
        if (start == v.length()) {
            return false;
        }
        for (int i = start; i < v.length(); i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
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
