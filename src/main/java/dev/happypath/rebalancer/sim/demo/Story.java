package dev.happypath.rebalancer.sim.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.happypath.rebalancer.StopSignal;
import dev.happypath.rebalancer.cluster.ClusterReader;
import dev.happypath.rebalancer.cluster.KubernetesClients;
import dev.happypath.rebalancer.compare.ClusterState;
import dev.happypath.rebalancer.compare.Placement;
import dev.happypath.rebalancer.compare.Status;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.config.HappyPathLoader;
import dev.happypath.rebalancer.cluster.KubernetesEvents;
import dev.happypath.rebalancer.cluster.KubernetesLease;
import dev.happypath.rebalancer.cluster.LedgerConfigMap;
import dev.happypath.rebalancer.cluster.ApiEvictions;
import dev.happypath.rebalancer.ledger.Ledger;
import dev.happypath.rebalancer.plan.Decision;
import dev.happypath.rebalancer.plan.Scope;
import dev.happypath.rebalancer.report.ReportFormat;
import dev.happypath.rebalancer.report.ReportWriter;
import dev.happypath.rebalancer.sim.InProcessApi;
import dev.happypath.rebalancer.sim.cluster.SimClock;
import dev.happypath.rebalancer.sim.cluster.SimEvents;
import dev.happypath.rebalancer.sim.cluster.SimScheduler;
import dev.happypath.rebalancer.sim.cluster.Simulation;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.PodState;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * Plays one {@link DemoScenario} on a simulated IDP Blueprint: GREEN, the failure, the degraded state,
 * the return, the gate's wait, then the real rebalancer ({@code run}, live, built-in Happy Path) pass
 * after pass until GREEN or nothing more is safe to do. Prints each phase as a {@link ClusterPicture}.
 *
 * <p>Simulated time runs about a hundred times faster than the wall clock, and idle stretches (the
 * 300 s toleration, the outage, {@code gate.stableFor}) are skipped: the configuration's durations are the
 * real ones.
 */
final class Story implements AutoCloseable {

    /** How long the failed workers stay away (the first of them). */
    static final Duration OUTAGE = Duration.ofMinutes(20);
    /** When they come back one after the other, the time between two. */
    static final Duration BETWEEN_RETURNS = Duration.ofMinutes(5);
    /** How long after the evictions a person declares the failed nodes out of service. */
    static final Duration OPERATOR_REACTS = Duration.ofMinutes(1);
    static final int MAX_PASSES = 6;
    /** What DefaultTolerationSeconds gives every pod for not-ready and unreachable; the IDP's charts keep it. */
    static final long TOLERATION_SECONDS = 300;
    /** Real time allowed for the simulated cluster to settle after each step, and for one pass. */
    static final Duration SETTLE_LIMIT = Duration.ofSeconds(30);
    static final Duration PASS_LIMIT = Duration.ofSeconds(90);
    private static final Duration LEASE_RELEASE_LIMIT = Duration.ofSeconds(10);

    /** How the story ended, for the command's exit code and for tests. */
    record Ending(DemoScenario scenario, ClusterState state, ClusterSnapshot snapshot, List<Placement> placements,
                  List<Pass> passes, boolean asExpected, String verdict) {

        /** Every move of every pass, in order. */
        List<JsonNode> moves() {
            List<JsonNode> all = new ArrayList<>();
            passes.forEach(p -> p.report().get("moves").forEach(all::add));
            return all;
        }
    }

    /** One live pass of the rebalancer: its exit code and its JSON report. */
    record Pass(int number, int exitCode, JsonNode report, String stderr) {
    }

    private final DemoScenario scenario;
    private final PrintWriter out;
    private final HappyPath happyPath = HappyPathLoader.loadBuiltIn();
    private final long wallStart = System.nanoTime();
    private final SimClock clock;
    private final InProcessApi api;
    private final Simulation sim;
    private final KubernetesClient client;
    private final ClusterReader reader;
    private Instant start;
    private Look green;

    /**
     * @param clockStart where simulated time begins: now for a demo, earlier for a server that must end up
     *                   in step with the wall clock (other programs judge the gate by their own clock)
     */
    Story(DemoScenario scenario, PrintWriter out, Simulation.Timings timings, Instant clockStart) {
        this.scenario = scenario;
        this.out = out;
        this.start = clockStart.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        this.clock = new SimClock(start);
        this.api = new InProcessApi(2_000);
        this.sim = new Simulation(api, clock, new SimScheduler(), timings);
        this.client = KubernetesClients.create(api.clientConfig());
        this.reader = new ClusterReader(client, clock);
    }

    InProcessApi api() {
        return api;
    }

    Simulation simulation() {
        return sim;
    }

    @Override
    public void close() {
        client.close();
        sim.close();
        api.close();
    }

    /** The whole story: {@link #prepare()}, then {@link #rebalance()}. */
    Ending play() {
        prepare();
        return rebalance();
    }

    /**
     * GREEN, the failure, the degraded state, the return, and the gate's wait: the cluster as the
     * rebalancer finds it, with the gate open.
     */
    Look prepare() {
        IdpSeed seed = scenario.seed().get();
        sim.seed(seed.objects(start));
        sim.start();
        sim.awaitSettled(SETTLE_LIMIT);

        out.println("happypath-rebalancer demo: " + scenario.name() + " - " + scenario.title());
        scenario.story().forEach(l -> out.println("  " + l));
        out.println("  Simulated in this JVM: an API server, the taint manager, ReplicaSet/StatefulSet/DaemonSet");
        out.println("  controllers, a scheduler with priorities and preemption, kubelets; time runs ~100x faster.");
        out.println("  The rebalancer is the real one: `run`, live, with the built-in Happy Path (config/rebalancer.yaml).");

        green = look();
        start = green.at();
        phase(green, "every pod at home");
        if (green.decision().comparison().state() != ClusterState.GREEN) {
            throw new IllegalStateException("the seed is not GREEN: " + green.decision().comparison().state());
        }
        String failing = String.join(" and ", scenario.failing());
        boolean one = scenario.failing().size() == 1;

        // --- the failure ------------------------------------------------------------------------------
        long mark = sim.events().mark();
        sim.failNodes(scenario.failing());
        Instant failedAt = clock.instant();
        sim.awaitSettled(SETTLE_LIMIT);
        say("[%s] %s stop%s reporting: Ready=Unknown, tainted %s (NoSchedule, NoExecute)", elapsed(failedAt), failing,
                one ? "s" : "", Simulation.UNREACHABLE);

        sim.advance(Duration.ofSeconds(TOLERATION_SECONDS));
        sim.awaitSettled(SETTLE_LIMIT);
        List<SimEvents.Event> evicted = sim.events().since(mark);
        say("[%s] the taint manager deletes %s %d pods (tolerationSeconds %d ran out); with no kubelet to",
                elapsed(clock.instant()), one ? "its" : "their", count(evicted, SimEvents.Kind.TAINT_EVICTED), TOLERATION_SECONDS);
        say("         confirm, they stay Terminating. ReplicaSets replace theirs at once (%d created, %d scheduled);",
                count(evicted, SimEvents.Kind.CREATED), count(evicted, SimEvents.Kind.BOUND));
        say("         StatefulSets wait: a pod name exists only once, and the old pods are not gone.");
        preemptions(evicted);

        mark = sim.events().mark();
        sim.advance(OPERATOR_REACTS);
        sim.declareOutOfService(scenario.failing());
        sim.awaitSettled(SETTLE_LIMIT);
        List<SimEvents.Event> forced = sim.events().since(mark);
        say("[%s] a person declares %s out of service (%s=nodeshutdown:NoExecute):", elapsed(clock.instant()),
                failing, Simulation.OUT_OF_SERVICE);
        say("         the pod GC force-deletes the %d Terminating pods; the controllers create %d, the scheduler binds %d.",
                count(forced, SimEvents.Kind.FORCE_DELETED), count(forced, SimEvents.Kind.CREATED), count(forced, SimEvents.Kind.BOUND));
        preemptions(forced);
        Look degraded = look();
        phase(degraded, describeDrift(degraded));

        // --- the return -------------------------------------------------------------------------------
        sim.advanceTo(failedAt.plus(OUTAGE));
        for (int g = 0; g < scenario.returning().size(); g++) {
            List<String> group = scenario.returning().get(g);
            if (g > 0) {
                sim.advance(BETWEEN_RETURNS);
            }
            mark = sim.events().mark();
            sim.recoverNodes(group);
            sim.awaitSettled(SETTLE_LIMIT);
            List<SimEvents.Event> back = sim.events().since(mark);
            say("[%s] %s %s back: Ready, taints removed. The scheduler places what was waiting:", elapsed(clock.instant()),
                    String.join(" and ", group), group.size() == 1 ? "is" : "are");
            bindings(back);
            preemptions(back);
        }
        Look recovering = look();
        phase(recovering, describeGate(recovering));

        // --- the gate's wait --------------------------------------------------------------------------
        Instant opens = recovering.decision().gate().opensAt();
        sim.advanceTo(opens == null ? clock.instant() : opens);
        sim.awaitSettled(SETTLE_LIMIT);
        Look ready = look();
        say("[%s] every worker has been Ready for %s (gate.stableFor): the gate %s.", elapsed(ready.at()),
                dev.happypath.rebalancer.config.ConfigNode.format(happyPath.stableFor()),
                ready.decision().gate().open() ? "opens" : "stays closed: " + ready.decision().gate().summary());
        return ready;
    }

    /** The rebalancer's passes, live, until GREEN or until a pass moves nothing; then how it ended. */
    Ending rebalance() {
        say("         The rebalancer runs, live: java -jar happypath-rebalancer.jar run   (built-in Happy Path;");
        say("         one pass at a time, as its CronJob would run it)");
        List<Pass> passes = new ArrayList<>();
        Look now = look();
        for (int n = 1; n <= MAX_PASSES && now.decision().comparison().state() != ClusterState.GREEN; n++) {
            List<String> waiting = pending(now);
            long mark = sim.events().mark();
            Pass pass = runPass(n);
            passes.add(pass);
            printPass(pass);
            if (pass.exitCode() != 0) {
                sim.failure().ifPresent(f -> say("the simulation had stopped: %s", f));
                break;
            }
            sim.awaitSettled(SETTLE_LIMIT);
            now = look();
            preemptions(sim.events().since(mark), "  then the scheduler's ");
            for (PodState p : now.snapshot().pods()) {
                if (waiting.contains(p.key()) && p.isBound()) {
                    say("  then the scheduler places %s, which was waiting for room: -> %s", brief(p.key()), shortNode(p.nodeName()));
                }
            }
            if (outcomes(pass, "EVICTED") == 0) {
                break; // nothing moved: the next pass would decide the same
            }
        }
        Ending ending = ending(now, passes);
        phase(now, ending.verdict());
        crowded(green, now);
        long millis = Duration.ofNanos(System.nanoTime() - wallStart).toMillis();
        out.printf("%s: %d pass%s, %d evictions; %s of cluster time in %.1f s.%n", scenario.name(), passes.size(),
                passes.size() == 1 ? "" : "es", passes.stream().mapToInt(p -> outcomes(p, "EVICTED")).sum(),
                elapsed(clock.instant()), millis / 1000.0);
        out.flush();
        return ending;
    }

    // --- looking at the cluster through the product's own eyes ------------------------------------------

    /** The cluster as the rebalancer sees it: a snapshot read through the API, and its decision. */
    record Look(ClusterSnapshot snapshot, Decision decision, Instant at) {
    }

    Look look() {
        ClusterSnapshot snapshot = reader.read();
        return new Look(snapshot, Decision.decide(snapshot, happyPath, Ledger.EMPTY, snapshot.readAt()), snapshot.readAt());
    }

    private void phase(Look look, String headline) {
        out.println();
        out.printf("[%s] %s - %s%n", elapsed(look.at()), look.decision().comparison().state(), headline);
        out.print(ClusterPicture.render(look.snapshot(), look.decision().comparison()));
        out.println();
    }

    /**
     * A worker fuller than eviction.maxUtilization at the end: name what moved in during the outage and
     * stayed (pods no rule names, or whose home admits that worker too): the rebalancer does not move them.
     */
    private void crowded(Look before, Look after) {
        Map<String, String> homeBefore = new java.util.HashMap<>();
        for (PodState p : before.snapshot().pods()) {
            if (p.isBound()) {
                homeBefore.put(p.namespace() + "/" + ClusterPicture.shortName(p), p.nodeName());
            }
        }
        for (var n : after.snapshot().nodes()) {
            long used = after.snapshot().podsOn(n.name()).stream().mapToLong(p -> p.requests().memoryBytes()).sum();
            double share = n.allocatable().memoryBytes() == 0 ? 0 : used / (double) n.allocatable().memoryBytes();
            if (share <= happyPath.eviction().maxUtilization()) {
                continue;
            }
            List<String> newcomers = new ArrayList<>();
            for (PodState p : after.snapshot().podsOn(n.name())) {
                String was = homeBefore.get(p.namespace() + "/" + ClusterPicture.shortName(p));
                if (was != null && !was.equals(n.name()) && !p.isDaemonSetPod()) {
                    newcomers.add(ClusterPicture.shortName(p));
                }
            }
            if (!newcomers.isEmpty()) {
                say("note: %s holds %d%% of its memory, over eviction.maxUtilization (%d%%). These moved in during",
                        n.name(), Math.round(share * 100), Math.round(happyPath.eviction().maxUtilization() * 100));
                say("      the outage and no workload rule sends them elsewhere:");
                say("      %s.", String.join(", ", newcomers));
            }
        }
    }

    private void say(String format, Object... args) {
        out.println("  " + String.format(format, args));
    }

    private String elapsed(Instant t) {
        long s = Duration.between(start, t).getSeconds();
        return String.format("+%02d:%02d", s / 60, s % 60);
    }


    private static List<String> pending(Look look) {
        return look.snapshot().pods().stream().filter(p -> !p.isBound() && !p.isTerminating()).map(PodState::key).toList();
    }

    private static long count(List<SimEvents.Event> events, SimEvents.Kind kind) {
        return events.stream().filter(e -> e.kind() == kind).count();
    }

    private void preemptions(List<SimEvents.Event> events) {
        preemptions(events, "         ");
    }

    private void preemptions(List<SimEvents.Event> events, String lead) {
        for (SimEvents.Event e : events) {
            if (e.kind() == SimEvents.Kind.PREEMPTED) {
                say("%spreemption on %s: %s %s", lead, shortNode(e.node()), brief(e.pod()), brief(e.detail()));
            }
        }
    }

    /** Names as the pictures print them. */
    private static String brief(String text) {
        return text.replace("kube-prometheus-stack", "kps").replace("k3d-idp-demo-", "");
    }

    private void bindings(List<SimEvents.Event> events) {
        Map<String, List<String>> byNode = new LinkedHashMap<>();
        for (SimEvents.Event e : events) {
            if (e.kind() == SimEvents.Kind.BOUND) {
                byNode.computeIfAbsent(e.node(), k -> new ArrayList<>()).add(e.pod().substring(e.pod().indexOf('/') + 1));
            }
        }
        if (byNode.isEmpty()) {
            say("         nothing.");
        }
        byNode.forEach((node, pods) -> say("         -> %s: %s", node, String.join(", ", pods)));
    }

    private static String describeDrift(Look look) {
        Map<Status, Integer> counts = new java.util.EnumMap<>(Status.class);
        for (Placement p : look.decision().comparison().placements()) {
            if (p.status() != Status.HAPPY) {
                counts.merge(p.status(), 1, Integer::sum);
            }
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((s, c) -> parts.add(c + " " + (s == Status.COLOCATED ? "co-located" : s.name().toLowerCase())));
        long down = look.snapshot().nodes().stream().filter(n -> !n.isReady()).count();
        return down + " node" + (down == 1 ? "" : "s") + " down; " + (parts.isEmpty() ? "every pod home" : String.join(", ", parts));
    }

    private String describeGate(Look look) {
        var gate = look.decision().gate();
        if (gate.open()) {
            return "gate open";
        }
        List<String> reasons = gate.reasons().stream().map(r -> r.toString().replaceAll(" \\(stable at [^)]*\\)", "")).toList();
        return "gate closed" + (gate.opensAt() == null ? "" : " until " + elapsed(gate.opensAt())) + ": " + String.join("; ", reasons);
    }

    // --- the passes -------------------------------------------------------------------------------------

    /**
     * A released Lease keeps its holder for one more second (fabric8 releases by shortening it to 1 s);
     * a CronJob's passes are minutes apart, the demo's are not, so it waits for the release to expire
     * rather than see its own previous pass as another rebalancer.
     */
    private void awaitLeaseReleased() {
        long deadline = System.nanoTime() + LEASE_RELEASE_LIMIT.toNanos();
        while (KubernetesLease.currentHolder(client, KubernetesLease.defaultNamespace()) != null) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the Lease " + KubernetesLease.defaultNamespace() + "/" + KubernetesLease.NAME
                        + " was still held " + LEASE_RELEASE_LIMIT.toSeconds() + " s after the last pass ended");
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }

    /**
     * One live pass, as {@code run} does it: the pass itself on the demo's cluster, through the same
     * Kubernetes adapters, on simulated time. A stuck wait (a replacement that never comes) must not hold
     * the demo for eviction.readyTimeout: the pass is told to stop after {@link #PASS_LIMIT} of wall time.
     */
    private Pass runPass(int number) {
        awaitLeaseReleased();
        ClusterReader passReader = new ClusterReader(client, clock);
        dev.happypath.rebalancer.pass.Pass.Ports ports = new dev.happypath.rebalancer.pass.Pass.Ports(passReader::read,
                new ApiEvictions(client, passReader), new LedgerConfigMap(client, happyPath.antiFlap()), new KubernetesEvents(client),
                new KubernetesLease(client, KubernetesLease.defaultNamespace(), KubernetesLease.Timing.of(Duration.ofSeconds(15))),
                clock, clock.sleeper(PASS_LIMIT));
        dev.happypath.rebalancer.pass.Pass.Result result;
        String stderr = "";
        int code = 0;
        try (StopSignal stop = new StopSignal()) {
            stop.stopAfter(PASS_LIMIT, StopSignal.Reason.TIME_LIMIT);
            result = new dev.happypath.rebalancer.pass.Pass(ports, happyPath)
                    .oneShot(dev.happypath.rebalancer.pass.Pass.newRunId(), Scope.ALL, false, stop);
        } catch (RuntimeException e) {
            return new Pass(number, 1, JsonNodeFactory.instance.objectNode().set("moves", JsonNodeFactory.instance.arrayNode()),
                    "error: " + e.getMessage());
        }
        if (result.skipped()) {
            stderr = "skipped: the Lease is held by " + result.heldBy();
        } else if (result.stoppedBy() != null) {
            code = 1;
            stderr = "the pass was stopped: " + result.stoppedBy().sentence();
        } else if (result.abort() != null) {
            code = 1;
            stderr = "the pass stopped: " + result.abort();
        } else if (result.moves().stream().anyMatch(m -> m.outcome() == dev.happypath.rebalancer.plan.Outcome.FAILED)) {
            code = 1;
            stderr = "a move FAILED (see the report)";
        }
        JsonNode report;
        try {
            report = result.report() == null ? new ObjectMapper().readTree("{\"moves\":[]}")
                    : new ObjectMapper().readTree(ReportWriter.render(result.report(), ReportFormat.json));
        } catch (IOException e) {
            throw new UncheckedIOException("pass " + number + " could not render its report: " + stderr, e);
        }
        return new Pass(number, code, report, stderr);
    }

    private void printPass(Pass pass) {
        JsonNode r = pass.report();
        Map<String, Integer> outcomes = new LinkedHashMap<>();
        r.path("moves").forEach(m -> outcomes.merge(m.get("outcome").asText(), 1, Integer::sum));
        List<String> counts = new ArrayList<>();
        outcomes.forEach((k, v) -> counts.add(v + " " + k));
        String at = r.hasNonNull("generatedAt") ? elapsed(Instant.parse(r.get("generatedAt").asText())) : "?";
        out.println();
        out.printf("  pass %d [%s] %s, gate %s: %s%n", pass.number(), at, r.path("clusterState").asText("?"),
                r.path("gate").path("open").asBoolean() ? "open" : "closed", counts.isEmpty() ? "nothing to do" : String.join(", ", counts));
        int width = 0;
        for (JsonNode m : r.path("moves")) {
            width = Math.max(width, podName(m).length());
        }
        for (JsonNode m : r.path("moves")) {
            String detail = m.path("details").size() > 0 ? m.path("details").get(0).asText() : m.path("detail").asText();
            String route = shortNode(m.path("from").asText()) + (m.hasNonNull("to") ? " -> " + shortNode(m.path("to").asText()) : " (stays)");
            out.printf("    %-8s  %-" + width + "s  %-19s  %-10s  %s%n", m.get("outcome").asText(), podName(m), route,
                    m.get("reason").asText(), shorten(detail));
        }
        if (pass.exitCode() != 0) {
            out.println("    the pass exited " + pass.exitCode() + ": " + pass.stderr().strip());
        } else if (!r.has("clusterState")) {
            out.println("    " + pass.stderr().strip());
        }
    }

    private static String podName(JsonNode move) {
        return (move.get("namespace").asText() + "/" + move.get("pod").asText()).replace("kube-prometheus-stack", "kps");
    }

    private static String shortNode(String node) {
        return node == null || node.isEmpty() || node.equals("null") ? "?" : node.replace("k3d-idp-demo-", "");
    }

    private static String shorten(String detail) {
        String d = detail.replace("k3d-idp-demo-", "").replaceFirst("^replacement \\S+ Ready on ", "replacement Ready on ");
        return d.length() <= 110 ? d : d.substring(0, 108) + "..";
    }

    private static int outcomes(Pass pass, String outcome) {
        int n = 0;
        for (JsonNode m : pass.report().path("moves")) {
            n += m.get("outcome").asText().equals(outcome) ? 1 : 0;
        }
        return n;
    }

    // --- how it ended -----------------------------------------------------------------------------------

    private Ending ending(Look now, List<Pass> passes) {
        ClusterState state = now.decision().comparison().state();
        List<Placement> placements = now.decision().comparison().placements();
        boolean failed = passes.stream().anyMatch(p -> p.exitCode() != 0);
        String verdict;
        boolean ok;
        if (scenario.endsGreen()) {
            ok = state == ClusterState.GREEN && !failed;
            verdict = ok ? "every pod at home: " + where(now, DemoScenario.PROMETHEUS) + ", " + where(now, DemoScenario.LOKI)
                    : "expected GREEN, the cluster is " + state + (failed ? " (a pass failed)" : "");
        } else {
            List<Placement> off = placements.stream().filter(p -> p.status() != Status.HAPPY).toList();
            boolean onlyBlocked = off.size() == 1 && off.get(0).pod().key().equals(scenario.blockedPod());
            boolean reported = passes.stream().anyMatch(p -> blocked(p, scenario.blockedPod()));
            ok = state == ClusterState.RECOVERING && onlyBlocked && reported && !failed;
            verdict = ok ? "everything home but " + scenario.blockedPod() + ", BLOCKED by its PodDisruptionBudget: a person decides"
                    : "expected only " + scenario.blockedPod() + " left, BLOCKED; the cluster is " + state + " with "
                    + off.stream().map(p -> p.pod().key() + " " + p.status()).toList();
        }
        return new Ending(scenario, state, now.snapshot(), placements, List.copyOf(passes), ok, verdict);
    }

    private static boolean blocked(Pass pass, String podKey) {
        for (JsonNode m : pass.report().path("moves")) {
            if ((m.get("namespace").asText() + "/" + m.get("pod").asText()).equals(podKey) && m.get("outcome").asText().equals("BLOCKED")) {
                return true;
            }
        }
        return false;
    }

    private static String where(Look look, String podKey) {
        Optional<PodState> pod = look.snapshot().pods().stream().filter(p -> p.key().equals(podKey)).findFirst();
        String name = podKey.substring(podKey.indexOf('/') + 1).replace("kube-prometheus-stack", "kps");
        return pod.map(p -> name + " on " + (p.nodeName() == null ? "no node" : shortNode(p.nodeName()))).orElse(name + " missing");
    }
}
