package dev.happypath.rebalancer.execute;

import dev.happypath.rebalancer.RuntimeFailure;
import dev.happypath.rebalancer.config.ConfigNode;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.gate.Gate;
import dev.happypath.rebalancer.gate.GateVerdict;
import dev.happypath.rebalancer.ledger.Fingerprints;
import dev.happypath.rebalancer.ledger.Ledger;
import dev.happypath.rebalancer.ledger.Recorded;
import dev.happypath.rebalancer.plan.Move;
import dev.happypath.rebalancer.plan.MoveCode;
import dev.happypath.rebalancer.plan.Outcome;
import dev.happypath.rebalancer.plan.Plan;
import dev.happypath.rebalancer.snapshot.NodeState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Carries out a plan, one eviction at a time: re-check the gate on fresh nodes, evict through the
 * Eviction API (retrying a PodDisruptionBudget refusal with backoff until {@code pdbTimeout}), then wait
 * for the replacement to be Ready before the next. Never deletes a pod, never falls back.
 * Stops the run at the first failure: what is left is DEFERRED.
 */
public final class Executor {

    private static final Logger LOG = LoggerFactory.getLogger(Executor.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(15);
    /** Why this thread is interrupted: the only two reasons anything interrupts a pass. */
    private static final String STOPPING = "stopping (SIGTERM, or the Lease lost)";

    private final EvictionApi api;
    private final MoveRecorder recorder;
    private final HappyPath happyPath;
    private final Clock clock;
    private final Sleeper sleeper;
    private List<NodeState> nodesAtEviction = List.of();
    private String abort;

    public Executor(EvictionApi api, MoveRecorder recorder, HappyPath happyPath, Clock clock, Sleeper sleeper) {
        this.api = api;
        this.recorder = recorder;
        this.happyPath = happyPath;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    public Execution execute(Plan plan) {
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
                done = executeOne(move);
            } catch (RuntimeFailure e) {
                done = move.resolved(Outcome.FAILED, MoveCode.API_ERROR, List.of(e.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                done = move.resolved(Outcome.DEFERRED, MoveCode.RUN_STOPPED, List.of(STOPPING + " before the eviction: not evicted"));
            }
            results.add(done);
            if (done.outcome() == Outcome.FAILED) {
                stopped = "run stopped after " + move.pod().key() + " failed";
            } else if (done.outcome() == Outcome.DEFERRED) {
                stopped = done.details().get(0);
            } else if (abort != null) {
                stopped = "run stopped: " + abort;
            }
        }
        return new Execution(results, abort);
    }

    private Move executeOne(Move move) throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException();
        }
        List<NodeState> nodes;
        try {
            nodes = api.readNodes();
        } catch (RuntimeFailure e) {
            throw new RuntimeFailure("could not re-check the gate before the eviction (not evicted): " + e.getMessage(), e);
        }
        nodesAtEviction = nodes;
        GateVerdict gate = Gate.judge(nodes, happyPath, clock.instant());
        if (!gate.open()) {
            LOG.warn("gate closed before evicting {}: {}", move.pod().key(), gate.summary());
            return move.resolved(Outcome.DEFERRED, MoveCode.GATE_CLOSED, List.of("gate " + gate.summary() + " (re-checked before the eviction)"));
        }

        Instant deadline = clock.instant().plus(happyPath.eviction().pdbTimeout());
        Duration backoff = FIRST_BACKOFF;
        int refusals = 0;
        while (true) {
            EvictionApi.Attempt attempt = api.evict(move.pod());
            switch (attempt.kind()) {
                case EVICTED -> {
                    LOG.info("evicted {} from {} (target {})", move.pod().key(), move.pod().nodeName(), move.target());
                    return awaitReplacement(move);
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
                    return move.resolved(Outcome.FAILED, MoveCode.API_ERROR, List.of("the Eviction API answered " + attempt.code() + ": " + attempt.message()));
                }
                case REFUSED_BY_BUDGET -> {
                    refusals++;
                    Duration left = Duration.between(clock.instant(), deadline);
                    if (left.isNegative() || left.isZero()) {
                        return move.resolved(Outcome.BLOCKED, MoveCode.BUDGET_EXHAUSTED, List.of("a PodDisruptionBudget refused the eviction " + refusals
                                + " time(s) over " + ConfigNode.format(happyPath.eviction().pdbTimeout()) + " (eviction.pdbTimeout): "
                                + attempt.message()));
                    }
                    // The last wait is cut short so that one final attempt falls exactly on the deadline.
                    Duration wait = backoff.compareTo(left) < 0 ? backoff : left;
                    LOG.info("eviction of {} refused by a PodDisruptionBudget, retrying in {}", move.pod().key(), ConfigNode.format(wait));
                    sleeper.sleep(wait);
                    backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
                }
                default -> throw new IllegalStateException(attempt.kind().toString());
            }
        }
    }

    private Move awaitReplacement(Move move) {
        Duration timeout = happyPath.eviction().readyTimeout();
        EvictionApi.Replacement r = api.awaitReplacement(move.pod(), timeout);
        if (!r.ready()) {
            // The eviction happened all the same: remembered, so that the cooldown and the daily cap hold
            // the workload back next pass instead of evicting it again while its replacement struggles.
            remember(move, null, true);
            return move.resolved(Outcome.FAILED, MoveCode.REPLACEMENT_NOT_READY, List.of(notReady(r, timeout)));
        }
        List<String> details = new ArrayList<>();
        details.add("replacement " + r.pod() + " Ready on " + r.node());
        boolean home = move.placement().homeNodes().contains(r.node());
        if (!home) {
            details.add("WARNING: it landed on " + r.node() + ", off its home (" + move.placement().home() + "), where "
                    + move.target() + " was predicted; " + move.pod().workload()
                    + " will not be moved again until its pod spec or the nodes change");
            LOG.warn("replacement of {} landed on {}, off its home ({}); predicted {}", move.pod().key(), r.node(),
                    move.placement().home(), move.target());
        } else if (move.target() != null && !move.target().equals(r.node())) {
            details.add("landed on " + r.node() + ", another home than the predicted " + move.target());
        }
        Move landed = move.landed(r.node(), home ? MoveCode.LANDED_HOME : MoveCode.LANDED_OFF_HOME, details);
        remember(move, r.node(), home);
        return landed;
    }

    private static String notReady(EvictionApi.Replacement r, Duration timeout) {
        String detail = r.detail() == null || r.detail().isEmpty() ? "" : ": " + r.detail();
        return switch (r.ended()) {
            case TIMED_OUT -> "evicted, but no replacement was Ready within " + ConfigNode.format(timeout)
                    + " (eviction.readyTimeout)" + detail;
            case WATCH_FAILED -> "evicted, but the wait for its replacement failed" + detail
                    + "; its controller recreates it regardless: the next pass sees where it landed";
            case INTERRUPTED -> "evicted; " + STOPPING + " cut the wait for its replacement short: its controller recreates it"
                    + " regardless, the next pass sees where it landed";
            default -> "evicted, but " + r.detail();
        };
    }

    /**
     * Records an eviction in the ledger; a ledger that cannot be written stops the run. Also when this
     * thread is being stopped: the memory of an eviction that happened matters most then (the request is
     * bounded by the client's timeout; the stop is honoured right after).
     */
    private void remember(Move move, String landedOn, boolean home) {
        Instant now = clock.instant();
        boolean stopping = Thread.interrupted();
        try {
            recorder.record(Ledger.workloadKey(move.pod()), new Recorded(now, move.pod().key(), move.pod().nodeName(),
                    move.target(), landedOn, home, Fingerprints.spec(move.pod()), Fingerprints.nodes(nodesAtEviction)), now);
        } catch (RuntimeFailure e) {
            abort = "the move of " + move.pod().key() + " could not be recorded in the ledger: " + e.getMessage();
            LOG.error(abort);
        } finally {
            if (stopping) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
