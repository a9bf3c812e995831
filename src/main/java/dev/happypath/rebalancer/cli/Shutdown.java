package dev.happypath.rebalancer.cli;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * SIGTERM (what the kubelet sends when a pod must stop, e.g. the CronJob's activeDeadlineSeconds or a
 * node drain): the running command stops acting, releases the Lease and closes the client, and only then
 * may the JVM exit. In production a JVM shutdown hook requests the stop; tests call {@link #request()}.
 */
public final class Shutdown {

    /** How long the hook lets the command finish; under the pod's default 30s grace period. */
    static final Duration GRACE = Duration.ofSeconds(20);

    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);

    /** Installs the JVM hook: on SIGTERM, request the stop and wait for the command to finish. */
    void installHook() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            request();
            try {
                finished.await(GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "shutdown"));
    }

    /** Asks the running command to stop. */
    public void request() {
        if (requested.getCount() == 0) {
            return;
        }
        requested.countDown();
        for (Runnable r : listeners) {
            r.run();
        }
    }

    public boolean requested() {
        return requested.getCount() == 0;
    }

    /** Waits for a stop request; false when {@code max} passed first. */
    boolean await(Duration max) throws InterruptedException {
        return requested.await(max.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs {@code r} when the stop is requested (at once if it already was). */
    void onRequest(Runnable r) {
        listeners.add(r);
        if (requested()) {
            r.run();
        }
    }

    /** The command has let go of everything: the JVM may exit. */
    void finished() {
        finished.countDown();
    }
}
