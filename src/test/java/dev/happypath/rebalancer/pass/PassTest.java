package dev.happypath.rebalancer.pass;

import dev.happypath.rebalancer.RuntimeFailure;
import dev.happypath.rebalancer.StopSignal;
import dev.happypath.rebalancer.execute.EvictionApi.Attempt;
import dev.happypath.rebalancer.plan.Move;
import dev.happypath.rebalancer.plan.MoveCode;
import dev.happypath.rebalancer.plan.Outcome;
import dev.happypath.rebalancer.plan.Scope;
import dev.happypath.rebalancer.testing.FakeTime;
import dev.happypath.rebalancer.testing.Fixtures;
import dev.happypath.rebalancer.testing.InMemoryCluster;
import dev.happypath.rebalancer.testing.InMemoryLease;
import dev.happypath.rebalancer.testing.InMemoryLedger;
import dev.happypath.rebalancer.testing.RecordedEvents;
import dev.happypath.rebalancer.testing.Scenario;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.happypath.rebalancer.testing.Scenario.AGENT1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The whole pass on in-memory ports only: no API server, no client, no threads but the test's. What each
 * port saw (evictions, ledger writes, Events, the Lease's history) is the evidence.
 */
class PassTest {

    static final String TWO_LIFEBOATED = Fixtures.TWO_LIFEBOATED;

    /** A pass on fakes, and the fakes to look at afterwards. */
    static final class World {
        final Scenario scenario = Scenario.parse("two-lifeboated", TWO_LIFEBOATED);
        final FakeTime time = new FakeTime(scenario.now());
        final InMemoryCluster cluster = new InMemoryCluster(scenario.snapshot(), time).landing(p -> AGENT1);
        final InMemoryLedger ledger = new InMemoryLedger();
        final RecordedEvents events = new RecordedEvents();
        final InMemoryLease lease = new InMemoryLease();

        Pass pass() {
            return new Pass(new Pass.Ports(cluster, cluster, ledger, events, lease, time, time), scenario.happyPath());
        }

        Pass.Result oneShot(StopSignal stop) {
            return pass().oneShot("run1", Scope.ALL, false, stop);
        }
    }

    static Move move(Pass.Result r, String name) {
        return r.moves().stream().filter(m -> m.pod().name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aLivePassEvictsEachStrayUnderTheLeaseRecordsItAndTellsWhatItDid() {
        World w = new World();
        Pass.Result r = w.oneShot(new StopSignal());

        assertThat(r.moves()).extracting(Move::outcome).containsExactly(Outcome.EVICTED, Outcome.EVICTED);
        assertThat(move(r, "a-server").details().get(0)).isEqualTo("replacement argocd/a-server-r Ready on " + AGENT1);
        assertThat(w.cluster.evictionRequests()).containsExactly("argocd/a-server", "argocd/b-repo");
        assertThat(w.ledger.recorded()).hasSize(2);
        assertThat(r.stoppedBy()).isNull();
        assertThat(r.abort()).isNull();
        // the Lease was taken before acting and released after the Events
        assertThat(w.lease.history()).hasSize(2);
        assertThat(w.lease.history().get(0)).startsWith("taken by ");
        assertThat(w.lease.history().get(1)).startsWith("released by ");
        assertThat(w.events.told()).singleElement().satisfies(t -> {
            assertThat(t.moves()).extracting(Move::outcome).containsOnly(Outcome.EVICTED);
            assertThat("taken by " + t.instance()).isEqualTo(w.lease.history().get(0));
        });
        // the report's after-view is the cluster read again: nothing left off the path
        assertThat(r.report().after()).isNotNull();
        assertThat(r.report().after().offPath()).isZero();
    }

    @Test
    void aDryRunReadsAndDecidesButTouchesNothing() {
        World w = new World();
        Pass.Result r = w.pass().dryRun("run1", Scope.ALL, false);

        assertThat(r.moves()).extracting(Move::outcome).containsOnly(Outcome.PLANNED);
        assertThat(w.cluster.evictionRequests()).isEmpty();
        assertThat(w.ledger.recorded()).isEmpty();
        assertThat(w.events.told()).isEmpty();
        assertThat(w.lease.history()).isEmpty();
    }

    @Test
    void whenAnotherRebalancerHoldsTheLeaseNothingIsDone() {
        World w = new World();
        w.lease.heldBy("cronjob-29384_ab12cd34");
        Pass.Result r = w.oneShot(new StopSignal());

        assertThat(r.skipped()).isTrue();
        assertThat(r.heldBy()).isEqualTo("cronjob-29384_ab12cd34 (renewed at 2026-11-21T09:59:58Z)");
        assertThat(w.cluster.evictionRequests()).isEmpty();
        assertThat(w.ledger.recorded()).isEmpty();
        assertThat(w.events.told()).isEmpty();
    }

    @Test
    void anotherRebalancerTakingTheLeaseBetweenTheLookAndTheContentionAlsoMeansNothingIsDone() {
        World w = new World();
        w.lease.takenFirstBy("daemon-7_ffff0000");
        Pass.Result r = w.oneShot(new StopSignal());

        assertThat(r.heldBy()).isEqualTo("another rebalancer, which took it first");
        assertThat(w.cluster.evictionRequests()).isEmpty();
        assertThat(w.lease.history()).as("never held by this pass").isEmpty();
    }

    @Test
    void aLeaseTheApiRefusesIsARuntimeFailureBeforeAnything() {
        World w = new World();
        w.lease.refuse("leases.coordination.k8s.io is forbidden");

        assertThatThrownBy(() -> w.oneShot(new StopSignal())).isInstanceOf(RuntimeFailure.class)
                .hasMessage("could not take the Lease happypath-rebalancer/happypath-rebalancer that keeps two rebalancers from "
                        + "evicting at once: leases.coordination.k8s.io is forbidden");
        assertThat(w.cluster.evictionRequests()).isEmpty();
    }

    @Test
    void theLeaseLostMidPassStopsItAfterTheEvictionInFlightWhichIsStillRecordedAndTold() {
        World w = new World();
        // the Lease expires while the first eviction is answered
        w.cluster.onEvicted(p -> w.lease.lose());
        Pass.Result r = w.oneShot(new StopSignal());

        assertThat(r.stoppedBy()).isEqualTo(StopSignal.Reason.LEASE_LOST);
        assertThat(move(r, "a-server").outcome()).isEqualTo(Outcome.EVICTED);
        assertThat(move(r, "b-repo").outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(move(r, "b-repo").code()).isEqualTo(MoveCode.RUN_STOPPED);
        assertThat(move(r, "b-repo").details().get(0)).isEqualTo("stopping (the Lease lost) before the eviction: not evicted");
        assertThat(w.cluster.evictionRequests()).containsExactly("argocd/a-server");
        assertThat(w.ledger.recorded()).hasSize(1);
        assertThat(w.events.told()).hasSize(1);
        assertThat(r.report().after()).as("a stopped pass reads nothing more").isNull();
    }

    @Test
    void theLeaseLostDuringTheReplacementWaitCutsItShortAndTheEvictionIsRemembered() {
        World w = new World();
        w.cluster.landing(p -> null); // no replacement comes: the wait would last readyTimeout
        w.cluster.onEvicted(p -> w.lease.lose());
        Pass.Result r = w.oneShot(new StopSignal());

        Move a = move(r, "a-server");
        assertThat(a.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(a.code()).isEqualTo(MoveCode.REPLACEMENT_NOT_READY);
        assertThat(a.details().get(0)).startsWith("evicted; stopping (the Lease lost) cut the wait for its replacement short");
        assertThat(w.ledger.recorded()).as("the eviction happened: remembered").hasSize(1);
        assertThat(move(r, "b-repo").outcome()).isEqualTo(Outcome.DEFERRED);
    }

    @Test
    void sigtermMidPassStopsItTheSameWay() {
        World w = new World();
        StopSignal process = new StopSignal();
        w.cluster.onEvicted(p -> process.stop(StopSignal.Reason.SHUTDOWN));
        Pass.Result r = w.oneShot(process);

        assertThat(r.stoppedBy()).isEqualTo(StopSignal.Reason.SHUTDOWN);
        assertThat(move(r, "b-repo").details().get(0)).isEqualTo("stopping (SIGTERM) before the eviction: not evicted");
        assertThat(w.cluster.evictionRequests()).containsExactly("argocd/a-server");
        assertThat(w.lease.history()).as("released on the way out").last().asString().startsWith("released by ");
    }

    @Test
    void aPassToldToStopBeforeItActsEvictsNothingAndDefersEveryMove() {
        World w = new World();
        StopSignal process = new StopSignal();
        process.stop(StopSignal.Reason.SHUTDOWN);
        Pass.Result r = w.oneShot(process);

        assertThat(r.stoppedBy()).isEqualTo(StopSignal.Reason.SHUTDOWN);
        assertThat(r.moves()).extracting(Move::code).containsOnly(MoveCode.RUN_STOPPED);
        assertThat(w.cluster.evictionRequests()).isEmpty();
        assertThat(w.ledger.recorded()).isEmpty();
    }

    @Test
    void aPlanMadeStaleBeforeTheEvictionIsRefusedByTheRecheck() {
        World w = new World();
        // the daemon's pass reads once to decide; before the re-check's read, a-server's controller moved it home
        w.cluster.afterRead(1, c -> c.recreateOn("argocd/a-server", AGENT1));
        Pass.Result r = w.pass().underLease("run1", Scope.ALL, false, "daemon-1", new StopSignal());

        Move a = move(r, "a-server");
        assertThat(a.outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(a.details().get(0)).startsWith("re-checked before the eviction: ");
        assertThat(w.cluster.evictionRequests()).as("never evicted on a stale plan").containsExactly("argocd/b-repo");
        assertThat(move(r, "b-repo").outcome()).isEqualTo(Outcome.EVICTED);
        assertThat(w.events.told()).singleElement().extracting(RecordedEvents.Told::instance).isEqualTo("daemon-1");
    }

    @Test
    void anEvictionAPodDisruptionBudgetKeepsRefusingIsBlockedAfterPdbTimeoutAndTheRestGoesOn() {
        World w = new World();
        Attempt refused = new Attempt(Attempt.Kind.REFUSED_BY_BUDGET, 429, "Cannot evict pod as it would violate the pod's disruption budget");
        w.cluster.answer("argocd/a-server", refused, refused, refused, refused, refused, refused, refused, refused);
        Pass.Result r = w.oneShot(new StopSignal());

        Move a = move(r, "a-server");
        assertThat(a.outcome()).isEqualTo(Outcome.BLOCKED);
        assertThat(a.code()).isEqualTo(MoveCode.BUDGET_EXHAUSTED);
        assertThat(a.details().get(0)).startsWith("a PodDisruptionBudget refused the eviction ").contains("over 30s (eviction.pdbTimeout)");
        // the backoff doubles from 1s, capped at 15s, the last wait cut to land on the deadline
        assertThat(w.time.sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4),
                Duration.ofSeconds(8), Duration.ofSeconds(15));
        assertThat(move(r, "b-repo").outcome()).isEqualTo(Outcome.EVICTED);
        assertThat(w.ledger.recorded()).as("only the eviction that happened").hasSize(1);
    }

    @Test
    void aLedgerThatCannotBeWrittenAbortsTheRun() {
        World w = new World();
        w.ledger.refuseWrites("configmaps is forbidden");
        Pass.Result r = w.oneShot(new StopSignal());

        assertThat(r.abort()).isEqualTo("the move of argocd/a-server could not be recorded in the ledger: configmaps is forbidden");
        assertThat(move(r, "b-repo").outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(w.cluster.evictionRequests()).containsExactly("argocd/a-server");
    }
}
