package dev.happypath.rebalancer.plan;

import dev.happypath.rebalancer.compare.Placement;
import dev.happypath.rebalancer.compare.Status;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.config.WorkloadRule;
import dev.happypath.rebalancer.snapshot.EmptyDir;
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
        Optional<String> check(Placement p, HappyPath happyPath) {
            return p.pod().controller() == null
                    ? Optional.of("no controller owns it: nothing would recreate it") : Optional.empty();
        }
    },
    DAEMONSET_POD {
        @Override
        Optional<String> check(Placement p, HappyPath happyPath) {
            return p.pod().isDaemonSetPod()
                    ? Optional.of("DaemonSet pod: it belongs to its node") : Optional.empty();
        }
    },
    STATIC_POD {
        @Override
        Optional<String> check(Placement p, HappyPath happyPath) {
            return p.pod().mirror()
                    ? Optional.of("static pod (mirror): the kubelet owns it, the API cannot move it") : Optional.empty();
        }
    },
    TERMINATING {
        @Override
        Optional<String> check(Placement p, HappyPath happyPath) {
            return p.pod().isTerminating()
                    ? Optional.of("already terminating since " + p.pod().deletionTimestamp()) : Optional.empty();
        }
    },
    SYSTEM_CRITICAL {
        @Override
        Optional<String> check(Placement p, HappyPath happyPath) {
            return p.pod().priority() >= PodState.SYSTEM_CLUSTER_CRITICAL
                    ? Optional.of("priority " + p.pod().priority() + " is at or above system-cluster-critical")
                    : Optional.empty();
        }
    },
    CONTROL_PLANE_HOME {
        @Override
        Optional<String> check(Placement p, HappyPath happyPath) {
            return p.home().kind() == Home.Kind.CONTROL_PLANE
                    ? Optional.of("its home is the control plane (rule " + p.ruleName() + "): never moved")
                    : Optional.empty();
        }
    },
    UNTRUSTED_CONTROLLER {
        @Override
        Optional<String> check(Placement p, HappyPath happyPath) {
            PodState pod = p.pod();
            if (pod.controller() == null || pod.isDaemonSetPod() || happyPath.eviction().controllerKinds().contains(pod.controller().kind())) {
                return Optional.empty();
            }
            return Optional.of("owned by " + pod.controller() + "; only " + String.join(", ", new TreeSet<>(happyPath.eviction().controllerKinds()))
                    + " are trusted to recreate an evicted pod (eviction.controllerKinds)");
        }
    },
    PINNED {
        @Override
        Optional<String> check(Placement p, HappyPath happyPath) {
            return p.status() == Status.PINNED
                    ? Optional.of("pinned: " + String.join("; ", p.notes().stream().filter(n -> !n.startsWith("shares ")).toList()))
                    : Optional.empty();
        }
    },
    /** The pod, or whoever runs it, said no: the cluster autoscaler's, Karpenter's and our own annotation. */
    OPTED_OUT {
        @Override
        Optional<String> check(Placement p, HappyPath happyPath) {
            PodState pod = p.pod();
            List<String> said = new ArrayList<>();
            if ("false".equals(pod.annotation(PodState.SAFE_TO_EVICT))) {
                said.add(PodState.SAFE_TO_EVICT + ": \"false\"");
            }
            if ("true".equals(pod.annotation(PodState.DO_NOT_DISRUPT))) {
                said.add(PodState.DO_NOT_DISRUPT + ": \"true\"");
            }
            String ours = pod.annotation(PodState.HAPPYPATH_EVICT);
            if ("never".equals(ours)) {
                said.add(PodState.HAPPYPATH_EVICT + ": \"never\"");
            } else if (ours != null) {
                // a misspelt opt-out must not turn into an eviction
                said.add(PodState.HAPPYPATH_EVICT + ": \"" + ours + "\" (only \"never\" is defined; any other value is read as never)");
            }
            return said.isEmpty() ? Optional.empty()
                    : Optional.of("opted out of eviction: annotated " + String.join(", ", said));
        }
    },
    /** emptyDir data is lost with the pod: only its rule or the pod itself may say that is acceptable. */
    LOCAL_DATA {
        @Override
        Optional<String> check(Placement p, HappyPath happyPath) {
            PodState pod = p.pod();
            if (pod.emptyDirs().isEmpty() || localDataMayGo(p, happyPath).isPresent()) {
                return Optional.empty();
            }
            return Optional.of("local data: " + String.join(", ", pod.emptyDirs().stream().map(EmptyDir::describe).toList())
                    + " would be lost with the eviction (allow it with localData: discard on workload rule " + p.ruleName()
                    + ", or annotate the pod " + PodState.SAFE_TO_EVICT + ": \"true\")");
        }
    },
    /** The model would have to guess: the real scheduler filters on things the model does not simulate. */
    CANNOT_PREDICT {
        @Override
        Optional<String> check(Placement p, HappyPath happyPath) {
            PodState pod = p.pod();
            List<String> unknown = new ArrayList<>();
            // Extended resources, ephemeral-storage, hugepages (NodeResourcesFit) and host ports (NodePorts) are
            // modelled; what is left is what no filter of the model judges.
            if (!pod.unsimulatedResources().isEmpty()) {
                unknown.add("it requests " + String.join(", ", pod.unsimulatedResources()));
            }
            return unknown.isEmpty() ? Optional.empty()
                    : Optional.of("cannot predict: " + String.join(" and ", unknown)
                    + ", which the scheduling model does not simulate (the real scheduler may refuse every home)");
        }
    };

    /**
     * Why the pod's emptyDir data may be discarded, if it may: its rule says localData: discard, or the pod is
     * annotated safe-to-evict "true" (the cluster autoscaler's own word for "local storage may go").
     */
    public static Optional<String> localDataMayGo(Placement p, HappyPath happyPath) {
        if ("true".equals(p.pod().annotation(PodState.SAFE_TO_EVICT))) {
            return Optional.of("annotated " + PodState.SAFE_TO_EVICT + ": \"true\"");
        }
        if (p.rule() != null && happyPath.rule(p.rule()).map(WorkloadRule::localData).orElse(WorkloadRule.LocalData.KEEP)
                == WorkloadRule.LocalData.DISCARD) {
            return Optional.of("localData: discard on workload rule " + p.rule());
        }
        return Optional.empty();
    }

    abstract Optional<String> check(Placement placement, HappyPath happyPath);

    /** The code of the first never-evict rule the pod breaks, in this enum's order. */
    public static MoveCode firstCode(Placement placement, HappyPath happyPath) {
        for (EvictionSafety rule : values()) {
            if (rule.check(placement, happyPath).isPresent()) {
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
    public static List<String> violations(Placement placement, HappyPath happyPath) {
        List<String> reasons = new ArrayList<>();
        for (EvictionSafety rule : values()) {
            rule.check(placement, happyPath).ifPresent(reasons::add);
        }
        return reasons;
    }
}
