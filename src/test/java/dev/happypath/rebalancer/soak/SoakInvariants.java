package dev.happypath.rebalancer.soak;

import com.fasterxml.jackson.databind.JsonNode;
import dev.happypath.rebalancer.cluster.ModelConverter;
import dev.happypath.rebalancer.compare.Placement;
import dev.happypath.rebalancer.compare.Status;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.config.NodeRole;
import dev.happypath.rebalancer.gate.Gate;
import dev.happypath.rebalancer.gate.GateVerdict;
import dev.happypath.rebalancer.ledger.Fingerprints;
import dev.happypath.rebalancer.ledger.Ledger;
import dev.happypath.rebalancer.plan.Decision;
import dev.happypath.rebalancer.plan.Move;
import dev.happypath.rebalancer.plan.Outcome;
import dev.happypath.rebalancer.sim.InProcessApi;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.NodeState;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What must hold however the cluster misbehaves, judged independently of the rebalancer's own code (its
 * own arithmetic for budgets and Ready replicas, the Gate on the nodes as the API held them):
 * <ul>
 *   <li>every eviction the API accepts is of a pod (by UID) the running pass decided to move, and the
 *       pass reports it EVICTED or FAILED; no eviction outside a pass;</li>
 *   <li>at the eviction the gate was open and the pod's node and the move's target were Ready;</li>
 *   <li>no PodDisruptionBudget covering the pod has fewer healthy pods than it asks for after it;</li>
 *   <li>a workload of two or more replicas keeps at least one Ready replica after it (the only replica of a
 *       workload is counted apart: its move is documented downtime);</li>
 *   <li>the replacement does not land on a lifeboat while a home node of its workload is Ready and
 *       schedulable, unless the nodes changed between the eviction and the binding (a cordon, a taint, a node
 *       lost after the pass's last read: the scheduler answered a world the pass could not see);</li>
 *   <li>a move reported EVICTED names, as where its replacement came up, a node on which a pod created
 *       after the eviction (by UID) was Ready before the pass ended: not a sibling that was there already.</li>
 * </ul>
 * Each eviction is captured on the API's own thread at the instant it is accepted (the nodes, pods and
 * budgets as they were) and judged when its pass ends, once the pass's decisions are known.
 */
final class SoakInvariants {

    /** How long a replacement is looked for after its eviction. */
    private static final Duration LANDING_WINDOW = Duration.ofHours(1);

    /** One accepted eviction and the cluster as the API held it at that instant (after the eviction). */
    private record Seen(int pass, Instant at, Pod pod, List<NodeState> nodes, List<Pod> pods, List<PodDisruptionBudget> budgets) {
    }

    /** An evicted pod's replacement: a pod of its controller that did not exist at the eviction (by UID). */
    private static final class Tracker {
        final Seen eviction;
        final String controllerUid;
        final Set<String> known = new HashSet<>();
        final Set<String> readyOn = new HashSet<>();
        String landedOn;
        boolean passEnded;

        Tracker(Seen eviction, String controllerUid) {
            this.eviction = eviction;
            this.controllerUid = controllerUid;
            eviction.pods().forEach(p -> known.add(p.getMetadata().getUid()));
        }
    }

    private final HappyPath happyPath;
    private final InProcessApi api;
    private final Clock clock;
    private final Supplier<ClusterSnapshot> read;
    private final Consumer<String> log;
    private final java.util.concurrent.ConcurrentLinkedQueue<Seen> accepted = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final List<Seen> seen = new ArrayList<>();
    private final List<Tracker> trackers = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private volatile int pass;
    private volatile Seen last;

    /** What the last evicted pod's controller has Ready besides it: nothing, a sibling, or a pod created since. */
    enum ReadyAfterEviction { NONE, SIBLING, NEW_POD }

    ReadyAfterEviction readyAfterLastEviction() {
        Seen s = last;
        OwnerReference owner = s == null ? null : Soak.controller(s.pod());
        if (owner == null) {
            return ReadyAfterEviction.NONE;
        }
        Set<String> known = new HashSet<>();
        s.pods().forEach(p -> known.add(p.getMetadata().getUid()));
        ReadyAfterEviction found = ReadyAfterEviction.NONE;
        for (Pod p : api.pods()) {
            OwnerReference o = Soak.controller(p);
            if (o == null || !owner.getUid().equals(o.getUid()) || p.getMetadata().getUid().equals(s.pod().getMetadata().getUid())
                    || p.getMetadata().getDeletionTimestamp() != null || !Soak.ready(p)) {
                continue;
            }
            if (!known.contains(p.getMetadata().getUid())) {
                return ReadyAfterEviction.NEW_POD;
            }
            found = ReadyAfterEviction.SIBLING;
        }
        return found;
    }
    private int evictions;
    private int singleReplica;

    SoakInvariants(HappyPath happyPath, InProcessApi api, Clock clock, Supplier<ClusterSnapshot> read, Consumer<String> log) {
        this.happyPath = happyPath;
        this.api = api;
        this.clock = clock;
        this.read = read;
        this.log = log;
    }

    /** The API's eviction listener: runs on the API's thread, inside its write lock, right after the eviction. */
    void evicted(Pod pod) {
        List<NodeState> nodes = api.nodes().stream().map(n -> ModelConverter.node(Serialization.jsonMapper().<JsonNode>valueToTree(n))).toList();
        Seen s = new Seen(pass, clock.instant(), pod, nodes, api.pods(), api.budgets());
        // not this object's lock: its holder may be waiting for the API's, which this thread holds
        accepted.add(s);
        last = s;
        log.accept("evicted " + Soak.key(pod) + " (uid " + pod.getMetadata().getUid() + ") from " + pod.getSpec().getNodeName()
                + (s.pass() == 0 ? " outside any pass" : " by pass " + s.pass()));
    }

    /** Takes in the evictions the API's thread has captured since the last call. */
    private void drain() {
        for (Seen s = accepted.poll(); s != null; s = accepted.poll()) {
            seen.add(s);
            evictions++;
            OwnerReference owner = Soak.controller(s.pod());
            if (owner != null) {
                trackers.add(new Tracker(s, owner.getUid()));
            }
        }
    }

    void passStarts(int number) {
        pass = number;
    }

    /** Judges the pass's evictions now that its decisions are known, and starts looking for their replacements. */
    synchronized void passEnds(int number, List<Move> moves) {
        pass = 0;
        drain();
        for (Iterator<Seen> it = seen.iterator(); it.hasNext(); ) {
            Seen s = it.next();
            it.remove();
            judge(s, s.pass() == number ? moves : List.of());
        }
    }

    private void judge(Seen s, List<Move> moves) {
        Pod pod = s.pod();
        String uid = pod.getMetadata().getUid();
        String what = Soak.key(pod) + " (uid " + uid + ") from " + pod.getSpec().getNodeName();
        if (s.pass() == 0) {
            violation(s.at(), "eviction of " + what + " outside any pass");
            return;
        }
        Optional<Move> move = moves.stream().filter(m -> uid.equals(m.pod().uid()) && m.target() != null).findFirst();
        if (move.isEmpty()) {
            List<String> sameName = moves.stream().filter(m -> m.pod().key().equals(Soak.key(pod)))
                    .map(m -> m.pod().uid() + " " + m.outcome()).toList();
            violation(s.at(), "pass " + s.pass() + " evicted " + what + ", a pod it did not decide on"
                    + (sameName.isEmpty() ? "" : " (it decided on the same name with uid " + sameName + ")"));
        } else if (move.get().outcome() != Outcome.EVICTED && move.get().outcome() != Outcome.FAILED) {
            violation(s.at(), "pass " + s.pass() + " evicted " + what + " but reports it " + move.get().outcome() + ": "
                    + String.join("; ", move.get().details()));
        }
        GateVerdict gate = Gate.judge(s.nodes(), happyPath, s.at());
        if (!gate.open()) {
            violation(s.at(), "eviction of " + what + " with the gate closed: " + gate.summary());
        }
        notReady(s, pod.getSpec().getNodeName()).ifPresent(n -> violation(s.at(), "eviction of " + what + " from a node that is not Ready: " + n));
        String target = move.map(Move::target).orElse(null);
        if (target != null) {
            notReady(s, target).ifPresent(n -> violation(s.at(), "eviction of " + what + " towards a node that is not Ready: " + n));
        }
        budgets(s, what);
        OwnerReference owner = Soak.controller(pod);
        if (owner != null) {
            replicas(s, what, owner.getUid());
        }
        Optional<Tracker> tracker = trackers.stream().filter(t -> t.eviction == s).findFirst();
        tracker.ifPresent(t -> t.passEnded = true);
        if (move.isPresent() && move.get().outcome() == Outcome.EVICTED && move.get().landedOn() != null && tracker.isPresent()) {
            truthfulLanding(s, what, move.get(), tracker.get());
        }
    }

    /**
     * A move reported EVICTED names where its replacement came up: that must be a pod created after the
     * eviction (by UID), Ready on that node at some point before the pass ended; not a sibling that was
     * there all along.
     */
    private void truthfulLanding(Seen s, String what, Move move, Tracker t) {
        if (t.readyOn.isEmpty()) {
            violation(s.at(), "pass " + s.pass() + " reports the replacement of " + what + " Ready on " + move.landedOn()
                    + ", but no pod created after the eviction had been Ready by the end of the pass: "
                    + String.join("; ", move.details()));
        } else if (!t.readyOn.contains(move.landedOn())) {
            violation(s.at(), "pass " + s.pass() + " reports the replacement of " + what + " Ready on " + move.landedOn()
                    + ", but it came up on " + t.readyOn);
        }
    }

    private static Optional<String> notReady(Seen s, String node) {
        Optional<NodeState> n = s.nodes().stream().filter(x -> x.name().equals(node)).findFirst();
        if (n.isEmpty()) {
            return Optional.of(node + " (no such node)");
        }
        return n.get().isReady() ? Optional.empty() : Optional.of(node);
    }

    /** After the eviction, every budget covering the pod still has as many healthy pods as it asks for. */
    private void budgets(Seen s, String what) {
        Pod pod = s.pod();
        for (PodDisruptionBudget b : s.budgets()) {
            if (!selects(b, pod)) {
                continue;
            }
            int expected = 1; // the evicted pod, Terminating now
            int healthy = 0;
            for (Pod p : s.pods()) {
                if (p.getMetadata().getDeletionTimestamp() != null || !selects(b, p)) {
                    continue;
                }
                expected++;
                healthy += Soak.ready(p) ? 1 : 0;
            }
            int desired = desired(b, expected);
            if (healthy < desired) {
                violation(s.at(), "eviction of " + what + " leaves PodDisruptionBudget " + b.getMetadata().getNamespace() + "/"
                        + b.getMetadata().getName() + " with " + healthy + " healthy pod(s), it asks for " + desired);
            }
        }
    }

    private static int desired(PodDisruptionBudget b, int expected) {
        if (b.getSpec().getMinAvailable() != null) {
            return resolve(b.getSpec().getMinAvailable(), expected, true);
        }
        if (b.getSpec().getMaxUnavailable() != null) {
            return Math.max(0, expected - resolve(b.getSpec().getMaxUnavailable(), expected, false));
        }
        return expected;
    }

    private static int resolve(IntOrString v, int total, boolean roundUp) {
        if (v.getIntVal() != null) {
            return v.getIntVal();
        }
        double share = Double.parseDouble(v.getStrVal().replace("%", "")) / 100.0;
        return (int) (roundUp ? Math.ceil(total * share) : Math.floor(total * share));
    }

    /** matchLabels, the only selector the soak's budgets use. */
    private static boolean selects(PodDisruptionBudget b, Pod p) {
        if (!b.getMetadata().getNamespace().equals(p.getMetadata().getNamespace()) || b.getSpec().getSelector() == null) {
            return false;
        }
        Map<String, String> labels = p.getMetadata().getLabels() == null ? Map.of() : p.getMetadata().getLabels();
        Map<String, String> wanted = b.getSpec().getSelector().getMatchLabels() == null ? Map.of() : b.getSpec().getSelector().getMatchLabels();
        return wanted.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    /** A workload of two or more replicas keeps a Ready one; the only replica's move is counted apart. */
    private void replicas(Seen s, String what, String controllerUid) {
        int live = 1;
        int ready = 0;
        for (Pod p : s.pods()) {
            Optional<OwnerReference> o = Optional.ofNullable(Soak.controller(p));
            if (p.getMetadata().getDeletionTimestamp() != null || o.isEmpty() || !controllerUid.equals(o.get().getUid())) {
                continue;
            }
            live++;
            ready += Soak.ready(p) ? 1 : 0;
        }
        if (ready > 0) {
            return;
        }
        if (live >= 2) {
            violation(s.at(), "eviction of " + what + " leaves its workload of " + live + " replicas with no Ready replica");
        } else {
            singleReplica++;
        }
    }

    /** After every tick: the replacements that have landed, and where, and which are Ready. */
    synchronized void afterTick() {
        drain();
        if (trackers.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        List<Pod> pods = api.pods();
        for (Iterator<Tracker> it = trackers.iterator(); it.hasNext(); ) {
            Tracker t = it.next();
            for (Pod p : pods) {
                OwnerReference o = Soak.controller(p);
                if (t.known.contains(p.getMetadata().getUid()) || o == null || !t.controllerUid.equals(o.getUid())
                        || p.getSpec().getNodeName() == null || p.getMetadata().getDeletionTimestamp() != null) {
                    continue;
                }
                if (t.landedOn == null) {
                    t.landedOn = p.getSpec().getNodeName();
                    landed(t, p);
                }
                if (Soak.ready(p)) {
                    t.readyOn.add(p.getSpec().getNodeName());
                }
            }
            if (t.passEnded && (t.landedOn != null || now.isAfter(t.eviction.at().plus(LANDING_WINDOW)))) {
                it.remove();
                if (t.landedOn == null) {
                    log.accept("no replacement of " + Soak.key(t.eviction.pod()) + " bound within " + LANDING_WINDOW.toMinutes() + "m");
                }
            }
        }
    }

    private void landed(Tracker a, Pod replacement) {
        String node = replacement.getSpec().getNodeName();
        log.accept("replacement " + Soak.key(replacement) + " of " + Soak.key(a.eviction.pod()) + " bound to " + node);
        ClusterSnapshot snapshot = read.get();
        Optional<NodeState> landing = snapshot.nodes().stream().filter(n -> n.name().equals(node)).findFirst();
        if (landing.isEmpty() || happyPath.roleOf(landing.get()) != NodeRole.LIFEBOAT) {
            return;
        }
        Decision d = Decision.decide(snapshot, happyPath, Ledger.EMPTY, snapshot.readAt());
        Optional<Placement> placement = d.comparison().placements().stream()
                .filter(p -> p.pod().uid().equals(replacement.getMetadata().getUid())).findFirst();
        if (placement.isEmpty() || placement.get().status() != Status.LIFEBOATED || placement.get().homeNodes() == null) {
            return;
        }
        List<String> homes = snapshot.nodes().stream().filter(n -> placement.get().homeNodes().contains(n.name()))
                .filter(n -> n.isReady() && !n.unschedulable()).map(NodeState::name).toList();
        if (!homes.isEmpty() && !Fingerprints.nodes(a.eviction.nodes()).equals(Fingerprints.nodes(snapshot.nodes()))) {
            // A node was cordoned, tainted or lost between the eviction and the binding: the scheduler answered a
            // world the pass could not have read. Not the rebalancer's move; the pass must still report it
            // (LANDED_OFF_HOME, judged with the pass) and the ledger must not freeze it there for good.
            log.accept("replacement " + Soak.key(replacement) + " landed on the lifeboat " + node
                    + " after the nodes changed since the eviction: the scheduler's answer to a new world");
            return;
        }
        if (!homes.isEmpty()) {
            violation(clock.instant(), "the replacement " + Soak.key(replacement) + " of evicted " + Soak.key(a.eviction.pod())
                    + " landed on the lifeboat " + node + " while its home " + homes + " was Ready and schedulable");
        }
    }

    /** Evictions whose pass never ended are judged as outside any pass. */
    synchronized void finish() {
        passEnds(-1, List.of());
    }

    synchronized void violation(String what) {
        violation(clock.instant(), what);
    }

    private void violation(Instant at, String what) {
        String line = at + " VIOLATION " + what;
        violations.add(line);
        log.accept(line);
    }

    synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    synchronized int evictions() {
        drain();
        return evictions;
    }

    synchronized int singleReplicaDowntimes() {
        return singleReplica;
    }
}
