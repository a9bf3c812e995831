package dev.happypath.rebalancer.plan;

import dev.happypath.rebalancer.compare.Placement;
import dev.happypath.rebalancer.compare.Status;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.config.WorkloadRule;
import dev.happypath.rebalancer.snapshot.EmptyDir;
import dev.happypath.rebalancer.config.Home;
import dev.happypath.rebalancer.scheduling.ClusterView;
import dev.happypath.rebalancer.scheduling.PlanningView;
import dev.happypath.rebalancer.scheduling.SchedulerProfile;
import dev.happypath.rebalancer.scheduling.VolumeFilters;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.DisruptionBudget;
import dev.happypath.rebalancer.snapshot.PodState;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The never-evict rules, all of them, here only. Each is a small named check returning its reason; all run, and
 * every reason that applies is reported with its code; the first, in this enum's order, is the move's code
 * (docs/how-it-decides.md lists them in this order). These are permanent: no gate opening or waiting makes such
 * a pod safe to evict, so they are judged before the gate and before anything that changes with time.
 */
public enum EvictionSafety {

    NO_CONTROLLER {
        @Override
        Optional<String> check(Placement p, Facts facts) {
            return p.pod().controller() == null
                    ? Optional.of("no controller owns it: nothing would recreate it") : Optional.empty();
        }
    },
    DAEMONSET_POD {
        @Override
        Optional<String> check(Placement p, Facts facts) {
            return p.pod().isDaemonSetPod()
                    ? Optional.of("DaemonSet pod: it belongs to its node") : Optional.empty();
        }
    },
    STATIC_POD {
        @Override
        Optional<String> check(Placement p, Facts facts) {
            return p.pod().mirror()
                    ? Optional.of("static pod (mirror): the kubelet owns it, the API cannot move it") : Optional.empty();
        }
    },
    TERMINATING {
        @Override
        Optional<String> check(Placement p, Facts facts) {
            return p.pod().isTerminating()
                    ? Optional.of("already terminating since " + p.pod().deletionTimestamp()) : Optional.empty();
        }
    },
    SYSTEM_CRITICAL {
        @Override
        Optional<String> check(Placement p, Facts facts) {
            return p.pod().priority() >= PodState.SYSTEM_CLUSTER_CRITICAL
                    ? Optional.of("priority " + p.pod().priority() + " is at or above system-cluster-critical")
                    : Optional.empty();
        }
    },
    CONTROL_PLANE_HOME {
        @Override
        Optional<String> check(Placement p, Facts facts) {
            return p.home().kind() == Home.Kind.CONTROL_PLANE
                    ? Optional.of("its home is the control plane (rule " + p.ruleName() + "): never moved")
                    : Optional.empty();
        }
    },
    UNTRUSTED_CONTROLLER {
        @Override
        Optional<String> check(Placement p, Facts facts) {
            HappyPath happyPath = facts.happyPath();
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
        Optional<String> check(Placement p, Facts facts) {
            return p.status() == Status.PINNED
                    ? Optional.of("pinned: " + String.join("; ", p.pins()))
                    : Optional.empty();
        }
    },
    /** The pod, or whoever runs it, said no: the cluster autoscaler's, Karpenter's and our own annotation. */
    OPTED_OUT {
        @Override
        Optional<String> check(Placement p, Facts facts) {
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
        Optional<String> check(Placement p, Facts facts) {
            HappyPath happyPath = facts.happyPath();
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
        Optional<String> check(Placement p, Facts facts) {
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
    },
    /**
     * A landing filter cannot be run on what was read (a CSI volume's attach limit, in CSINode objects a dump
     * does not hold): the landing would be a guess. The filter is named.
     */
    CANNOT_JUDGE_FILTER {
        @Override
        Optional<String> check(Placement p, Facts facts) {
            PodState replacement = p.pod().replacement();
            return VolumeFilters.cannotJudge(replacement, facts.view(),
                    facts.happyPath().scheduler().profileFor(replacement).orElse(SchedulerProfile.defaults()));
        }
    },
    /** The Eviction API refuses to evict a pod that more than one PodDisruptionBudget covers. */
    MULTIPLE_BUDGETS {
        @Override
        Optional<String> check(Placement p, Facts facts) {
            List<DisruptionBudget> pdbs = facts.snapshot().budgetsCovering(p.pod());
            return pdbs.size() <= 1 ? Optional.empty()
                    : Optional.of("covered by " + pdbs.size() + " PodDisruptionBudgets ("
                    + String.join(", ", pdbs.stream().map(DisruptionBudget::key).toList())
                    + "): the Eviction API refuses to evict such a pod");
        }
    },
    /**
     * The only replica, and no PodDisruptionBudget says how much disruption its workload takes: moving it is
     * downtime, which only allowDowntime (on its rule, else eviction.allowDowntime) accepts.
     */
    ONLY_REPLICA {
        @Override
        Optional<String> check(Placement p, Facts facts) {
            if (!facts.snapshot().budgetsCovering(p.pod()).isEmpty() || DisruptionRules.downtimeAllowed(p, facts.happyPath())) {
                return Optional.empty();
            }
            return DisruptionRules.onlyReplica(p.pod(), facts.snapshot()).map(only -> only
                    + ": moving it means downtime until its replacement is Ready, and " + DisruptionRules.downtimeSetting(p, facts.happyPath()));
        }
    };

    /**
     * What a check may look at, all read once for the pass: the Happy Path, the snapshot (budgets, replicas) and
     * the planner's view of the cluster (claims, volumes).
     */
    public record Facts(HappyPath happyPath, ClusterSnapshot snapshot, ClusterView view) {

        /** The facts of a snapshot as read, before any planned move. */
        public static Facts of(HappyPath happyPath, ClusterSnapshot snapshot) {
            return new Facts(happyPath, snapshot, new PlanningView(snapshot));
        }
    }

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

    /** The reason the pod breaks this rule, if it does. */
    abstract Optional<String> check(Placement placement, Facts facts);

    /** The stable code of this rule, as the report and the metrics carry it. */
    public MoveCode code() {
        return MoveCode.valueOf(name());
    }

    /**
     * Every never-evict rule the pod breaks, each with its code, in this enum's order (the documented order:
     * the first is the move's code); empty when it may be evicted. All run: a person fixing one learns of the others.
     */
    public static List<Move.Cause> violations(Placement placement, Facts facts) {
        List<Move.Cause> reasons = new ArrayList<>();
        for (EvictionSafety rule : values()) {
            rule.check(placement, facts).ifPresent(r -> reasons.add(new Move.Cause(rule.code(), r)));
        }
        return reasons;
    }
}
