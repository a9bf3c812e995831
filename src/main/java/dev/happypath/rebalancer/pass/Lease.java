package dev.happypath.rebalancer.pass;

import dev.happypath.rebalancer.StopSignal;

/**
 * The one Lease that makes every rebalancer acting on a cluster take turns (daemons, CronJob runs,
 * one-shot jobs): only its holder may evict. On a cluster: a coordination.k8s.io/v1 Lease
 * (cluster/KubernetesLease).
 */
public interface Lease {

    /** The Lease's name: the same for every installation mode, so they exclude each other. */
    String NAME = "happypath-rebalancer";

    /** Where it lives, for messages: "namespace/name". */
    String where();

    /** Who holds it now, or null when nobody holds a valid one. May throw RuntimeFailure. */
    Holder holder();

    /**
     * Starts contending. {@code taken} runs when this process takes it; {@code lost} when a held Lease is
     * lost without {@link Held#close()}: the holder must stop acting at once. Both run on the Lease's own
     * thread and must not block.
     */
    Held contend(String identity, Runnable taken, Runnable lost);

    /** A valid holder. */
    record Holder(String identity, String renewedAt) {
    }

    /** How a wait for the Lease ended. */
    enum Wait {
        /** This process holds the Lease. */
        LEADING,
        /** Another process held it for the whole wait (one lease duration). */
        HELD_ELSEWHERE,
        /** The API refused the Lease requests (see {@link Held#lastError()}). */
        FAILED,
        /** Told to stop while waiting. */
        STOPPED
    }

    /** One contention for the Lease, held or not yet. */
    interface Held extends AutoCloseable {

        /** Waits until held, held elsewhere for one lease duration, refused, or {@code stop}. */
        Wait awaitLeading(StopSignal stop);

        boolean leading();

        /** Blocks until the contention ends: the Lease was held and then lost, or {@link #close()} was called. */
        void awaitEnd();

        /** The last refusal of the API, said plainly, or null. */
        String lastError();

        /** Stops contending and, when held, releases the Lease so that another process may take over at once. */
        @Override
        void close();
    }

    /**
     * This process's name in the Lease: the pod name (downward API) or the host name, plus a random
     * suffix so that two processes on one host never share an identity.
     */
    static String newIdentity() {
        String base = System.getenv("POD_NAME");
        if (base == null || base.isBlank()) {
            base = System.getenv("HOSTNAME");
        }
        if (base == null || base.isBlank()) {
            base = "happypath-rebalancer";
        }
        return base + "_" + java.util.UUID.randomUUID().toString().substring(0, 8);
    }
}
