package dev.happypath.rebalancer.snapshot;

/**
 * A pod toleration. {@code effect == null} tolerates every effect; an empty key with {@code Exists}
 * tolerates every taint (k8s.io/api/core/v1 Toleration.ToleratesTaint).
 */
public record Toleration(String key, Operator operator, String value, Taint.Effect effect) {

    public enum Operator { Equal, Exists }

    public Toleration {
        key = key == null ? "" : key;
        value = value == null ? "" : value;
        operator = operator == null ? Operator.Equal : operator;
    }

    public boolean tolerates(Taint taint) {
        if (effect != null && effect != taint.effect()) {
            return false;
        }
        if (key.isEmpty()) {
            return operator == Operator.Exists;
        }
        if (!key.equals(taint.key())) {
            return false;
        }
        return operator == Operator.Exists || value.equals(taint.value());
    }

    @Override
    public String toString() {
        String k = key.isEmpty() ? "*" : key;
        String v = operator == Operator.Exists ? "" : "=" + value;
        return k + v + ":" + (effect == null ? "*" : effect.toString());
    }
}
