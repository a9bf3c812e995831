package dev.happypath.rebalancer.snapshot;

/** A node taint. */
public record Taint(String key, String value, Effect effect) {

    public enum Effect {
        NoSchedule, PreferNoSchedule, NoExecute;

        /** Effects the scheduler's TaintToleration filter enforces (PreferNoSchedule only scores). */
        public boolean filters() {
            return this != PreferNoSchedule;
        }
    }

    public Taint {
        value = value == null ? "" : value;
    }

    @Override
    public String toString() {
        return key + (value.isEmpty() ? "" : "=" + value) + ":" + effect;
    }
}
