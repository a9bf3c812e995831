package dev.happypath.rebalancer.cli;

import dev.happypath.rebalancer.StopSignal;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * SIGTERM (what the kubelet sends when a pod must stop, e.g. the CronJob's activeDeadlineSeconds or a
 * node drain): the running command stops acting, releases the Lease and closes the client, and only then
 * may the JVM exit. In production a JVM shutdown hook requests the stop; tests call {@link #request()}.
 * The request is the process's {@link StopSignal} (reason {@link StopSignal.Reason#SHUTDOWN}): the one
 * place where the signal from outside becomes ours; everything that must stop is handed that signal.
 */
public final class Shutdown {

    /** How long the hook lets the command finish; under the pod's default 30s grace period. */
    static final Duration GRACE = Duration.ofSeconds(20);

    private final StopSignal signal = new StopSignal();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile int exitCode = ExitCode.RUNTIME_FAILURE;
    /** main is ending the process itself ({@link System#exit}): not a SIGTERM, so nothing to stop or halt. */
    private volatile boolean exitingOnItsOwn;

    /**
     * Installs the JVM hook: on SIGTERM, request the stop, wait for the command to finish, then end the
     * process with the command's own exit code. Without the last step the JVM ends a signalled process
     * with 143 (128 + SIGTERM) whatever the command said, and a daemon or a {@code run --wait-for-gate}
     * that stopped cleanly would be a failed Job to Kubernetes (and trip the documented alert).
     *
     * @param beforeExit flushes what the command printed (halting skips the usual end of the JVM)
     */
    void installHook(Runnable beforeExit) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (exitingOnItsOwn) {
                // System.exit already carries the code; halting here would cut short the JVM's other hooks
                // (a flight recording an operator asked for with -XX:StartFlightRecording was never written)
                return;
            }
            request();
            try {
                if (finished.await(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    beforeExit.run();
                    // the command let go of everything (Lease released, client closed): its word is the exit code
                    Runtime.getRuntime().halt(exitCode);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "shutdown"));
    }

    /** main is about to call {@link System#exit} with the command's code: the hook stands aside. */
    void exiting() {
        exitingOnItsOwn = true;
    }

    /** Asks the running command to stop. */
    public void request() {
        signal.stop(StopSignal.Reason.SHUTDOWN);
    }

    public boolean requested() {
        return signal.isStopped();
    }

    /** What the command hands to everything that must stop on SIGTERM. */
    StopSignal signal() {
        return signal;
    }

    /** The command has let go of everything and ends with {@code code}: the JVM may exit. */
    void finished(int code) {
        exitCode = code;
        finished.countDown();
    }
}
