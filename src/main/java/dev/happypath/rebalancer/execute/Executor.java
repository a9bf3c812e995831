package dev.happypath.rebalancer.execute;

import dev.happypath.rebalancer.RuntimeFailure;
import dev.happypath.rebalancer.StopSignal;
import dev.happypath.rebalancer.config.ConfigNode;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.ledger.Fingerprints;
import dev.happypath.rebalancer.ledger.Ledger;
import dev.happypath.rebalancer.ledger.Recorded;
import dev.happypath.rebalancer.plan.Decision;
import dev.happypath.rebalancer.plan.Move;
import dev.happypath.rebalancer.plan.MoveCode;
import dev.happypath.rebalancer.plan.Outcome;
import dev.happypath.rebalancer.plan.Plan;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Carries out a plan, one eviction at a time: re-read the cluster and the ledger and decide the move again
 * on them ({@link Decision#recheck}), evict through the Eviction API with the pod's UID as a precondition
 * (retrying a PodDisruptionBudget refusal with backoff until {@code pdbTimeout}), then wait for the
 * replacement (a pod that did not exist before the eviction) to be Ready before the next. Never deletes a
 * pod, never falls back. Stops the run at the first failure (a replacement landing off its home is one):
 * what is left is DEFERRED. Told to stop ({@link StopSignal}: SIGTERM, the Lease lost), it sends no new
 * eviction, cuts its waits short, still records what it evicted, and defers the rest.
 */
public final class Executor {

    private static final Logger LOG = LoggerFactory.getLogger(Executor.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(15);

    /** What the first detail of a move the last look before its eviction changed starts with. */
    static final String RECHECKED = "re-checked before the eviction: ";

    private final EvictionApi api;
    private final Supplier<Ledger> ledger;
    private final MoveRecorder recorder;
    private final HappyPath happyPath;
    private final Clock clock;
    private final Sleeper sleeper;
    private List<NodeState> recordedNodes = List.of();
    private String abort;

    /**
     * @param ledger reads the ledger afresh (the re-check before each eviction sees this pass's moves)
     */
    public Executor(EvictionApi api, Supplier<Ledger> ledger, MoveRecorder recorder, HappyPath happyPath, Clock clock, Sleeper sleeper) {
        this.api = api;
        this.ledger = ledger;
        this.recorder = recorder;
        this.happyPath = happyPath;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** Carries out {@code plan} until done or {@code stop} is signalled. */
    public Execution execute(Plan plan, StopSignal stop) {
        List<Move> results = new ArrayList<>();
        String stopped = null;
        for (Move move : plan.moves()) {
            if (move.outcome() != Outcome.PLANNED) {
                results.add(move);
                continue;
            }
            if (stopped != null) {
                results.add(move.resolved(Outcome.DEFERRED, MoveCode.RUN_STOPPED, List.of(stopped)));
                continue;
            }
            Move done;
            try {
                done = executeOne(move, stop);
            } catch (RuntimeFailure e) {
                done = move.resolved(Outcome.FAILED, MoveCode.API_ERROR, List.of(e.getMessage()));
            }
            results.add(done);
            if (done.outcome() == Outcome.FAILED && done.code() == MoveCode.LANDED_OFF_HOME) {
                stopped = "run stopped: the replacement of " + move.pod().key() + " landed on " + done.landedOn()
                        + ", off its home: the model was wrong, so nothing more is evicted this pass";
            } else if (done.outcome() == Outcome.FAILED) {
                stopped = "run stopped after " + move.pod().key() + " failed";
            } else if (done.outcome() == Outcome.DEFERRED && (done.code() == MoveCode.GATE_CLOSED || done.code() == MoveCode.RUN_STOPPED)) {
                // a closed gate or a stop holds every move; any other deferral (anti-flap, a limit) holds only this one
                stopped = done.details().get(0);
            } else if (abort != null) {
                stopped = "run stopped: " + abort;
            }
        }
        return new Execution(results, abort);
    }

    /**
     * Every eviction request follows a re-check that decided the move PLANNED on a fresh read: the first,
     * and each retry after a PodDisruptionBudget's 429 (the wait can last eviction.pdbTimeout). While
     * retrying, a fresh read whose budget still allows nothing means: wait on, without asking.
     */
    private Move executeOne(Move planned, StopSignal stop) {
        Instant deadline = clock.instant().plus(happyPath.eviction().pdbTimeout());
        Duration backoff = FIRST_BACKOFF;
        int refusals = 0;
        String lastRefusal = "";
        while (true) {
            if (stop.isStopped()) {
                return planned.resolved(Outcome.DEFERRED, MoveCode.RUN_STOPPED, List.of(stopping(stop) + " before the eviction: not evicted"));
            }
            Rechecked looked = recheck(planned);
            if (looked.done() != null) {
                return looked.done();
            }
            Move move = looked.move();
            boolean stillRefused = refusals > 0 && move.outcome() == Outcome.BLOCKED && move.code() == MoveCode.BUDGET_EXHAUSTED;
            if (move.outcome() != Outcome.PLANNED && !stillRefused) {
                LOG.info("{} no longer goes ahead: {} {}", planned.pod().key(), move.outcome(), move.code());
                List<String> details = new ArrayList<>(move.details());
                details.set(0, RECHECKED + details.get(0));
                return move.resolved(move.outcome(), move.code(), details);
            }
            if (!stillRefused) {
                EvictionApi.Attempt attempt = api.evict(move.pod());
                switch (attempt.kind()) {
                    case EVICTED -> {
                        LOG.info("evicted {} from {} (target {})", move.pod().key(), move.pod().nodeName(), move.target());
                        return awaitReplacement(move, looked.before(), stop);
                    }
                    case CONFLICT -> {
                        // never retried: the pod of that name is not the one decided on
                        return move.resolved(Outcome.SKIPPED, MoveCode.RECREATED_SINCE_PLAN, List.of("recreated since the plan: the API server "
                                + "refused the eviction's UID precondition (409: " + attempt.message() + "): not evicted"));
                    }
                    case NOT_FOUND -> {
                        return move.resolved(Outcome.SKIPPED, MoveCode.POD_GONE, List.of("the pod no longer exists (404): nothing to evict"));
                    }
                    case NO_ANSWER -> {
                        // remembered as if it happened: a cooldown too many is the safe side of not knowing
                        remember(move, null, true);
                        return move.resolved(Outcome.FAILED, MoveCode.NO_ANSWER, List.of("no answer to the eviction request (" + attempt.message()
                                + "): the API server may or may not have evicted it; the next pass sees where it is"));
                    }
                    case ERROR -> {
                        return move.resolved(Outcome.FAILED, MoveCode.API_ERROR, List.of("the Eviction API answered " + attempt.code() + ": "
                                + attempt.message()));
                    }
                    case REFUSED_BY_BUDGET -> {
                        refusals++;
                        lastRefusal = attempt.message();
                    }
                    default -> throw new IllegalStateException(attempt.kind().toString());
                }
            }
            Duration left = Duration.between(clock.instant(), deadline);
            if (left.isNegative() || left.isZero()) {
                return planned.resolved(Outcome.BLOCKED, MoveCode.BUDGET_EXHAUSTED, List.of("a PodDisruptionBudget refused the eviction " + refusals
                        + " time(s) over " + ConfigNode.format(happyPath.eviction().pdbTimeout()) + " (eviction.pdbTimeout): " + lastRefusal));
            }
            // The last wait is cut short so that one final attempt falls exactly on the deadline.
            Duration wait = backoff.compareTo(left) < 0 ? backoff : left;
            LOG.info("eviction of {} refused by a PodDisruptionBudget, retrying in {}", planned.pod().key(), ConfigNode.format(wait));
            sleeper.sleep(wait, stop);
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    /**
     * What the last look before an eviction found: a final outcome ({@code done}), or the move decided
     * again ({@code move}, PLANNED or not) with the controller's pods as they are now ({@code before}).
     */
    private record Rechecked(Move done, Move move, EvictionApi.Siblings before) {
    }

    /** Re-reads the cluster and the ledger and decides the planned pod again on them. */
    private Rechecked recheck(Move planned) {
        ClusterSnapshot fresh;
        Ledger memory;
        try {
            fresh = api.read();
            memory = ledger.get();
        } catch (RuntimeFailure e) {
            throw new RuntimeFailure("could not re-check the move before the eviction (not evicted): " + e.getMessage(), e);
        }
        recordedNodes = fresh.nodes();
        Decision.Recheck recheck = Decision.recheck(fresh, happyPath, memory, clock.instant(), planned.pod());
        return switch (recheck.kind()) {
            case GATE_CLOSED -> {
                LOG.warn("gate closed before evicting {}: {}", planned.pod().key(), recheck.gate().summary());
                yield new Rechecked(planned.resolved(Outcome.DEFERRED, MoveCode.GATE_CLOSED,
                        List.of("gate " + recheck.gate().summary() + " (re-checked before the eviction)")), null, null);
            }
            case GONE -> new Rechecked(planned.resolved(Outcome.SKIPPED, MoveCode.POD_GONE,
                    List.of(RECHECKED + "the pod no longer exists: nothing to evict")), null, null);
            case RECREATED -> {
                PodState now = recheck.pod();
                yield new Rechecked(planned.resolved(Outcome.SKIPPED, MoveCode.RECREATED_SINCE_PLAN, List.of(RECHECKED
                        + "recreated since the plan (uid " + planned.pod().uid() + " -> " + now.uid() + ")"
                        + (now.isBound() ? ", now on " + now.nodeName() : ", not scheduled yet") + ": the pod decided on is gone, not evicted")),
                        null, null);
            }
            case NOT_A_STRAY -> {
                PodState now = recheck.pod();
                yield new Rechecked(planned.resolved(Outcome.SKIPPED, MoveCode.ALREADY_HOME, List.of(RECHECKED + (now.isBound()
                        ? "now on " + now.nodeName() + ", on its Happy Path: nothing to move"
                        : "no longer on a node: nothing to move"))), null, null);
            }
            case DECIDED -> new Rechecked(null, recheck.fresh(), EvictionApi.Siblings.of(recheck.fresh().pod(), fresh));
        };
    }

    private Move awaitReplacement(Move move, EvictionApi.Siblings before, StopSignal stop) {
        Duration timeout = happyPath.eviction().readyTimeout();
        EvictionApi.Replacement r = api.awaitReplacement(move.pod(), before, timeout, stop);
        if (!r.ready()) {
            // The eviction happened all the same: remembered, so that the cooldown and the daily cap hold
            // the workload back next pass instead of evicting it again while its replacement struggles.
            // Also when stopping: the memory of an eviction that happened matters most then.
            remember(move, null, true);
            return move.resolved(Outcome.FAILED, MoveCode.REPLACEMENT_NOT_READY, withDecision(List.of(notReady(r, timeout, stop)), move));
        }
        List<String> details = new ArrayList<>();
        details.add("replacement " + r.pod() + " Ready on " + r.node());
        boolean home = move.placement().homeNodes().contains(r.node());
        if (!home) {
            // The model said home and the scheduler said otherwise: every later prediction of this pass rests
            // on the same model, so the pass stops here.
            details.add("it landed on " + r.node() + ", off its home (" + move.placement().home() + "), where "
                    + move.target() + " was predicted: the model was wrong; " + move.pod().workload()
                    + " will not be moved again until its pod spec or the nodes change");
            LOG.warn("replacement of {} landed on {}, off its home ({}); predicted {}", move.pod().key(), r.node(),
                    move.placement().home(), move.target());
            // The anti-flap hold lasts until the pod spec or the nodes change, compared with the nodes as they
            // were when it landed: a node cordoned or failed after our read is why it landed there, and once
            // that is undone the move may be tried again.
            recordedNodes = nodesNow();
            remember(move, r.node(), false);
            return new Move(move.placement(), move.target(), Outcome.FAILED, MoveCode.LANDED_OFF_HOME, withDecision(details, move),
                    move.prediction(), r.node());
        }
        if (move.target() != null && !move.target().equals(r.node())) {
            details.add("landed on " + r.node() + ", another home than the predicted " + move.target());
        }
        Move landed = move.landed(r.node(), MoveCode.LANDED_HOME, withDecision(details, move));
        remember(move, r.node(), true);
        return landed;
    }

    /**
     * What happened, then what was decided: once a pod is evicted, the decision's lines stay on the move, so
     * that a live report says what the eviction cost (an emptyDir discarded, an only replica's downtime) as
     * the dry run did, and where it was predicted to land.
     */
    private static List<String> withDecision(List<String> happened, Move decided) {
        List<String> details = new ArrayList<>(happened);
        details.addAll(decided.details());
        return details;
    }

    /** Why the pass stops, as its reports have always said it. */
    private static String stopping(StopSignal stop) {
        return "stopping (" + (stop.reason() == null ? "told to" : stop.reason().sentence()) + ")";
    }

    private static String notReady(EvictionApi.Replacement r, Duration timeout, StopSignal stop) {
        String detail = r.detail() == null || r.detail().isEmpty() ? "" : ": " + r.detail();
        return switch (r.ended()) {
            case TIMED_OUT -> "evicted, but no replacement was Ready within " + ConfigNode.format(timeout)
                    + " (eviction.readyTimeout)" + detail;
            case WATCH_FAILED -> "evicted, but the wait for its replacement failed" + detail
                    + "; its controller recreates it regardless: the next pass sees where it landed";
            case STOPPED -> "evicted; " + stopping(stop) + " cut the wait for its replacement short: its controller recreates it"
                    + " regardless, the next pass sees where it landed";
            default -> "evicted, but " + r.detail();
        };
    }

    /** The nodes as they are now; the last ones read when they cannot be read (the ledger then errs towards holding back). */
    private List<NodeState> nodesNow() {
        try {
            return api.read().nodes();
        } catch (RuntimeFailure e) {
            LOG.warn("could not re-read the nodes after the landing off home: {}", e.getMessage());
            return recordedNodes;
        }
    }

    /**
     * Records an eviction in the ledger; a ledger that cannot be written stops the run. Also when the pass
     * is being stopped: nothing interrupts the request, which the client's timeout bounds.
     */
    private void remember(Move move, String landedOn, boolean home) {
        Instant now = clock.instant();
        try {
            recorder.record(Ledger.workloadKey(move.pod()), new Recorded(now, move.pod().key(), move.pod().nodeName(),
                    move.target(), landedOn, home, Fingerprints.spec(move.pod()), Fingerprints.nodes(recordedNodes)), now);
        } catch (RuntimeFailure e) {
            abort = "the move of " + move.pod().key() + " could not be recorded in the ledger: " + e.getMessage();
            LOG.error(abort);
        }
    }
}
