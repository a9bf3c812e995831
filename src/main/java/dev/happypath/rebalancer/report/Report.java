package dev.happypath.rebalancer.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;
import java.util.Map;

/**
 * The machine-readable report (schemaVersion 2). Fields may be added; the documented ones keep their
 * names and meaning (docs/operations.md, "The report").
 *
 * <p>Every reason carries a stable code beside its words, and consumers key on the code:
 * <ul>
 *   <li>{@code gate.reasons[].code}: a {@link dev.happypath.rebalancer.gate.GateReason.Code} (NO_WORKERS, NOT_READY,
 *       UNSCHEDULABLE, MEMORY_PRESSURE, DISK_PRESSURE, PID_PRESSURE, HEALTH_TAINT, CLOCK_SKEW, NOT_STABLE, UNSETTLED);</li>
 *   <li>{@code moves[].code} and {@code moves[].causes[].code}: a {@link dev.happypath.rebalancer.plan.MoveCode},
 *       every one listed with its outcome in docs/how-it-decides.md ("Every move code");</li>
 *   <li>{@code moves[].prediction.rejected.NODE[].filter}: the kube-scheduler filter plugin that refused the node
 *       ({@link dev.happypath.rebalancer.scheduling.Filters#DEFAULT}: NodeUnschedulable, NodeName, TaintToleration,
 *       NodeAffinity, NodePorts, NodeResourcesFit, VolumeRestrictions, NodeVolumeLimits, VolumeBinding, VolumeZone,
 *       PodTopologySpread, InterPodAffinity);</li>
 *   <li>{@code metrics.moves[]}: counts by outcome and move code.</li>
 * </ul>
 * Version 1 had the gate reasons and the rejections as words only, and counted moves by drift.
 */
@JsonPropertyOrder({"schemaVersion", "mode", "generatedAt", "runId", "config", "clusterState", "gate", "nodes",
        "placements", "moves", "advice", "summary", "after", "metrics"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Report(int schemaVersion, String mode, String generatedAt, String runId, String config,
                     String clusterState, GateView gate, List<NodeView> nodes, List<PlacementView> placements,
                     List<MoveView> moves, List<AdviceView> advice, Summary summary, Metrics metrics, AfterView after) {

    /** 2: gate reasons, rejections and move reasons carry their code; metrics count moves by outcome and code. */
    public static final int SCHEMA_VERSION = 2;

    /** The same report with the pass's figures attached. */
    public Report withMetrics(Metrics figures) {
        return new Report(schemaVersion, mode, generatedAt, runId, config, clusterState, gate, nodes, placements, moves,
                advice, summary, figures, after);
    }

    /** The same report with the cluster as read again after the pass. */
    public Report withAfter(AfterView state) {
        return new Report(schemaVersion, mode, generatedAt, runId, config, clusterState, gate, nodes, placements, moves,
                advice, summary, metrics, state);
    }

    /**
     * A live pass that evicted reads the cluster again at its end: clusterState, placements and summary
     * describe the cluster BEFORE the pass (what it decided on); this is the cluster AFTER it.
     *
     * @param readAt when the cluster was read again
     */
    @JsonPropertyOrder({"readAt", "clusterState", "managedPods", "offPath", "driftRemains"})
    public record AfterView(String readAt, String clusterState, int managedPods, int offPath, boolean driftRemains) {
    }

    @JsonPropertyOrder({"open", "reasons", "stableFor", "opensAt"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GateView(boolean open, List<GateReasonView> reasons, String stableFor, String opensAt) {
    }

    /**
     * One reason the gate is closed (schemaVersion 2; version 1 had the words only).
     *
     * @param code   the stable code (GateReason.Code: NOT_READY, NOT_STABLE, UNSETTLED, ...): key on it
     * @param node   the worker concerned, absent for a cluster-wide reason
     * @param reason what it is, in words
     */
    @JsonPropertyOrder({"code", "node", "reason"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GateReasonView(String code, String node, String reason) {
        /** "node: reason", as the table prints it. */
        @Override
        public String toString() {
            return node == null ? reason : node + ": " + reason;
        }
    }

    @JsonPropertyOrder({"name", "role", "ready", "memoryRequested", "memoryAllocatable", "memoryPercent",
            "cpuRequested", "cpuAllocatable", "cpuPercent", "pods"})
    public record NodeView(String name, String role, boolean ready, String memoryRequested, String memoryAllocatable,
                           int memoryPercent, String cpuRequested, String cpuAllocatable, int cpuPercent, int pods) {
    }

    /**
     * Where one managed pod is, against its Happy Path.
     *
     * @param homeNodes the nodes its home admits, in name order: for a pod off its Happy Path only (a HAPPY pod
     *                  is on one of them), so that the report does not grow with pods × nodes
     */
    @JsonPropertyOrder({"namespace", "pod", "workload", "rule", "node", "status", "home", "homeNodes", "notes"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PlacementView(String namespace, String pod, String workload, String rule, String node, String status,
                                String home, List<String> homeNodes, List<String> notes) {
    }

    /**
     * One stray and what was done about it.
     *
     * @param reason  the drift: LIFEBOATED, COLOCATED or MISPLACED
     * @param code    why it has its outcome: a MoveCode (the first of {@code causes}). Key on it, never on the words
     * @param causes  every reason that has a code, the move's code first (two never-evict rules, a node and a pod
     *                not Ready: each with its own); schemaVersion 2
     * @param details every reason in words, most important first; {@code detail} joins them
     */
    @JsonPropertyOrder({"namespace", "pod", "workload", "from", "to", "reason", "outcome", "code", "causes", "detail", "details", "landedOn",
            "prediction"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MoveView(String namespace, String pod, String workload, String from, String to, String reason,
                           String outcome, String code, List<CauseView> causes, String detail, List<String> details, String landedOn,
                           PredictionView prediction) {
    }

    /** One reason of a move, with its code (a MoveCode). */
    @JsonPropertyOrder({"code", "detail"})
    public record CauseView(String code, String detail) {
    }

    /**
     * Where the scheduler would put the replacement.
     *
     * @param node      the predicted node, null when none is feasible or the choice is uncertain
     * @param uncertain why the prediction is not certain (a tie, sampling, another scheduler), or null
     * @param scores    total weighted score per feasible node
     * @param rejected  per refused node, each filter that refused it (its kube-scheduler plugin name: the code) and why
     * @param plugins   with --explain: per node, each score plugin's weighted score
     */
    @JsonPropertyOrder({"node", "uncertain", "tied", "scores", "rejected", "plugins"})
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record PredictionView(String node, String uncertain, List<String> tied, Map<String, Long> scores,
                                 Map<String, List<RejectionView>> rejected, Map<String, Map<String, Long>> plugins) {
    }

    /**
     * One filter's refusal of a node.
     *
     * @param filter the kube-scheduler filter plugin that refused (NodeResourcesFit, TaintToleration, ...): the code
     * @param reason why, in words
     */
    @JsonPropertyOrder({"filter", "reason"})
    public record RejectionView(String filter, String reason) {
        /** "Filter: reason", as the scheduler's own events say it. */
        @Override
        public String toString() {
            return filter + ": " + reason;
        }
    }

    @JsonPropertyOrder({"workload", "rule", "home", "predicted", "kind", "verified", "why", "snippet"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AdviceView(String workload, String rule, String home, String predicted, String kind, boolean verified,
                             String why, String snippet) {
    }

    /**
     * @param driftRemains     whether pods are still off the Happy Path after this pass
     * @param outcomes         count of moves by outcome
     * @param rulesWithoutPods workload rules that name no pod in this cluster now: not an error (workloads
     *                         come and go), but a misspelt selector looks the same, so the report says it
     */
    @JsonPropertyOrder({"managedPods", "happy", "offPath", "driftRemains", "outcomes", "rulesWithoutPods"})
    public record Summary(int managedPods, int happy, int offPath, boolean driftRemains, Map<String, Integer> outcomes,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> rulesWithoutPods) {
    }

    /**
     * The figures the daemon exports on /metrics, for this one pass: a CronJob has no scrape endpoint, so
     * its report (and its Events) carry them.
     *
     * @param passDurationSeconds from the start of the read to the end of the last move
     * @param moves               count of moves by outcome and code (only combinations that occurred)
     */
    @JsonPropertyOrder({"passDurationSeconds", "gateOpen", "clusterState", "offPath", "moves"})
    public record Metrics(double passDurationSeconds, boolean gateOpen, String clusterState, int offPath,
                          List<MoveCount> moves) {
    }

    /** How many moves ended with this outcome for this reason code (schemaVersion 2; version 1 counted by drift). */
    @JsonPropertyOrder({"outcome", "code", "count"})
    public record MoveCount(String outcome, String code, int count) {
    }
}
