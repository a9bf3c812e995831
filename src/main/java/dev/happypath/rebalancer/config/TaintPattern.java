package dev.happypath.rebalancer.config;

import dev.happypath.rebalancer.snapshot.Taint;

/** Matches node taints by key, and by value and effect when given. */
public record TaintPattern(String key, String value, Taint.Effect effect) {

    public boolean matches(Taint taint) {
        return key.equals(taint.key())
                && (value == null || value.equals(taint.value()))
                && (effect == null || effect == taint.effect());
    }

    @Override
    public String toString() {
        return key + (value == null ? "" : "=" + value) + (effect == null ? "" : ":" + effect);
    }
}
