package dev.happypath.rebalancer.soak;

import com.fasterxml.jackson.databind.JsonNode;
import dev.happypath.rebalancer.StopSignal;
import dev.happypath.rebalancer.cli.Cli;
import dev.happypath.rebalancer.cli.DaemonPass;
import dev.happypath.rebalancer.cluster.ClusterReader;
import dev.happypath.rebalancer.cluster.KubernetesClients;
import dev.happypath.rebalancer.cluster.ModelConverter;
import dev.happypath.rebalancer.compare.ClusterState;
import dev.happypath.rebalancer.compare.Status;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.config.HappyPathLoader;
import dev.happypath.rebalancer.ledger.Ledger;
import dev.happypath.rebalancer.plan.Decision;
import dev.happypath.rebalancer.plan.Move;
import dev.happypath.rebalancer.plan.Outcome;
import dev.happypath.rebalancer.sim.InProcessApi;
import dev.happypath.rebalancer.sim.cluster.SimClock;
import dev.happypath.rebalancer.sim.cluster.SimScheduler;
import dev.happypath.rebalancer.sim.cluster.Simulation;
import dev.happypath.rebalancer.sim.demo.IdpSeed;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.trigger.CronSchedule;
import dev.happypath.rebalancer.trigger.GateOpening;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.quartz.CronExpression;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Seven simulated days (or fewer) of a troubled cluster with the rebalancer's daemon watching it: the
 * IDP Blueprint on the simulated cluster ({@link Simulation}), random events drawn from one seeded
 * {@link Random}, and the daemon's triggers (its cron schedule, and {@code --on-node-recovery}: the node
 * watch's gate opening) driven on simulated time. Every pass is the daemon's own ({@link DaemonPass}),
 * live, against the in-process API; the invariants ({@link SoakInvariants}) judge every eviction request
 * on the cluster as it was at that request, every replacement where it lands, and the cluster at the end.
 *
 * <p>Why the daemon's triggers are driven here rather than by {@code daemon} itself: its Lease, its Quartz
 * timetable and the gate's stability timer run on the wall clock; seven days of it would take seven days.
 * The soak uses the same pieces on the simulated clock instead: {@link CronSchedule#parse} for the
 * timetable, {@link GateOpening} (fed the nodes after every change, as the node watch does, and re-judged
 * at the instant {@code stableFor} elapses, as its timer does) for the node-recovery trigger, and a
 * trigger that arrives during a pass queues one more pass, as the daemon's does.
 *
 * <p>Deterministic for a seed: one thread steps the cluster, and the pass's own waits (its sleeper) step
 * it too, so events may fall in the middle of a pass exactly where the seed puts them.
 */
final class Soak implements AutoCloseable {

    static final Instant START = IdpSeed.TAKEN_AT;
    /**
     * A tick of 10 s; 30 s from binding to Ready and from deletion to gone (terminationGracePeriodSeconds'
     * default). The shutdown must outlast a tick: a controller creates the replacement, and the scheduler
     * places it, while the evicted pod still terminates and holds its room, as on a real cluster.
     */
    static final Simulation.Timings TIMINGS = new Simulation.Timings(Duration.ofSeconds(10), Duration.ZERO,
            Duration.ofSeconds(30), Duration.ofSeconds(30));
    /** The daemon's schedule in the soak: every half hour, as docs/operating.md suggests for a daemon. */
    static final String SCHEDULE = "*/30 * * * *";
    /** The mean time between two random events (exponentially distributed). */
    static final Duration MEAN_GAP = Duration.ofMinutes(25);
    /**
     * After the last recovery, the cluster must be GREEN within this much simulated time: a day, because
     * antiFlap.maxMovesPerWorkloadPerDay may hold a workload that moved often for up to 24 h, and 2 h more.
     */
    static final Duration GREEN_WITHIN = Duration.ofHours(26);
    /** How often the cluster's state is looked at while waiting for GREEN at the end. */
    private static final Duration LOOK_EVERY = Duration.ofMinutes(5);
    private static final int TAIL = 60;

    /** The kinds of random event; every one is drawn at least once in the first {@code values().length} events. */
    enum EventKind {
        /** A node stops reporting for 1 to 90 minutes; after a long outage a person may declare it out of service. */
        NODE_FAILS,
        /** A node goes NotReady and back 2 to 4 times, under a minute each. */
        NODE_FLAPS,
        /** A pod's containers restart in place (same UID). */
        POD_RESTARTS,
        /** A pod is deleted: its controller recreates it (a StatefulSet: same name, new UID). */
        POD_DELETED,
        /** A pod crash-loops for 5 minutes to 2 hours. */
        CRASH_LOOP,
        /** A workload's new pods crash-loop for 10 minutes to 2 hours (a bad rollout): its replacements too. */
        BAD_ROLLOUT,
        /** A ReplicaSet of 1 to 3 replicas arrives, half the time in a managed namespace with a PDB; it leaves later. */
        WORKLOAD_ARRIVES,
        /** A PodDisruptionBudget is tightened to allow no disruption, for 10 minutes to 4 hours. */
        PDB_TIGHTENS,
        /** A node is cordoned for 5 minutes to 2 hours. */
        CORDON
    }

    record Settings(long seed, Duration length, Duration wallLimit) {
    }

    record Result(Settings settings, int events, Map<EventKind, Integer> eventKinds, int passes, int failedPasses,
                  int evictions, int singleReplicaDowntimes, List<String> violations, boolean green, Duration greenAfter,
                  List<String> tail, List<String> log, long ticks, int eventsInPasses, int races, long wallMillis) {

        String summary() {
            return String.format("soak: seed %d, %s simulated, %d events, %d passes, %d evictions, %d violations%s",
                    settings.seed(), days(settings.length()), events, passes, evictions, violations.size(),
                    green ? ", GREEN " + minutes(greenAfter) + " after the last recovery" : ", not GREEN at the end");
        }

        private static String days(Duration d) {
            return d.toHours() % 24 == 0 ? d.toDays() + "d" : d.toHours() + "h";
        }

        private static String minutes(Duration d) {
            return d.toMinutes() + "m";
        }
    }

    /** Something to do at a given instant: a recovery, an uncordon, a PDB restored. */
    private record FollowUp(Instant at, long seq, String what, Runnable action) {
    }

    private final Settings settings;
    private final Random random;
    private final HappyPath happyPath = HappyPathLoader.loadBuiltIn();
    private final SimClock clock = new SimClock(START);
    private final InProcessApi api = new InProcessApi(200);
    private final Simulation sim = new Simulation(api, clock, new SimScheduler(), TIMINGS);
    private final KubernetesClient client;
    private final ClusterReader reader;
    private final Cli cli;
    private final CronExpression cron = CronSchedule.parse(SCHEDULE);
    private final GateOpening gate;
    private final AtomicBoolean gateOpened = new AtomicBoolean();
    private final SoakInvariants invariants;
    private final long wallStart = System.nanoTime();

    private final PriorityQueue<FollowUp> followUps = new PriorityQueue<>(Comparator.comparing(FollowUp::at).thenComparingLong(FollowUp::seq));
    private long followUpSeq;
    private final Deque<String> tail = new ArrayDeque<>();
    private final List<String> log = new ArrayList<>();
    private static final int LOG_LIMIT = 500_000;
    private final Map<EventKind, Integer> kinds = new EnumMap<>(EventKind.class);
    private final List<EventKind> firstRound = new ArrayList<>(List.of(EventKind.values()));
    private final Set<String> busyNodes = new HashSet<>();
    private final Map<String, Integer> originalBudgets = new TreeMap<>();
    private int events;
    /** Events and follow-ups that fell while a pass was running (in its waits): what a stale plan meets. */
    private int eventsInPasses;
    private int races;
    private long ticks;
    private int arrived;
    private int passes;
    private int failedPasses;
    private Instant nextEventAt;
    private Instant nextCron;
    private String nodeSignature = "";
    private String queuedTrigger;
    private volatile boolean inPass;
    private final Object stepLock = new Object();

    Soak(Settings settings) {
        this.settings = settings;
        this.random = new Random(settings.seed());
        java.util.Collections.shuffle(firstRound, random);
        sim.seed(seed());
        for (PodDisruptionBudget b : api.budgets()) {
            originalBudgets.put(b.getMetadata().getNamespace() + "/" + b.getMetadata().getName(), b.getSpec().getMinAvailable().getIntVal());
        }
        api.refreshBudgets();
        this.client = KubernetesClients.create(api.clientConfig());
        this.reader = new ClusterReader(client, clock);
        this.cli = new Cli(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), clock, this::sleep, null);
        this.gate = new GateOpening(happyPath, clock, false, v -> gateOpened.set(true));
        this.invariants = new SoakInvariants(happyPath, api, clock, reader::read, this::note);
        api.dispatcher().onEviction(invariants::evicted);
    }

    /**
     * The IDP Blueprint as the demo seeds it, with a PodDisruptionBudget on ArgoCD's application controller
     * (minAvailable 0, as the chart's default allows everything; the soak tightens it now and then).
     */
    private static List<HasMetadata> seed() {
        return IdpSeed.load()
                .withBudget("argocd", "argocd-application-controller", Map.of("app.kubernetes.io/name", "argocd-application-controller"), 0)
                .objects(START);
    }

    Result run() {
        Instant horizon = START.plus(settings.length());
        sim.tick();
        nextCron = next(cron, clock.instant());
        nextEventAt = clock.instant().plus(gap());
        while (clock.instant().isBefore(horizon)) {
            step(horizon, true);
            runQueuedPass();
        }
        // The last recovery: whatever is still broken is mended now (nodes back, cordons lifted, crash loops
        // fixed, budgets as they were, arrivals gone); then the daemon alone must bring every pod home.
        List<FollowUp> rest = new ArrayList<>();
        while (!followUps.isEmpty()) {
            rest.add(followUps.poll());
        }
        for (FollowUp f : rest) {
            note("final recovery: " + f.what());
            f.action().run();
        }
        api.refreshBudgets();
        Instant lastRecovery = clock.instant();
        Instant deadline = lastRecovery.plus(GREEN_WITHIN);
        boolean green = false;
        Instant lookAt = clock.instant();
        while (clock.instant().isBefore(deadline)) {
            step(deadline, false);
            runQueuedPass();
            if (!clock.instant().isBefore(lookAt)) {
                green = look().comparison().state() == ClusterState.GREEN;
                if (green) {
                    break;
                }
                lookAt = clock.instant().plus(LOOK_EVERY);
            }
        }
        Duration greenAfter = Duration.between(lastRecovery, clock.instant());
        if (!green) {
            Decision d = look();
            List<String> off = d.comparison().placements().stream().filter(p -> p.status() != Status.HAPPY)
                    .map(p -> p.pod().key() + " " + p.status() + " on " + p.pod().nodeName() + d.plan().moves().stream()
                            .filter(m -> m.pod().uid().equals(p.pod().uid())).findFirst()
                            .map(m -> " (" + m.outcome() + " " + m.code() + ": " + String.join("; ", m.details()) + ")").orElse(""))
                    .toList();
            invariants.violation("the cluster is " + d.comparison().state() + ", not GREEN, " + GREEN_WITHIN.toHours()
                    + " h after the last recovery: " + off + "; gate " + d.gate().summary());
        }
        invariants.finish();
        return new Result(settings, events, new EnumMap<>(kinds), passes, failedPasses, invariants.evictions(),
                invariants.singleReplicaDowntimes(), invariants.violations(), green, greenAfter, List.copyOf(tail), List.copyOf(log), ticks, eventsInPasses, races,
                Duration.ofNanos(System.nanoTime() - wallStart).toMillis());
    }

    // --- time ---------------------------------------------------------------------------------------------

    /** The pass's waits (PDB retries, the replacement's wait): the cluster moves on meanwhile, events included. */
    private void sleep(Duration d, StopSignal stop) {
        Instant until = clock.instant().plus(d);
        while (clock.instant().isBefore(until) && !stop.isStopped()) {
            step(until, !finalPhase());
        }
    }

    private boolean finalPhase() {
        return !clock.instant().isBefore(START.plus(settings.length()));
    }

    /**
     * One step: what is due happens (follow-ups, a random event, the daemon's triggers), the cluster ticks
     * once, and when it is quiet time jumps to the next instant anything is due (never past {@code limit}).
     */
    private void step(Instant limit, boolean randomEvents) {
        synchronized (stepLock) {
            stepLocked(limit, randomEvents);
        }
    }

    private void stepLocked(Instant limit, boolean randomEvents) {
        checkWall();
        Instant now = clock.instant();
        while (!followUps.isEmpty() && !followUps.peek().at().isAfter(now)) {
            FollowUp f = followUps.poll();
            if (inPass) {
                eventsInPasses++;
            }
            note(f.what());
            f.action().run();
            api.refreshBudgets();
        }
        if (randomEvents && !nextEventAt.isAfter(now)) {
            if (inPass) {
                eventsInPasses++;
            }
            randomEvent();
            api.refreshBudgets();
            nextEventAt = now.plus(gap());
        }
        boolean quiet = sim.tick();
        ticks++;
        invariants.afterTick();
        watchNodes();
        if (!clock.instant().isBefore(nextCron)) {
            trigger("schedule");
            nextCron = next(cron, clock.instant());
        }
        if (quiet) {
            Instant next = limit;
            next = earliest(next, nextCron);
            if (randomEvents) {
                next = earliest(next, nextEventAt);
            }
            if (!followUps.isEmpty()) {
                next = earliest(next, followUps.peek().at());
            }
            var verdict = gate.last();
            if (verdict != null && verdict.opensAt() != null) {
                next = earliest(next, verdict.opensAt());
            }
            Optional<Instant> due = sim.nextDue();
            if (due.isPresent()) {
                next = earliest(next, due.get());
            }
            clock.advanceTo(next);
        }
    }

    private static Instant earliest(Instant a, Instant b) {
        return b.isBefore(a) ? b : a;
    }

    private void checkWall() {
        if (System.nanoTime() - wallStart > settings.wallLimit().toNanos()) {
            throw new IllegalStateException("the soak (seed " + settings.seed() + ") took more than " + settings.wallLimit().toSeconds()
                    + " s of wall time, at simulated " + clock.instant() + "; last events:\n  " + String.join("\n  ", tail));
        }
    }

    private static Instant next(CronExpression cron, Instant after) {
        return cron.getNextValidTimeAfter(Date.from(after)).toInstant();
    }

    private Duration gap() {
        long seconds = Math.max(30, Math.round(-Math.log(1 - random.nextDouble()) * MEAN_GAP.toSeconds()));
        return Duration.ofSeconds(seconds);
    }

    // --- the daemon's triggers ------------------------------------------------------------------------------

    /** What the node watch does: the whole node list to the gate on every change, and at the instant it may open. */
    private void watchNodes() {
        List<Node> nodes = api.nodes();
        StringBuilder signature = new StringBuilder();
        for (Node n : nodes) {
            signature.append(n.getMetadata().getName()).append('@').append(n.getMetadata().getResourceVersion()).append(' ');
        }
        var last = gate.last();
        boolean changed = !signature.toString().equals(nodeSignature);
        boolean due = last != null && last.opensAt() != null && !clock.instant().isBefore(last.opensAt());
        if (changed || due) {
            nodeSignature = signature.toString();
            gate.nodesChanged(nodes.stream().map(n -> ModelConverter.node(Serialization.jsonMapper().<JsonNode>valueToTree(n))).toList());
        }
        if (gateOpened.getAndSet(false)) {
            trigger("node-recovery");
        }
    }

    /** As the daemon: one pass at a time, and a trigger during a pass queues at most one more. */
    private void trigger(String why) {
        if (queuedTrigger == null) {
            queuedTrigger = why;
        }
    }

    private void runQueuedPass() {
        if (queuedTrigger == null || inPass) {
            return;
        }
        String why = queuedTrigger;
        queuedTrigger = null;
        if (!finalPhase() && random.nextInt(2) == 0) {
            race(look());
        }
        inPass = true;
        passes++;
        invariants.passStarts(passes);
        DaemonPass.Done done = null;
        StopSignal stop = new StopSignal();
        ReplacementWait wait = new ReplacementWait(Thread.currentThread(), stop);
        try {
            wait.start();
            done = DaemonPass.run(cli, client, happyPath, "soak-daemon", stop);
        } catch (RuntimeException e) {
            // the daemon logs a failed pass and waits for its next trigger; so does the soak, counting it
            failedPasses++;
            note("pass " + passes + " (" + why + ") failed: " + e);
        } finally {
            wait.stop();
            inPass = false;
        }
        if (wait.failure != null) {
            throw wait.failure;
        }
        if (wait.cutShort) {
            note("pass " + passes + ": its wait for a replacement was cut short after eviction.readyTimeout of simulated time");
        }
        List<Move> moves = done == null ? List.of() : done.moves();
        invariants.passEnds(passes, moves);
        Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
        moves.forEach(m -> outcomes.merge(m.outcome(), 1, Integer::sum));
        if (!moves.isEmpty() || done == null) {
            note("pass " + passes + " (" + why + "): " + outcomes + (done != null && done.abort() != null ? ", stopped: " + done.abort() : ""));
            for (Move m : moves) {
                {
                    note("  " + m.outcome() + " " + m.pod().key() + " " + m.pod().nodeName() + " -> " + m.target() + " [" + m.code() + "] "
                            + String.join("; ", m.details()));
                }
            }
        }
    }

    /**
     * The executor waits for a replacement on a watch with a wall-clock timeout (eviction.readyTimeout),
     * not through its sleeper: while the pass is parked there, this thread steps the cluster (the soak's
     * thread is the pass's). It steps only while nothing could end the wait: once the evicted pod's
     * controller has a Ready pod again (a pod created since the eviction, or a sibling, which some code
     * takes for the replacement), it gives the watch time to deliver and the pass time to move on before
     * stepping again; so where a pass resumes in simulated time is decided by the cluster, not by the
     * machine's load. A wait still parked after readyTimeout of simulated time is told to stop, as SIGTERM
     * would: seven days must not wait minutes of wall time per crash-looping replacement.
     */
    private final class ReplacementWait {
        private final Thread pass;
        private final StopSignal stop;
        private final Thread stepper;
        private volatile boolean running = true;
        volatile boolean cutShort;
        volatile RuntimeException failure;

        ReplacementWait(Thread pass, StopSignal stop) {
            this.pass = pass;
            this.stop = stop;
            this.stepper = new Thread(this::run, "soak-replacement-wait");
            this.stepper.setDaemon(true);
        }

        void start() {
            stepper.start();
        }

        void stop() {
            // not interrupted: it may be in the middle of a read, which an interrupt would fail
            running = false;
            try {
                stepper.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void run() {
            Instant waitingSince = null;
            long satisfiedSince = 0;
            try {
                while (running) {
                    Thread.sleep(WAIT_STEP.toMillis());
                    if (!waitingForReplacement()) {
                        waitingSince = null;
                        satisfiedSince = 0;
                        continue;
                    }
                    synchronized (stepLock) {
                        if (!running || !waitingForReplacement()) {
                            continue;
                        }
                        SoakInvariants.ReadyAfterEviction ready = invariants.readyAfterLastEviction();
                        if (ready != SoakInvariants.ReadyAfterEviction.NONE) {
                            satisfiedSince = satisfiedSince == 0 ? System.nanoTime() : satisfiedSince;
                            Duration grace = ready == SoakInvariants.ReadyAfterEviction.NEW_POD ? NEW_POD_GRACE : SIBLING_GRACE;
                            if (System.nanoTime() - satisfiedSince < grace.toNanos()) {
                                continue; // the wait may be over: let the pass see it before the cluster moves on
                            }
                        } else {
                            satisfiedSince = 0;
                        }
                        Instant now = clock.instant();
                        waitingSince = waitingSince == null ? now : waitingSince;
                        if (!now.isBefore(waitingSince.plus(happyPath.eviction().readyTimeout()))) {
                            cutShort = true;
                            stop.stop(StopSignal.Reason.TIME_LIMIT);
                            waitingSince = null;
                            continue;
                        }
                        stepLocked(now.plus(TIMINGS.tick()), !finalPhase());
                    }
                }
            } catch (InterruptedException e) {
                // stopped
            } catch (RuntimeException e) {
                failure = e;
                stop.stop(StopSignal.Reason.TIME_LIMIT);
            }
        }

        private boolean waitingForReplacement() {
            Thread.State state = pass.getState();
            if (state != Thread.State.TIMED_WAITING && state != Thread.State.WAITING) {
                return false;
            }
            for (StackTraceElement f : pass.getStackTrace()) {
                if (f.getMethodName().equals("awaitReplacement")) {
                    return true;
                }
            }
            return false;
        }
    }

    private static final Duration WAIT_STEP = Duration.ofMillis(15);
    /**
     * How long a pass parked in its wait is given to notice a Ready replacement (a pod created since the
     * eviction), or a Ready sibling (code that takes it for the replacement leaves at once; code that waits
     * for a new pod does not, and then the cluster must move on).
     */
    private static final Duration NEW_POD_GRACE = Duration.ofSeconds(10);
    private static final Duration SIBLING_GRACE = Duration.ofSeconds(2);

    /**
     * A race against the pass about to run (issue 12: "the plan goes stale"): when it will plan two moves or
     * more, the second one's pod is, 5 to 40 s in (while the pass waits for the first replacement), either
     * deleted and recreated by its controller (a StatefulSet's: same name, new UID), or restarted in place,
     * or one of its siblings starts crash-looping. The pass must notice, or at least evict nothing unsafe.
     */
    private void race(Decision d) {
        List<Move> planned = d.plan().moves().stream().filter(m -> m.outcome() == Outcome.PLANNED).toList();
        if (planned.size() < 2) {
            return;
        }
        Move second = planned.get(1);
        String ns = second.pod().namespace();
        String name = second.pod().name();
        String uid = second.pod().uid();
        Instant at = clock.instant().plusSeconds(5 + random.nextInt(36));
        int kind = random.nextInt(3);
        races++;
        switch (kind) {
            case 0 -> later(at, "race: " + ns + "/" + name + " is deleted and recreated mid-pass", () -> {
                Pod p = api.pod(ns, name);
                if (p != null && uid.equals(p.getMetadata().getUid()) && p.getMetadata().getDeletionTimestamp() == null) {
                    sim.deletePod(ns, name);
                }
            });
            case 1 -> later(at, "race: " + ns + "/" + name + " restarts its containers mid-pass", () -> {
                Pod p = api.pod(ns, name);
                if (p != null && uid.equals(p.getMetadata().getUid()) && p.getMetadata().getDeletionTimestamp() == null) {
                    sim.restartContainers(ns, name);
                }
            });
            default -> later(at, "race: a sibling of " + ns + "/" + name + " crash-loops mid-pass", () -> {
                String owner = second.pod().controller() == null ? null : second.pod().controller().uid();
                api.pods().stream().filter(p -> owner != null && controller(p) != null && owner.equals(controller(p).getUid()))
                        .filter(p -> !uid.equals(p.getMetadata().getUid()) && p.getMetadata().getDeletionTimestamp() == null)
                        .sorted(Comparator.comparing(Soak::key)).findFirst()
                        .ifPresent(p -> {
                            sim.crashLoop(p.getMetadata().getNamespace(), p.getMetadata().getName());
                            String sibling = p.getMetadata().getUid();
                            later(clock.instant().plus(Duration.ofMinutes(30)), "race over: " + key(p) + " is fixed",
                                    () -> healIf(p.getMetadata().getNamespace(), p.getMetadata().getName(), sibling));
                        });
            });
        }
    }

    private Decision look() {
        ClusterSnapshot snapshot = reader.read();
        return Decision.decide(snapshot, happyPath, Ledger.EMPTY, snapshot.readAt());
    }

    // --- random events --------------------------------------------------------------------------------------

    private void randomEvent() {
        EventKind kind = firstRound.isEmpty() ? EventKind.values()[random.nextInt(EventKind.values().length)] : firstRound.remove(0);
        if (!apply(kind)) {
            if (firstRound.size() < EventKind.values().length) {
                firstRound.add(0, kind); // not possible now (every node busy, say): the next event tries it again
            }
            return;
        }
        events++;
        kinds.merge(kind, 1, Integer::sum);
    }

    /** @return whether the event could happen now */
    private boolean apply(EventKind kind) {
        Instant now = clock.instant();
        switch (kind) {
            case NODE_FAILS -> {
                Optional<String> node = freeNode();
                if (node.isEmpty()) {
                    return false;
                }
                String n = node.get();
                Duration outage = Duration.ofMinutes(1 + random.nextInt(90));
                busyNodes.add(n);
                note("event: " + n + " fails for " + outage.toMinutes() + "m");
                sim.failNode(n);
                if (outage.compareTo(Duration.ofMinutes(15)) > 0 && random.nextBoolean()) {
                    later(now.plus(Duration.ofMinutes(8)), "a person declares " + n + " out of service", () -> sim.declareOutOfService(n));
                }
                later(now.plus(outage), n + " recovers", () -> {
                    sim.recoverNode(n);
                    busyNodes.remove(n);
                });
            }
            case NODE_FLAPS -> {
                Optional<String> node = freeNode();
                if (node.isEmpty()) {
                    return false;
                }
                String n = node.get();
                int flaps = 2 + random.nextInt(3);
                busyNodes.add(n);
                note("event: " + n + " flaps " + flaps + " times");
                Instant t = now;
                for (int i = 0; i < flaps; i++) {
                    if (i > 0) {
                        t = t.plusSeconds(10 + random.nextInt(50));
                        later(t, n + " fails again (flapping)", () -> sim.failNode(n));
                    } else {
                        sim.failNode(n);
                    }
                    t = t.plusSeconds(10 + random.nextInt(50));
                    boolean lastFlap = i == flaps - 1;
                    later(t, n + " is back (flapping)", () -> {
                        sim.recoverNode(n);
                        if (lastFlap) {
                            busyNodes.remove(n);
                        }
                    });
                }
            }
            case POD_RESTARTS -> {
                Optional<Pod> pod = anyPod(false);
                if (pod.isEmpty()) {
                    return false;
                }
                note("event: " + key(pod.get()) + " restarts its containers");
                sim.restartContainers(pod.get().getMetadata().getNamespace(), pod.get().getMetadata().getName());
            }
            case POD_DELETED -> {
                Optional<Pod> pod = anyPod(true);
                if (pod.isEmpty()) {
                    return false;
                }
                note("event: " + key(pod.get()) + " is deleted (its controller recreates it)");
                sim.deletePod(pod.get().getMetadata().getNamespace(), pod.get().getMetadata().getName());
            }
            case CRASH_LOOP -> {
                Optional<Pod> pod = anyPod(true);
                if (pod.isEmpty()) {
                    return false;
                }
                Pod p = pod.get();
                Duration length = Duration.ofMinutes(5 + random.nextInt(115));
                note("event: " + key(p) + " crash-loops for " + length.toMinutes() + "m");
                sim.crashLoop(p.getMetadata().getNamespace(), p.getMetadata().getName());
                String uid = p.getMetadata().getUid();
                later(now.plus(length), key(p) + " is fixed", () -> healIf(p.getMetadata().getNamespace(), p.getMetadata().getName(), uid));
            }
            case BAD_ROLLOUT -> {
                Optional<Pod> pod = anyPod(true);
                if (pod.isEmpty()) {
                    return false;
                }
                OwnerReference owner = controller(pod.get());
                Duration length = Duration.ofMinutes(10 + random.nextInt(110));
                note("event: new pods of " + owner.getKind() + "/" + owner.getName() + " crash-loop for " + length.toMinutes() + "m");
                sim.crashLoopNewPods(owner.getUid(), true);
                later(now.plus(length), "the rollout of " + owner.getName() + " is fixed", () -> {
                    sim.crashLoopNewPods(owner.getUid(), false);
                    healAll(owner.getUid());
                });
            }
            case WORKLOAD_ARRIVES -> arrive(now);
            case PDB_TIGHTENS -> {
                List<PodDisruptionBudget> budgets = api.budgets();
                List<PodDisruptionBudget> loose = budgets.stream().filter(b -> !busyNodes.contains("pdb:" + ref(b))).toList();
                if (loose.isEmpty()) {
                    return false;
                }
                PodDisruptionBudget b = loose.get(random.nextInt(loose.size()));
                String ref = ref(b);
                int before = b.getSpec().getMinAvailable().getIntVal();
                int all = Math.max(1, b.getStatus() == null || b.getStatus().getExpectedPods() == null ? 1 : b.getStatus().getExpectedPods());
                Duration length = Duration.ofMinutes(10 + random.nextInt(230));
                busyNodes.add("pdb:" + ref);
                note("event: PDB " + ref + " tightened to minAvailable " + all + " for " + length.toMinutes() + "m");
                sim.changeBudget(b.getMetadata().getNamespace(), b.getMetadata().getName(), all);
                later(now.plus(length), "PDB " + ref + " back to minAvailable " + before, () -> {
                    if (api.budget(b.getMetadata().getNamespace(), b.getMetadata().getName()) != null) {
                        sim.changeBudget(b.getMetadata().getNamespace(), b.getMetadata().getName(), before);
                    }
                    busyNodes.remove("pdb:" + ref);
                });
            }
            case CORDON -> {
                List<String> free = api.nodes().stream().map(n -> n.getMetadata().getName())
                        .filter(n -> !busyNodes.contains("cordon:" + n)).sorted().toList();
                if (free.isEmpty()) {
                    return false;
                }
                String n = free.get(random.nextInt(free.size()));
                Duration length = Duration.ofMinutes(5 + random.nextInt(115));
                busyNodes.add("cordon:" + n);
                note("event: " + n + " cordoned for " + length.toMinutes() + "m");
                sim.cordon(n);
                later(now.plus(length), n + " uncordoned", () -> {
                    sim.uncordon(n);
                    busyNodes.remove("cordon:" + n);
                });
            }
            default -> throw new IllegalStateException(kind.toString());
        }
        return true;
    }

    /**
     * A new ReplicaSet: half the time in ArgoCD's namespace (managed: its rule's home is any worker) with a
     * PodDisruptionBudget of minAvailable 1, otherwise in {@code default} (no rule: it only takes room).
     * Its pods are ArgoCD server pods with 1 to 4 times the requests. It is deleted 30 minutes to 12 hours later.
     */
    private void arrive(Instant now) {
        Pod model = api.pods().stream().filter(p -> p.getMetadata().getName().startsWith("argocd-server-")).findFirst()
                .orElseThrow(() -> new IllegalStateException("the seed has no argocd-server pod to clone"));
        boolean managed = random.nextBoolean();
        String namespace = managed ? "argocd" : "default";
        String name = "soak-arrival-" + (++arrived);
        int replicas = 1 + random.nextInt(3);
        int scale = 1 + random.nextInt(4);
        PodBuilder template = new PodBuilder(model).editMetadata().withNamespace(namespace)
                .withLabels(Map.of("app.kubernetes.io/name", name, "app.kubernetes.io/part-of", "soak")).endMetadata();
        Pod pod = template.build();
        pod.getSpec().getContainers().forEach(c -> {
            if (c.getResources() != null && c.getResources().getRequests() != null) {
                Map<String, Quantity> requests = new LinkedHashMap<>();
                c.getResources().getRequests().forEach((k, v) -> requests.put(k, scaled(v, scale)));
                c.getResources().setRequests(requests);
            }
        });
        String uid = sim.addWorkload(namespace, name, pod, replicas);
        boolean budget = managed && replicas > 1;
        if (budget) {
            api.create(new PodDisruptionBudgetBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                    .withNewSpec().withNewMinAvailable(1).withNewSelector().withMatchLabels(Map.of("app.kubernetes.io/name", name))
                    .endSelector().endSpec().build());
        }
        Duration stay = Duration.ofMinutes(30 + random.nextInt(690));
        note("event: " + namespace + "/" + name + " arrives (" + replicas + " replicas, requests x" + scale + (budget ? ", PDB minAvailable 1" : "")
                + ") for " + stay.toHours() + "h" + stay.toMinutesPart() + "m");
        later(now.plus(stay), namespace + "/" + name + " is deleted", () -> {
            sim.removeWorkload(uid);
            PodDisruptionBudget b = api.budget(namespace, name);
            if (b != null) {
                api.delete(b);
            }
            busyNodes.remove("pdb:" + namespace + "/" + name);
        });
    }

    private static Quantity scaled(Quantity q, int factor) {
        return new Quantity(Quantity.getAmountInBytes(q).multiply(java.math.BigDecimal.valueOf(factor)).toPlainString());
    }

    private void healIf(String namespace, String name, String uid) {
        Pod p = api.pod(namespace, name);
        if (p != null && uid.equals(p.getMetadata().getUid()) && p.getMetadata().getDeletionTimestamp() == null) {
            sim.heal(namespace, name);
        }
    }

    private void healAll(String controllerUid) {
        for (Pod p : api.pods()) {
            OwnerReference o = controller(p);
            if (o != null && controllerUid.equals(o.getUid()) && p.getMetadata().getDeletionTimestamp() == null && !ready(p)) {
                sim.heal(p.getMetadata().getNamespace(), p.getMetadata().getName());
            }
        }
    }

    /** A node neither failing nor flapping; the control plane (a lifeboat) fails a tenth as often as a worker. */
    private Optional<String> freeNode() {
        List<String> free = new ArrayList<>();
        for (Node n : api.nodes()) {
            String name = n.getMetadata().getName();
            if (busyNodes.contains(name)) {
                continue;
            }
            boolean worker = n.getMetadata().getLabels().containsKey("role");
            int weight = worker ? 10 : 1;
            for (int i = 0; i < weight; i++) {
                free.add(name);
            }
        }
        free.sort(null);
        return free.isEmpty() ? Optional.empty() : Optional.of(free.get(random.nextInt(free.size())));
    }

    /** A bound pod that is not Terminating, in name order (owned by a ReplicaSet or StatefulSet if asked). */
    private Optional<Pod> anyPod(boolean ownedByController) {
        List<Pod> candidates = api.pods().stream()
                .filter(p -> p.getSpec().getNodeName() != null && p.getMetadata().getDeletionTimestamp() == null)
                .filter(p -> !ownedByController || (controller(p) != null && !"DaemonSet".equals(controller(p).getKind())))
                .sorted(Comparator.comparing(Soak::key)).toList();
        return candidates.isEmpty() ? Optional.empty() : Optional.of(candidates.get(random.nextInt(candidates.size())));
    }

    private void later(Instant at, String what, Runnable action) {
        followUps.add(new FollowUp(at, followUpSeq++, what, action));
    }

    private synchronized void note(String line) {
        String entry = clock.instant() + " " + line;
        if (log.size() < LOG_LIMIT) {
            log.add(entry);
        }
        tail.addLast(entry);
        while (tail.size() > TAIL) {
            tail.removeFirst();
        }
    }

    static String key(Pod p) {
        return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
    }

    private static String ref(PodDisruptionBudget b) {
        return b.getMetadata().getNamespace() + "/" + b.getMetadata().getName();
    }

    static OwnerReference controller(Pod p) {
        if (p.getMetadata().getOwnerReferences() == null) {
            return null;
        }
        return p.getMetadata().getOwnerReferences().stream().filter(o -> Boolean.TRUE.equals(o.getController())).findFirst().orElse(null);
    }

    static boolean ready(Pod p) {
        return p.getStatus() != null && p.getStatus().getConditions() != null
                && p.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    @Override
    public void close() {
        gate.close();
        client.close();
        sim.close();
        api.close();
    }
}
