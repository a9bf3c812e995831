package dev.happypath.rebalancer.pass;

import dev.happypath.rebalancer.StopSignal;
import dev.happypath.rebalancer.metrics.PassMetrics;
import dev.happypath.rebalancer.testing.Await;
import dev.happypath.rebalancer.testing.InMemoryLease;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The daemon's loop on an in-memory Lease: each pass gets a stop signal of its own, which the Lease lost
 * and SIGTERM stop, with their reasons; nothing is interrupted.
 */
class DaemonLoopTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** A pass that runs until told to stop, and says why it stopped. */
    private static final class StoppablePass implements Daemon.PassAction {
        final CountDownLatch started = new CountDownLatch(1);
        final AtomicReference<StopSignal.Reason> stoppedBy = new AtomicReference<>();
        final AtomicInteger runs = new AtomicInteger();

        @Override
        public void run(String trigger, String identity, StopSignal stop) {
            runs.incrementAndGet();
            started.countDown();
            stop.await(Duration.ofMinutes(1));
            stoppedBy.set(stop.reason());
        }

        void awaitStarted() throws InterruptedException {
            assertThat(started.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the pass started").isTrue();
        }
    }

    @Test
    void losingTheLeaseStopsTheRunningPassAndTheDaemonContendsAgain() throws Exception {
        InMemoryLease lease = new InMemoryLease();
        StoppablePass pass = new StoppablePass();
        Daemon daemon = new Daemon(lease, "daemon-1", new PassMetrics(), new StopSignal(), pass);
        daemon.start();
        try {
            Await.until(WAIT, "the Lease taken", daemon::leading);
            daemon.trigger("schedule");
            pass.awaitStarted();

            lease.lose();

            Await.until(WAIT, "the pass stopped", () -> pass.stoppedBy.get() != null);
            assertThat(pass.stoppedBy.get()).isEqualTo(StopSignal.Reason.LEASE_LOST);
            Await.until(WAIT, "the Lease taken again", daemon::leading);
        } finally {
            daemon.stop(WAIT);
        }
        assertThat(lease.history()).startsWith("taken by daemon-1", "lost by daemon-1", "taken by daemon-1");
        assertThat(lease.history()).last().isEqualTo("released by daemon-1");
    }

    @Test
    void sigtermReachesTheRunningPassWithItsReasonAndTheLeaseIsReleased() throws Exception {
        InMemoryLease lease = new InMemoryLease();
        StopSignal process = new StopSignal();
        StoppablePass pass = new StoppablePass();
        Daemon daemon = new Daemon(lease, "daemon-1", new PassMetrics(), process, pass);
        daemon.start();
        Await.until(WAIT, "the Lease taken", daemon::leading);
        daemon.trigger("node-recovery");
        pass.awaitStarted();

        process.stop(StopSignal.Reason.SHUTDOWN);
        daemon.stop(WAIT);

        assertThat(pass.stoppedBy.get()).isEqualTo(StopSignal.Reason.SHUTDOWN);
        assertThat(lease.held()).isFalse();
        assertThat(lease.history()).last().isEqualTo("released by daemon-1");
        daemon.trigger("schedule");
        assertThat(pass.runs).as("a stopped daemon runs no more passes").hasValue(1);
    }

    /**
     * An error no pass can recover from (the heap run out) stops the daemon with its reason, counted as a
     * failed pass, instead of vanishing into the pass executor's Future: the next passes would fail the
     * same way in silence while this process kept the Lease.
     */
    @Test
    void aPassThatRunsOutOfMemoryStopsTheDaemon() throws Exception {
        InMemoryLease lease = new InMemoryLease();
        StopSignal process = new StopSignal();
        PassMetrics metrics = new PassMetrics();
        AtomicInteger runs = new AtomicInteger();
        Daemon daemon = new Daemon(lease, "daemon-1", metrics, process, (trigger, identity, stop) -> {
            runs.incrementAndGet();
            throw new OutOfMemoryError("Java heap space");
        });
        daemon.start();
        try {
            Await.until(WAIT, "the Lease taken", daemon::leading);
            daemon.trigger("schedule");

            assertThat(process.await(WAIT)).as("the daemon stopped its process").isTrue();
            assertThat(process.reason()).isEqualTo(StopSignal.Reason.FATAL);
            assertThat(daemon.fatal()).isInstanceOf(OutOfMemoryError.class);
            assertThat(metrics.scrape()).containsPattern("happypath_passes_total\\{[^}]*result=\"failed\"[^}]*} 1.0");
            daemon.trigger("schedule");
            assertThat(runs).as("a stopped daemon runs no more passes").hasValue(1);
        } finally {
            daemon.stop(WAIT);
        }
        assertThat(lease.held()).as("the Lease released for another replica").isFalse();
    }

    @Test
    void anyErrorInAPassStopsTheDaemonToo() throws Exception {
        StopSignal process = new StopSignal();
        Daemon daemon = new Daemon(new InMemoryLease(), "daemon-1", new PassMetrics(), process, (trigger, identity, stop) -> {
            throw new StackOverflowError();
        });
        daemon.start();
        try {
            Await.until(WAIT, "the Lease taken", daemon::leading);
            daemon.trigger("node-recovery");
            assertThat(process.await(WAIT)).as("the daemon stopped its process").isTrue();
            assertThat(daemon.fatal()).isInstanceOf(StackOverflowError.class);
        } finally {
            daemon.stop(WAIT);
        }
    }

    /** The election's thread dying would leave a process that never leads again and says nothing. */
    @Test
    void anElectionThatDiesStopsTheDaemon() {
        StopSignal process = new StopSignal();
        Lease broken = new Lease() {
            @Override
            public String where() {
                return "happypath-rebalancer/happypath-rebalancer";
            }

            @Override
            public Holder holder() {
                return null;
            }

            @Override
            public Held contend(String identity, Runnable taken, Runnable lost) {
                throw new OutOfMemoryError("Java heap space");
            }
        };
        Daemon daemon = new Daemon(broken, "daemon-1", new PassMetrics(), process, (trigger, identity, stop) -> {
        });
        daemon.start();
        try {
            assertThat(process.await(WAIT)).as("the daemon stopped its process").isTrue();
            assertThat(process.reason()).isEqualTo(StopSignal.Reason.FATAL);
            assertThat(daemon.fatal()).isInstanceOf(OutOfMemoryError.class);
        } finally {
            daemon.stop(WAIT);
        }
    }

    @Test
    void aDaemonThatDoesNotHoldTheLeaseSkipsItsTriggers() {
        InMemoryLease lease = new InMemoryLease().heldBy("other-rebalancer");
        StoppablePass pass = new StoppablePass();
        Daemon daemon = new Daemon(lease, "daemon-1", new PassMetrics(), new StopSignal(), pass);
        daemon.start();
        try {
            daemon.trigger("schedule");
            assertThat(daemon.leading()).isFalse();
            assertThat(pass.runs).hasValue(0);
        } finally {
            daemon.stop(WAIT);
        }
    }
}
