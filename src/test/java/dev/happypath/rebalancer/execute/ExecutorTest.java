package dev.happypath.rebalancer.execute;

import dev.happypath.rebalancer.StopSignal;
import dev.happypath.rebalancer.execute.EvictionApi.Attempt;
import dev.happypath.rebalancer.plan.Decision;
import dev.happypath.rebalancer.plan.Move;
import dev.happypath.rebalancer.plan.MoveCode;
import dev.happypath.rebalancer.plan.Outcome;
import dev.happypath.rebalancer.plan.Plan;
import dev.happypath.rebalancer.testing.FakeTime;
import dev.happypath.rebalancer.testing.Fixtures;
import dev.happypath.rebalancer.testing.InMemoryCluster;
import dev.happypath.rebalancer.testing.InMemoryLedger;
import dev.happypath.rebalancer.testing.Scenario;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.happypath.rebalancer.testing.Scenario.AGENT1;
import static org.assertj.core.api.Assertions.assertThat;

/** The executor on in-memory ports only: what it sends, waits for, records, and how a stop reaches it. */
class ExecutorTest {

    private final Scenario scenario = Scenario.parse("two-lifeboated", Fixtures.TWO_LIFEBOATED);
    private final FakeTime time = new FakeTime(scenario.now());
    private final InMemoryCluster cluster = new InMemoryCluster(scenario.snapshot(), time).landing(p -> AGENT1);
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final Plan plan = Decision.decide(scenario.snapshot(), scenario.happyPath(), ledger.read(), scenario.now()).plan();
    private static final Attempt REFUSED = new Attempt(Attempt.Kind.REFUSED_BY_BUDGET, 429, "Cannot evict pod as it would violate the pod's disruption budget");

    private Execution execute(Sleeper sleeper, StopSignal stop) {
        return new Executor(cluster, ledger::read, ledger::record, scenario.happyPath(), time, sleeper).execute(plan, stop);
    }

    private static Move move(Execution e, String name) {
        return e.moves().stream().filter(m -> m.pod().name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void aBudgetRefusalIsRetriedAfterItsBackoffOnAFreshRecheck() {
        cluster.answer("argocd/a-server", REFUSED);
        Execution done = execute(time, new StopSignal());

        assertThat(move(done, "a-server").outcome()).isEqualTo(Outcome.EVICTED);
        assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(1));
        assertThat(cluster.evictionRequests()).containsExactly("argocd/a-server", "argocd/a-server", "argocd/b-repo");
        // one read per look before an eviction: two for a-server (first try, retry), one for b-repo
        assertThat(cluster.reads()).isEqualTo(3);
    }

    @Test
    void sigtermDuringTheBudgetBackoffEndsTheWaitAndNothingMoreIsEvicted() {
        StopSignal stop = new StopSignal();
        cluster.answer("argocd/a-server", REFUSED);
        // the backoff's wait is where SIGTERM lands; a real wait returns early, so does this one
        Sleeper interrupted = (d, s) -> stop.stop(StopSignal.Reason.SHUTDOWN);
        Execution done = execute(interrupted, stop);

        assertThat(move(done, "a-server").outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(move(done, "a-server").code()).isEqualTo(MoveCode.RUN_STOPPED);
        assertThat(move(done, "a-server").details().get(0)).isEqualTo("stopping (SIGTERM) before the eviction: not evicted");
        assertThat(move(done, "b-repo").outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(cluster.evictionRequests()).containsExactly("argocd/a-server");
        assertThat(ledger.recorded()).isEmpty();
    }

    @Test
    void aStopDuringTheReplacementWaitCutsItShortAndTheEvictionIsRemembered() {
        StopSignal stop = new StopSignal();
        cluster.landing(p -> null).onEvicted(p -> stop.stop(StopSignal.Reason.LEASE_LOST));
        Execution done = execute(time, stop);

        Move a = move(done, "a-server");
        assertThat(a.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(a.code()).isEqualTo(MoveCode.REPLACEMENT_NOT_READY);
        assertThat(a.details().get(0)).isEqualTo("evicted; stopping (the Lease lost) cut the wait for its replacement short: its controller "
                + "recreates it regardless, the next pass sees where it landed");
        assertThat(ledger.recorded()).hasSize(1);
        assertThat(move(done, "b-repo").code()).isEqualTo(MoveCode.RUN_STOPPED);
        assertThat(cluster.evictionRequests()).containsExactly("argocd/a-server");
    }

    @Test
    void aPodRecreatedUnderItsNameIsNeverEvictedInItsPlace() {
        cluster.answer("argocd/a-server", new Attempt(Attempt.Kind.CONFLICT, 409, "Precondition failed"));
        Execution done = execute(time, new StopSignal());

        assertThat(move(done, "a-server").outcome()).isEqualTo(Outcome.SKIPPED);
        assertThat(move(done, "a-server").code()).isEqualTo(MoveCode.RECREATED_SINCE_PLAN);
        assertThat(move(done, "b-repo").outcome()).isEqualTo(Outcome.EVICTED);
        assertThat(ledger.recorded()).hasSize(1);
    }
}
