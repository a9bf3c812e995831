package dev.happypath.rebalancer.plan;

/**
 * Why a move has its outcome, as a stable code: the report ({@code moves[].code}), the log line and the
 * tests use it; the details say the same in sentences for a person. Code never branches on the details.
 *
 * <p>A code names the first reason that decided the outcome; every other reason that applies is in the
 * details. Codes are added, never renamed: dashboards and alerts key on them.
 */
public enum MoveCode {

    // --- PLANNED -----------------------------------------------------------------------------------
    /** The scheduler would put the replacement on a home with room: a live run evicts it. */
    GOES_HOME,

    // --- SKIPPED: never-evict rules (permanent until the pod or its rule changes) -------------------
    /** No controller owns it: nothing would recreate it. */
    NO_CONTROLLER,
    /** A DaemonSet pod belongs to its node. */
    DAEMONSET_POD,
    /** A static pod's mirror: the kubelet owns it. */
    STATIC_POD,
    /** Already Terminating. */
    TERMINATING,
    /** Priority at or above system-cluster-critical. */
    SYSTEM_CRITICAL,
    /** Its home is the control plane. */
    CONTROL_PLANE_HOME,
    /** Owned by a kind not in eviction.controllerKinds. */
    UNTRUSTED_CONTROLLER,
    /** Tied to its node (hostPath, a node-affine volume, its own required node constraints, a missing claim). */
    PINNED,
    // --- SKIPPED/DEFERRED: issue 12 planning rules
    /** SKIPPED: the pod opts out (safe-to-evict "false", karpenter.sh/do-not-disrupt "true", happypath.dev/evict "never"). */
    OPTED_OUT,
    /** SKIPPED: it has emptyDir data and neither its rule (localData: discard) nor the pod (safe-to-evict "true") lets it go. */
    LOCAL_DATA,
    /** SKIPPED: it asks for what the scheduling model does not simulate, or a node it may land on is promised to a preemptor. */
    CANNOT_PREDICT,
    /** SKIPPED: the only replica, no PodDisruptionBudget covers it, and allowDowntime is false. */
    ONLY_REPLICA,
    /** DEFERRED: the stray itself is not Ready (crash-looping, failing probes). */
    POD_NOT_READY,
    /** DEFERRED: it is its workload's last Ready replica while the others are not Ready. */
    LAST_READY_REPLICA,
    /** DEFERRED: its own node is not Ready: an eviction there may never complete. */
    SOURCE_NOT_READY,
    /** DEFERRED: its PodDisruptionBudget's allowance is spent by moves planned earlier in this pass. */
    BUDGET_SPENT,

    // --- SKIPPED: the scheduler would not bring it home ----------------------------------------------
    /** More than one PodDisruptionBudget covers it: the Eviction API refuses such a pod. */
    MULTIPLE_BUDGETS,
    /** The scheduler's replacement would land off its home, on a node without room, or nowhere. */
    WOULD_NOT_LAND_HOME,
    /** The anti-flap memory holds it back for good (landed off home before; its spec and the nodes unchanged). */
    ANTI_FLAP_PERMANENT,

    // --- DEFERRED: safe, not now ---------------------------------------------------------------------
    /** The gate is closed. */
    GATE_CLOSED,
    /** eviction.maxPerRun, maxPerNode (source or target) or maxPerNamespace is reached for this pass. */
    LIMIT_REACHED,
    /** Another pod of its workload moves in this pass. */
    COOLDOWN,
    /** The anti-flap memory holds it back for now (cooldown, daily cap). */
    ANTI_FLAP,
    /** The pass stopped before this move (an earlier move failed, SIGTERM, the Lease lost). */
    RUN_STOPPED,

    // --- BLOCKED ---------------------------------------------------------------------------------------
    /** Its PodDisruptionBudget allows no disruption now (from the snapshot, or the API's 429 until pdbTimeout). */
    BUDGET_EXHAUSTED,

    // --- live outcomes -----------------------------------------------------------------------------------
    /** Evicted; its replacement is Ready on a home. */
    LANDED_HOME,
    /**
     * Its replacement is Ready, but off its home: the model was wrong. A live move ends FAILED with it and
     * the pass stops there (the rest DEFERRED RUN_STOPPED); the ledger records where it landed.
     */
    LANDED_OFF_HOME,
    /** The pod was gone when we came to evict it (404). */
    POD_GONE,
    /** Evicted, but no replacement was Ready in time (or the wait for it failed, or was cut short). */
    REPLACEMENT_NOT_READY,
    /** The eviction request got no answer: it may or may not have happened. */
    NO_ANSWER,
    /** The Eviction API answered an error, or the cluster could not be re-read before the eviction. */
    API_ERROR,

    // --- issue 12: re-checked before the eviction
    /** The pod of that name was recreated (another UID) since the plan, or the API refused the eviction's UID precondition (409). */
    RECREATED_SINCE_PLAN,
    /** By the time of its eviction the pod is on one of its homes: nothing to move. */
    ALREADY_HOME,

    // --- issue 14: the pass restricted by the command line
    /** SKIPPED: --namespace or --rule restricts the pass to other workloads; it is reported, never moved. */
    OUT_OF_SCOPE,

    // --- issue 13: scheduler fidelity
    /**
     * SKIPPED: its replacement fits on no node, but outranks pods the scheduler would preempt to make room
     * (they are named): evicting it would evict them too, past their PodDisruptionBudgets. Never planned.
     */
    WOULD_PREEMPT,
    /**
     * SKIPPED: a filter the prediction depends on needs what a dump cannot show (a CSI volume's attach limit,
     * a volume whose PersistentVolume is not in the dump): the filter is named, and the landing is not certain.
     */
    CANNOT_JUDGE_FILTER,

    // --- codes (issue 15): why a home the pod would land on is refused, as causes of WOULD_NOT_LAND_HOME
    //     (or WOULD_PREEMPT); never a move's own code
    /** The home it would land on is not Ready. */
    TARGET_NOT_READY,
    /** The scheduler's filters refuse the home once the moves planned earlier in this pass are counted there. */
    TARGET_FILTERED,
    /** The home would be filled past eviction.maxUtilization (the scheduler would accept it; we leave room). */
    HEADROOM,
    /** The home holds, or expects from a planned move, a pod its separation rule keeps apart from this one. */
    SEPARATION
}
