package dev.happypath.rebalancer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How a pass, the executor's waits, the wait for the gate and the daemon loop are told to stop: a flag
 * they check before each step and a wait that returns early once it is set. Nothing is interrupted, so a
 * request in flight (an eviction, a ledger write) ends as the API answered it, and the code that is told
 * to stop decides where it is safe to do so. The first reason wins; a signal never un-stops.
 *
 * <p>A {@link #child()} stops with its parent (SIGTERM stops every pass of a daemon) or on its own (the
 * Lease lost stops the one pass that held it).
 */
public final class StopSignal implements AutoCloseable {

    /** Why something was told to stop. Code switches on these, never on the sentence. */
    public enum Reason {
        /** The process is asked to end (SIGTERM from the kubelet: a drain, the Job's deadline). */
        SHUTDOWN("SIGTERM"),
        /** Another rebalancer may act now: this one must evict nothing more. */
        LEASE_LOST("the Lease lost"),
        /** A wait's own deadline passed (--wait-for-gate). */
        DEADLINE("the deadline passed"),
        /** The daemon is stopping its passes (it is shutting down). */
        DAEMON_STOPPING("the daemon stopping"),
        /** What a wait waited for happened (the gate opened): the wait is over, nothing failed. */
        WAIT_OVER("the wait over"),
        /** A caller's own time limit (the demo, the soak): the pass must not hold it longer. */
        TIME_LIMIT("the time limit reached"),
        /** Its owner closed the component that waits on it (a watchdog, a simulation's ticking). */
        CLOSED("closed by its owner"),
        /** Code outside ours interrupted the waiting thread: taken as a request to stop. */
        INTERRUPTED("an interrupt from outside"),
        /** The daemon met an error it cannot go on after (a pass out of memory, its Lease election dead): it exits 1. */
        FATAL("a failure the daemon cannot go on after");

        private final String sentence;

        Reason(String sentence) {
            this.sentence = sentence;
        }

        public String sentence() {
            return sentence;
        }
    }

    private final CountDownLatch stopped = new CountDownLatch(1);
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final Runnable detach;
    private volatile Reason reason;

    public StopSignal() {
        this.detach = () -> { };
    }

    private StopSignal(StopSignal parent) {
        Runnable follow = () -> stop(parent.reason());
        this.detach = () -> parent.listeners.remove(follow);
        parent.onStop(follow);
    }

    /** A signal that stops when this one does, and may also be stopped on its own. Close it when done with it. */
    public StopSignal child() {
        return new StopSignal(this);
    }

    /** Asks to stop; the first reason is kept. Runs the listeners on the calling thread: they must not block. */
    public void stop(Reason why) {
        synchronized (this) {
            if (reason != null) {
                return;
            }
            reason = why;
        }
        stopped.countDown();
        for (Runnable r : listeners) {
            r.run();
        }
    }

    /** Stops with {@code why} once {@code after} has passed, unless stopped before. */
    public void stopAfter(Duration after, Reason why) {
        CompletableFuture.delayedExecutor(after.toMillis(), TimeUnit.MILLISECONDS).execute(() -> stop(why));
    }

    public boolean isStopped() {
        return reason != null;
    }

    /** Why it stopped, or null while it has not. */
    public Reason reason() {
        return reason;
    }

    /**
     * Waits {@code max}, or less when stopped first; true when stopped. An interrupt from code outside
     * ours (the JVM, a library) is mapped onto this signal here, once, and the thread's flag kept.
     */
    public boolean await(Duration max) {
        try {
            return stopped.await(Math.max(0, max.toNanos()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            stop(Reason.INTERRUPTED);
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /**
     * Runs {@code r} when stopped (at once, here, if it already is); closing the returned handle forgets
     * it, for a listener that belongs to one wait.
     */
    public Registration onStop(Runnable r) {
        listeners.add(r);
        if (isStopped()) {
            listeners.remove(r);
            r.run();
        }
        return () -> listeners.remove(r);
    }

    /** Forgets the listener it was returned for. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** A child stops following its parent; harmless on a signal that has none. */
    @Override
    public void close() {
        detach.run();
    }

    @Override
    public String toString() {
        return reason == null ? "running" : "stopped: " + reason.sentence();
    }
}
