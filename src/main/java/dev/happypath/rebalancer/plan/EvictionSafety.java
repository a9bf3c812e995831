package dev.happypath.rebalancer.plan;

import dev.happypath.rebalancer.compare.Placement;
import dev.happypath.rebalancer.compare.Status;
import dev.happypath.rebalancer.config.EvictionPolicy;
import dev.happypath.rebalancer.config.Home;
import dev.happypath.rebalancer.snapshot.PodState;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The never-evict rules. Each is a small named check; all run, and every reason that applies is reported.
 * These are permanent: no gate opening or waiting makes such a pod safe to evict.
 */
public enum EvictionSafety {

    NO_CONTROLLER {
        @Override
        Optional<String> check(Placement p, EvictionPolicy policy) {
            return p.pod().controller() == null
                    ? Optional.of("no controller owns it: nothing would recreate it") : Optional.empty();
        }
    },
    DAEMONSET_POD {
        @Override
        Optional<String> check(Placement p, EvictionPolicy policy) {
            return p.pod().isDaemonSetPod()
                    ? Optional.of("DaemonSet pod: it belongs to its node") : Optional.empty();
        }
    },
    STATIC_POD {
        @Override
        Optional<String> check(Placement p, EvictionPolicy policy) {
            return p.pod().mirror()
                    ? Optional.of("static pod (mirror): the kubelet owns it, the API cannot move it") : Optional.empty();
        }
    },
    TERMINATING {
        @Override
        Optional<String> check(Placement p, EvictionPolicy policy) {
            return p.pod().isTerminating()
                    ? Optional.of("already terminating since " + p.pod().deletionTimestamp()) : Optional.empty();
        }
    },
    SYSTEM_CRITICAL {
        @Override
        Optional<String> check(Placement p, EvictionPolicy policy) {
            return p.pod().priority() >= PodState.SYSTEM_CLUSTER_CRITICAL
                    ? Optional.of("priority " + p.pod().priority() + " is at or above system-cluster-critical")
                    : Optional.empty();
        }
    },
    CONTROL_PLANE_HOME {
        @Override
        Optional<String> check(Placement p, EvictionPolicy policy) {
            return p.home().kind() == Home.Kind.CONTROL_PLANE
                    ? Optional.of("its home is the control plane (rule " + p.ruleName() + "): never moved")
                    : Optional.empty();
        }
    },
    UNTRUSTED_CONTROLLER {
        @Override
        Optional<String> check(Placement p, EvictionPolicy policy) {
            PodState pod = p.pod();
            if (pod.controller() == null || pod.isDaemonSetPod() || policy.controllerKinds().contains(pod.controller().kind())) {
                return Optional.empty();
            }
            return Optional.of("owned by " + pod.controller() + "; only " + String.join(", ", new TreeSet<>(policy.controllerKinds()))
                    + " are trusted to recreate an evicted pod (eviction.controllerKinds)");
        }
    },
    PINNED {
        @Override
        Optional<String> check(Placement p, EvictionPolicy policy) {
            return p.status() == Status.PINNED
                    ? Optional.of("pinned: " + String.join("; ", p.notes().stream().filter(n -> !n.startsWith("shares ")).toList()))
                    : Optional.empty();
        }
    };

    abstract Optional<String> check(Placement placement, EvictionPolicy policy);

    /** The code of the first never-evict rule the pod breaks, in this enum's order. */
    public static MoveCode firstCode(Placement placement, EvictionPolicy policy) {
        for (EvictionSafety rule : values()) {
            if (rule.check(placement, policy).isPresent()) {
                return rule.code();
            }
        }
        throw new IllegalArgumentException(placement.pod().key() + " breaks no never-evict rule");
    }

    /** The stable code of this rule, as the report and the metrics carry it. */
    public MoveCode code() {
        return MoveCode.valueOf(name());
    }

    /** Every never-evict rule the pod breaks; empty when it may be evicted. */
    public static List<String> violations(Placement placement, EvictionPolicy policy) {
        List<String> reasons = new ArrayList<>();
        for (EvictionSafety rule : values()) {
            rule.check(placement, policy).ifPresent(reasons::add);
        }
        return reasons;
    }
}
