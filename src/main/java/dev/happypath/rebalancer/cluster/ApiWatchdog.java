package dev.happypath.rebalancer.cluster;

import dev.happypath.rebalancer.RuntimeFailure;
import dev.happypath.rebalancer.StopSignal;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Whether the daemon can reach what it needs: reads its Lease (a GET the Lease's own RBAC allows) every
 * interval. The Lease election and the watches retry in silence; this says, in one warning line, when the
 * API server or the Lease cannot be reached, again every few minutes while that lasts, and once when they
 * answer again. {@code /readyz} reports it.
 */
public final class ApiWatchdog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiWatchdog.class);
    /** While unreachable, the warning is repeated this often: a log that went quiet looks like a recovery. */
    private static final Duration REPEAT = Duration.ofMinutes(5);

    private final KubernetesClient client;
    private final String namespace;
    private final Duration interval;
    private final Thread thread;
    /** What /readyz says until the first check has answered (start() checks before it returns). */
    private volatile String problem = "not checked yet";
    /** Whether a check has run: the first success is no recovery to announce. */
    private boolean checked;
    private final StopSignal stop = new StopSignal();

    private ApiWatchdog(KubernetesClient client, String namespace, Duration interval) {
        this.client = client;
        this.namespace = namespace;
        this.interval = interval;
        this.thread = new Thread(this::watch, "api-watchdog");
        this.thread.setDaemon(true);
    }

    /** Checks once now (so that /readyz is right from the start), then every {@code interval}. */
    public static ApiWatchdog start(KubernetesClient client, String namespace, Duration interval) {
        ApiWatchdog w = new ApiWatchdog(client, namespace, interval);
        w.check(true);
        w.thread.start();
        return w;
    }

    /** Null when the last check reached the API server and the Lease; else what failed, in a sentence. */
    public String problem() {
        return problem;
    }

    private void watch() {
        long lastWarned = System.nanoTime();
        while (!stop.await(interval)) {
            boolean repeat = problem != null && System.nanoTime() - lastWarned >= REPEAT.toNanos();
            if (check(repeat)) {
                lastWarned = System.nanoTime();
            }
        }
    }

    /** One check; true when it logged a warning. */
    boolean check(boolean warnEvenIfUnchanged) {
        String found;
        try {
            client.leases().inNamespace(namespace).withName(KubernetesLease.NAME).get();
            found = null;
        } catch (KubernetesClientException e) {
            RuntimeFailure f = ApiErrors.describe(e, "get", "leases", "in namespace " + namespace, String.valueOf(client.getMasterUrl()));
            found = f.getMessage();
        } catch (RuntimeException e) {
            found = "cannot reach the API server at " + client.getMasterUrl() + ": " + ApiErrors.rootCause(e);
        }
        String before = checked ? problem : null; // the first check has nothing before it to recover from
        checked = true;
        problem = found;
        if (stop.isStopped()) {
            return false;
        }
        if (found != null && (warnEvenIfUnchanged || !found.equals(before))) {
            LOG.warn("{}; passes and the Lease wait until it answers (/readyz: not ready)", found);
            return true;
        }
        if (found == null && before != null) {
            LOG.info("the API server and the Lease {}/{} answer again", namespace, KubernetesLease.NAME);
        }
        return false;
    }

    @Override
    public void close() {
        stop.stop(StopSignal.Reason.CLOSED);
    }
}
