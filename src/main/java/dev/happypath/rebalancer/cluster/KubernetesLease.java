package dev.happypath.rebalancer.cluster;

import dev.happypath.rebalancer.StopSignal;
import dev.happypath.rebalancer.pass.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The coordination.k8s.io/v1 Lease that makes every rebalancer acting on a cluster take turns: daemons,
 * the CronJob's live runs and one-shot jobs all hold the same Lease while they may evict. Only reading
 * and reporting (dry runs) go without it.
 *
 * <p>Built on fabric8's {@link LeaderElector}: it creates the Lease, renews it every retry period, and
 * takes it over only after the holder has failed to renew for a whole lease duration. The API server's
 * optimistic concurrency (the resourceVersion in each update) makes two contenders for one Lease end
 * with one holder. The pass sees it through the {@link Lease} port.
 */
public final class KubernetesLease implements Lease {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesLease.class);

    /** The Lease's name: the same for every installation mode, so they exclude each other. */
    public static final String NAME = Lease.NAME;

    private final KubernetesClient client;
    private final String namespace;
    private final Timing timing;

    /**
     * @param leaseDuration how long a holder that stopped renewing keeps the Lease; the renew deadline is
     *                      two thirds of it and the retry period a fifth (client-go's 15s/10s/2s ratios)
     */
    public record Timing(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {

        public static Timing of(Duration leaseDuration) {
            return new Timing(leaseDuration, leaseDuration.multipliedBy(2).dividedBy(3), leaseDuration.dividedBy(5));
        }
    }

    public KubernetesLease(KubernetesClient client, String namespace, Timing timing) {
        this.client = client;
        this.namespace = namespace;
        this.timing = timing;
    }

    @Override
    public String where() {
        return namespace + "/" + NAME;
    }

    @Override
    public Lease.Holder holder() {
        return currentHolder(client, namespace);
    }

    @Override
    public Contention contend(String identity, Runnable taken, Runnable lost) {
        Contention c = new Contention(client, namespace, identity, timing);
        c.onLost.set(lost);
        c.onStarted.set(taken);
        c.start();
        return c;
    }

    /** Where the Lease lives unless told: the pod's own namespace (downward API), else the install's default. */
    public static String defaultNamespace() {
        String ns = System.getenv("POD_NAMESPACE");
        return ns == null || ns.isBlank() ? "happypath-rebalancer" : ns;
    }

    /** Who holds the Lease now according to the API, or null when nobody holds a valid one. */
    public static Lease.Holder currentHolder(KubernetesClient client, String namespace) {
        LeaderElectionRecord r;
        try {
            r = new LeaseLock(namespace, NAME, "observer").get(client);
        } catch (KubernetesClientException e) {
            throw ApiErrors.describe(e, "get", "leases.coordination.k8s.io", "in namespace " + namespace,
                    String.valueOf(client.getMasterUrl()));
        }
        if (r == null || r.getHolderIdentity() == null || r.getHolderIdentity().isEmpty() || r.getRenewTime() == null) {
            return null;
        }
        ZonedDateTime expires = r.getRenewTime().plus(r.getLeaseDuration());
        if (ZonedDateTime.now(expires.getZone()).isAfter(expires)) {
            return null;
        }
        return new Lease.Holder(r.getHolderIdentity(), r.getRenewTime().toInstant().toString());
    }

    /** What the Lease says about {@code holder} at {@code now}. */
    static String holderLine(String namespace, String holder, LeaderElectionRecord r, ZonedDateTime now) {
        String lease = "lease " + namespace + "/" + NAME;
        if (r == null || !holder.equals(r.getHolderIdentity()) || r.getRenewTime() == null || r.getLeaseDuration() == null) {
            return lease + " is held by " + holder;
        }
        ZonedDateTime expires = r.getRenewTime().plus(r.getLeaseDuration());
        if (!now.isAfter(expires)) {
            return lease + " is held by " + holder + " (renewed at " + r.getRenewTime().toInstant() + ", valid until "
                    + expires.toInstant() + ")";
        }
        if (r.getLeaseDuration().compareTo(Duration.ofSeconds(1)) <= 0) {
            return lease + " was released by " + holder + " at " + r.getRenewTime().toInstant() + "; taking it";
        }
        return lease + " expired: " + holder + " last renewed it at " + r.getRenewTime().toInstant() + " (for "
                + r.getLeaseDuration().toSeconds() + "s) and stopped, or cannot reach the API server; taking it";
    }

    /** One contention through fabric8's LeaderElector, on a thread of its own. */
    public static final class Contention implements Lease.Held {

        private final KubernetesClient client;
        private final String namespace;
        private final String identity;
        private final Timing timing;
        private final RecordingLock lock;
        private final ScheduledExecutorService executor;
        private final AtomicReference<Runnable> onLost = new AtomicReference<>(() -> { });
        private final AtomicReference<Runnable> onStarted = new AtomicReference<>(() -> { });
        private volatile boolean isLeader;
        private volatile boolean closing;
        private CompletableFuture<?> election;

        private Contention(KubernetesClient client, String namespace, String identity, Timing timing) {
            this.client = client;
            this.namespace = namespace;
            this.identity = identity;
            this.timing = timing;
            this.lock = new RecordingLock(new LeaseLock(namespace, NAME, identity));
            this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "lease-" + NAME);
                t.setDaemon(true);
                return t;
            });
        }

        private void start() {
            LeaderElectionConfig config = new LeaderElectionConfig(lock, timing.leaseDuration(), timing.renewDeadline(),
                    timing.retryPeriod(), new LeaderCallbacks(this::started, this::stopped, this::newLeader), true, NAME);
            election = new LeaderElector(client, config, executor).start();
        }

        private void started() {
            isLeader = true;
            LOG.info("holding lease {}/{} as {}", namespace, NAME, identity);
            onStarted.get().run();
        }

        private void stopped() {
            boolean was = isLeader;
            isLeader = false;
            if (was && !closing) {
                LOG.warn("lost lease {}/{}: stopping what this process does", namespace, NAME);
                onLost.get().run();
            }
        }

        /**
         * LeaderElector names the holder it finds in the Lease, also one that released it (fabric8 releases by
         * shortening the Lease to one second) or let it expire: say which, so that "held by X" is never
         * followed by this process taking it.
         */
        private void newLeader(String holder) {
            if (holder == null || holder.isEmpty() || holder.equals(identity)) {
                return;
            }
            LOG.info("{}", holderLine(namespace, holder, lock.lastRead.get(), ZonedDateTime.now()));
        }

        /** Waits until held, held by another for one lease duration, refused by the API, or told to stop. */
        @Override
        public Wait awaitLeading(StopSignal stop) {
            long deadline = System.nanoTime() + timing.leaseDuration().toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                // short steps: a refusal (403) is known after the first attempt, not a retry period later
                long step = Math.min(Math.max(left, 0), Math.min(timing.retryPeriod().toNanos(), TimeUnit.MILLISECONDS.toNanos(100)));
                if (isLeader) {
                    return Wait.LEADING;
                }
                if (lock.lastError.get() != null) {
                    return Wait.FAILED;
                }
                if (left <= 0) {
                    return Wait.HELD_ELSEWHERE;
                }
                if (stop.await(Duration.ofNanos(step))) {
                    return Wait.STOPPED;
                }
            }
        }

        @Override
        public boolean leading() {
            return isLeader;
        }

        @Override
        public void awaitEnd() {
            try {
                election.join();
            } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
                LOG.debug("lease election ended: {}", e.toString());
            }
        }

        @Override
        public String lastError() {
            KubernetesClientException e = lock.lastError.get();
            if (e == null) {
                return null;
            }
            String verb = lock.lastVerb.get();
            return ApiErrors.describe(e, verb, "leases.coordination.k8s.io", "in namespace " + namespace,
                    String.valueOf(client.getMasterUrl())).getMessage();
        }

        @Override
        public void close() {
            boolean held = isLeader;
            closing = true;
            lock.lastError.set(null);
            if (election != null) {
                // LeaderElector releases a held Lease (releaseOnCancel) when its future is cancelled.
                election.cancel(true);
            }
            executor.shutdown();
            try {
                if (!executor.awaitTermination(timing.renewDeadline().toMillis() + 1000, TimeUnit.MILLISECONDS)) {
                    executor.shutdownNow();
                }
            } catch (InterruptedException e) {
                // an interrupt from outside: the release is abandoned, the Lease expires by itself
                executor.shutdownNow();
                Thread.currentThread().interrupt();
            }
            if (held && lock.lastError.get() != null) {
                LOG.warn("could not release the Lease {}/{} ({}): it expires by itself {}s after its last renewal", namespace, NAME,
                        lastError(), timing.leaseDuration().toSeconds());
            }
        }
    }

    /** Remembers the API's last refusal: LeaderElector logs and retries, the caller wants to say why. */
    private static final class RecordingLock implements Lock {
        private final Lock delegate;
        private final AtomicReference<KubernetesClientException> lastError = new AtomicReference<>();
        private final AtomicReference<String> lastVerb = new AtomicReference<>();
        /** The Lease as last read: LeaderElector names a new holder right after reading it. */
        private final AtomicReference<LeaderElectionRecord> lastRead = new AtomicReference<>();

        RecordingLock(Lock delegate) {
            this.delegate = delegate;
        }

        @Override
        public LeaderElectionRecord get(KubernetesClient client) {
            LeaderElectionRecord r = call("get", () -> delegate.get(client));
            lastRead.set(r);
            return r;
        }

        @Override
        public void create(KubernetesClient client, LeaderElectionRecord record) {
            call("create", () -> {
                delegate.create(client, record);
                return null;
            });
        }

        @Override
        public void update(KubernetesClient client, LeaderElectionRecord record) {
            // fabric8's LeaseLock sends a JSON merge patch carrying the resourceVersion it read
            call("patch", () -> {
                delegate.update(client, record);
                return null;
            });
        }

        private <T> T call(String verb, java.util.function.Supplier<T> action) {
            try {
                T result = action.get();
                if (!verb.equals("get")) {
                    lastError.set(null);
                }
                return result;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    lastVerb.set(verb);
                    lastError.set(e);
                }
                throw e;
            }
        }

        @Override
        public String identity() {
            return delegate.identity();
        }

        @Override
        public String describe() {
            return delegate.describe();
        }
    }
}
