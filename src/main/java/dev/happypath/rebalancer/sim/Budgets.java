package dev.happypath.rebalancer.sim;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;

import java.util.List;
import java.util.Map;

/** What the disruption controller computes for a PodDisruptionBudget, simplified to pods it can see. */
final class Budgets {

    private Budgets() {
    }

    static boolean selects(PodDisruptionBudget b, Pod pod) {
        if (!b.getMetadata().getNamespace().equals(pod.getMetadata().getNamespace()) || b.getSpec() == null) {
            return false;
        }
        LabelSelector s = b.getSpec().getSelector();
        if (s == null) {
            return false;
        }
        Map<String, String> labels = ApiDispatcher.labels(pod);
        if (s.getMatchLabels() != null) {
            for (var e : s.getMatchLabels().entrySet()) {
                if (!e.getValue().equals(labels.get(e.getKey()))) {
                    return false;
                }
            }
        }
        if (s.getMatchExpressions() != null) {
            for (LabelSelectorRequirement r : s.getMatchExpressions()) {
                String v = labels.get(r.getKey());
                List<String> values = r.getValues() == null ? List.of() : r.getValues();
                boolean ok = switch (r.getOperator()) {
                    case "In" -> v != null && values.contains(v);
                    case "NotIn" -> v == null || !values.contains(v);
                    case "Exists" -> v != null;
                    case "DoesNotExist" -> v == null;
                    default -> false;
                };
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Recomputes the status from the pods that exist now. */
    static PodDisruptionBudgetStatus status(PodDisruptionBudget b, List<Pod> pods) {
        int expected = 0;
        int healthy = 0;
        for (Pod p : pods) {
            if (p.getMetadata().getDeletionTimestamp() != null || !selects(b, p)) {
                continue;
            }
            expected++;
            if (isReady(p)) {
                healthy++;
            }
        }
        int desired;
        if (b.getSpec().getMinAvailable() != null) {
            desired = resolve(b.getSpec().getMinAvailable(), expected, true);
        } else if (b.getSpec().getMaxUnavailable() != null) {
            desired = Math.max(0, expected - resolve(b.getSpec().getMaxUnavailable(), expected, false));
        } else {
            desired = expected;
        }
        PodDisruptionBudgetStatus s = b.getStatus() == null ? new PodDisruptionBudgetStatus() : b.getStatus();
        s.setExpectedPods(expected);
        s.setCurrentHealthy(healthy);
        s.setDesiredHealthy(desired);
        s.setDisruptionsAllowed(Math.max(0, healthy - desired));
        s.setObservedGeneration(b.getMetadata().getGeneration());
        s.getDisruptedPods().clear();
        return s;
    }

    private static int resolve(IntOrString v, int total, boolean roundUp) {
        if (v.getIntVal() != null) {
            return v.getIntVal();
        }
        String s = v.getStrVal();
        if (s.endsWith("%")) {
            double pct = Double.parseDouble(s.substring(0, s.length() - 1)) / 100.0;
            return (int) (roundUp ? Math.ceil(total * pct) : Math.floor(total * pct));
        }
        return Integer.parseInt(s);
    }

    static boolean isReady(Pod p) {
        return p.getStatus() != null && p.getStatus().getConditions() != null
                && p.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }
}
