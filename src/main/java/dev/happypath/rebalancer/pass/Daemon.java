package dev.happypath.rebalancer.pass;

import dev.happypath.rebalancer.OutOfMemory;
import dev.happypath.rebalancer.StopSignal;
import dev.happypath.rebalancer.metrics.PassMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A long-running rebalancer: passes on triggers (the cron schedule, a node recovering), one at a time in
 * this process and, through the Lease, one process at a time in the cluster. A trigger that arrives while
 * a pass runs queues at most one more pass; a process that does not hold the Lease skips its triggers.
 * Each pass gets a {@link StopSignal} of its own, stopped when the Lease is lost (the executor abandons
 * its wait and evicts nothing more) or when the daemon stops.
 */
public final class Daemon implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    /** One pass; throws when it could not complete (the daemon logs it and goes on). */
    @FunctionalInterface
    public interface PassAction {
        void run(String trigger, String identity, StopSignal stop);
    }

    private final Lease lease;
    private final String identity;
    private final PassMetrics metrics;
    private final PassAction action;
    private final ExecutorService passes = Executors.newSingleThreadExecutor(r -> new Thread(r, "pass"));
    private final AtomicBoolean queued = new AtomicBoolean();
    private final StopSignal stopping;
    private final Thread election;
    private final StopSignal process;
    private volatile Lease.Held held;
    private volatile StopSignal running;
    private volatile Throwable fatal;

    /**
     * @param process the process's signal (SIGTERM): it reaches a running pass at once, with its reason; the
     *                daemon stops it itself ({@link StopSignal.Reason#FATAL}) when a pass meets an error or its
     *                Lease election dies
     */
    public Daemon(Lease lease, String identity, PassMetrics metrics, StopSignal process, PassAction action) {
        this.process = process;
        this.stopping = process.child();
        this.lease = lease;
        this.identity = identity;
        this.metrics = metrics;
        this.action = action;
        this.election = new Thread(this::contend, "lease-election");
        this.election.setDaemon(true);
        // the election must not die: if it did, this process would never lead again, and say nothing
        this.election.setUncaughtExceptionHandler((thread, e) -> fail("the Lease election", e));
    }

    /** Starts contending for the Lease; triggers act only while it is held. */
    public void start() {
        LOG.info("daemon {} contending for the Lease {}", identity, lease.where());
        election.start();
    }

    /** Keeps contending: after a lost Lease, a new election, so that this process can take over again. */
    private void contend() {
        while (!stopping.isStopped()) {
            Lease.Held current = lease.contend(identity, () -> metrics.leaseHeld(true), this::lost);
            held = current;
            // stop() may have closed the previous contention just before this one was published
            if (stopping.isStopped()) {
                current.close();
                break;
            }
            try {
                current.awaitEnd();
            } finally {
                current.close();
                metrics.leaseHeld(false);
            }
        }
    }

    private void lost() {
        metrics.leaseHeld(false);
        StopSignal pass = running;
        if (pass != null) {
            LOG.warn("lost the Lease during a pass: stopping it");
            pass.stop(StopSignal.Reason.LEASE_LOST);
        }
    }

    /** Whether this process holds the Lease and may act. */
    public boolean leading() {
        Lease.Held h = held;
        return h != null && h.leading();
    }

    /** Asks for a pass; returns at once. */
    public void trigger(String why) {
        if (stopping.isStopped()) {
            return;
        }
        if (!leading()) {
            LOG.info("{} trigger skipped: the Lease is held by another rebalancer (or not yet by this one)", why);
            metrics.pass(why, "skipped");
            return;
        }
        if (!queued.compareAndSet(false, true)) {
            LOG.info("{} trigger merged into the pass already waiting", why);
            return;
        }
        passes.submit(() -> {
            queued.set(false);
            runOne(why);
        });
    }

    private void runOne(String why) {
        if (stopping.isStopped() || !leading()) {
            metrics.pass(why, "skipped");
            return;
        }
        try (StopSignal stop = stopping.child()) {
            running = stop;
            LOG.info("pass triggered by {}", why);
            action.run(why, identity, stop);
        } catch (RuntimeException e) {
            LOG.error("pass triggered by {} failed: {}", why, e.getMessage());
            LOG.debug("pass failure", e);
            metrics.pass(why, "failed");
        } catch (Error e) {
            // Out of memory, a stack overflow, a class that would not load: the JVM may be damaged beyond
            // this pass (another thread may have met the same error). Before, the pass's executor kept the
            // error in a Future nobody read: no log, no metric, and the next passes failed the same way in
            // silence while this process kept the Lease.
            metrics.pass(why, "failed");
            fail("pass triggered by " + why, e);
        } finally {
            running = null;
        }
    }

    /**
     * What must not die did: the daemon says why and stops its process's signal, and its owner stops it
     * (the Lease released) and exits 1 for the kubelet to restart the container.
     */
    private void fail(String what, Throwable e) {
        fatal = e;
        OutOfMemoryError oom = OutOfMemory.in(e);
        LOG.error("{} failed, the daemon stops: {}", what, oom != null ? OutOfMemory.sentence(oom) : "internal error: " + e);
        LOG.debug("fatal failure", e);
        process.stop(StopSignal.Reason.FATAL);
    }

    /** What stopped the daemon from within (a pass's error, the election's), or null (SIGTERM, or still running). */
    public Throwable fatal() {
        return fatal;
    }

    /**
     * Stops: no new passes, the running one told to stop (it abandons its eviction wait) and awaited up to
     * {@code grace}, then the Lease released so that another rebalancer can take over at once.
     */
    public void stop(Duration grace) {
        if (running != null) {
            LOG.info("stopping: telling the running pass to stop");
        }
        stopping.stop(StopSignal.Reason.DAEMON_STOPPING);
        passes.shutdown();
        try {
            if (!passes.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("the running pass did not stop within {}s", grace.toSeconds());
            }
        } catch (InterruptedException e) {
            // an interrupt from outside: go on releasing the Lease, keep the flag for whoever sent it
            Thread.currentThread().interrupt();
        }
        Lease.Held h = held;
        if (h != null) {
            h.close();
        }
        try {
            election.join(grace.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopping.close();
        LOG.info("daemon {} stopped; Lease released", identity);
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(20));
    }
}
