package dev.happypath.rebalancer.daemon;

import dev.happypath.rebalancer.lease.PassLease;
import dev.happypath.rebalancer.metrics.PassMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
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
 * Losing the Lease interrupts the running pass (the executor abandons its wait and evicts nothing more).
 */
public final class Daemon implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    /** One pass; throws when it could not complete (the daemon logs it and goes on). */
    @FunctionalInterface
    public interface PassAction {
        void run(String trigger, String identity);
    }

    private final KubernetesClient client;
    private final String leaseNamespace;
    private final String identity;
    private final PassLease.Timing timing;
    private final PassMetrics metrics;
    private final PassAction action;
    private final ExecutorService passes = Executors.newSingleThreadExecutor(r -> new Thread(r, "pass"));
    private final AtomicBoolean queued = new AtomicBoolean();
    private final Thread election;
    private volatile PassLease lease;
    private volatile Thread running;
    private volatile boolean stopping;

    public Daemon(KubernetesClient client, String leaseNamespace, String identity, PassLease.Timing timing,
                  PassMetrics metrics, PassAction action) {
        this.client = client;
        this.leaseNamespace = leaseNamespace;
        this.identity = identity;
        this.timing = timing;
        this.metrics = metrics;
        this.action = action;
        this.election = new Thread(this::contend, "lease-election");
        this.election.setDaemon(true);
    }

    /** Starts contending for the Lease; triggers act only while it is held. */
    public void start() {
        LOG.info("daemon {} contending for the Lease {}/{}", identity, leaseNamespace, PassLease.NAME);
        election.start();
    }

    /** Keeps contending: after a lost Lease, a new election, so that this process can take over again. */
    private void contend() {
        while (!stopping) {
            PassLease current = PassLease.contend(client, leaseNamespace, identity, timing,
                    () -> metrics.leaseHeld(true), this::lost);
            lease = current;
            try {
                current.awaitEnd();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                current.close();
                metrics.leaseHeld(false);
            }
        }
    }

    private void lost() {
        metrics.leaseHeld(false);
        Thread pass = running;
        if (pass != null) {
            LOG.warn("lost the Lease during a pass: interrupting it");
            pass.interrupt();
        }
    }

    /** Whether this process holds the Lease and may act. */
    public boolean leading() {
        PassLease l = lease;
        return l != null && l.leading();
    }

    /** Asks for a pass; returns at once. */
    public void trigger(String why) {
        if (stopping) {
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
        if (stopping || !leading()) {
            metrics.pass(why, "skipped");
            return;
        }
        running = Thread.currentThread();
        try {
            LOG.info("pass triggered by {}", why);
            action.run(why, identity);
        } catch (RuntimeException e) {
            LOG.error("pass triggered by {} failed: {}", why, e.getMessage());
            LOG.debug("pass failure", e);
            metrics.pass(why, "failed");
        } finally {
            running = null;
            // an interrupt meant for this pass must not leak into the next
            Thread.interrupted();
        }
    }

    /**
     * Stops: no new passes, the running one interrupted (it abandons its eviction wait) and awaited up to
     * {@code grace}, then the Lease released so that another rebalancer can take over at once.
     */
    public void stop(Duration grace) {
        stopping = true;
        Thread pass = running;
        if (pass != null) {
            LOG.info("stopping: interrupting the running pass");
            pass.interrupt();
        }
        passes.shutdownNow();
        try {
            if (!passes.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("the running pass did not stop within {}s", grace.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        PassLease l = lease;
        if (l != null) {
            l.close();
        }
        election.interrupt();
        try {
            election.join(grace.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("daemon {} stopped; Lease released", identity);
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(20));
    }
}
