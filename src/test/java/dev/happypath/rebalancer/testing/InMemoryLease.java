package dev.happypath.rebalancer.testing;

import dev.happypath.rebalancer.StopSignal;
import dev.happypath.rebalancer.pass.Lease;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The Lease port in memory: free unless a test says another rebalancer holds it ({@link #heldBy}) or the
 * API refuses it ({@link #refuse}); {@link #lose()} takes it away from its holder as an expired renewal would.
 */
public final class InMemoryLease implements Lease {

    private Holder other;
    private String takenFirstBy;
    private String refusal;
    private Contention current;
    private final List<String> history = new ArrayList<>();

    /** Another rebalancer holds it. */
    public synchronized InMemoryLease heldBy(String identity) {
        this.other = new Holder(identity, "2026-11-21T09:59:58Z");
        return this;
    }

    /** Free when looked at, but another rebalancer takes it first when this one contends. */
    public synchronized InMemoryLease takenFirstBy(String identity) {
        this.takenFirstBy = identity;
        return this;
    }

    /** The API refuses every Lease request with {@code why}. */
    public synchronized InMemoryLease refuse(String why) {
        this.refusal = why;
        return this;
    }

    /** What happened to it, in order: "taken by X", "released by X", "lost by X". */
    public synchronized List<String> history() {
        return List.copyOf(history);
    }

    /** Whether some contention of this process holds it now. */
    public synchronized boolean held() {
        return current != null && current.leading;
    }

    /** The holder loses it (another took it over): its {@code lost} callback runs here, as the Lease's thread would. */
    public void lose() {
        Contention c;
        synchronized (this) {
            c = current;
            if (c == null || !c.leading) {
                return;
            }
            c.leading = false;
            history.add("lost by " + c.identity);
        }
        c.lost.run();
        c.ended.countDown();
    }

    @Override
    public String where() {
        return "happypath-rebalancer/" + NAME;
    }

    @Override
    public synchronized Holder holder() {
        if (other != null) {
            return other;
        }
        return current != null && current.leading ? new Holder(current.identity, "now") : null;
    }

    @Override
    public Held contend(String identity, Runnable taken, Runnable lost) {
        Contention c = new Contention(identity, lost);
        boolean take;
        synchronized (this) {
            current = c;
            if (takenFirstBy != null) {
                other = new Holder(takenFirstBy, "now");
            }
            take = other == null && refusal == null;
            if (take) {
                c.leading = true;
                history.add("taken by " + identity);
            }
        }
        if (take) {
            taken.run();
        }
        return c;
    }

    private final class Contention implements Held {
        private final String identity;
        private final Runnable lost;
        private final CountDownLatch ended = new CountDownLatch(1);
        private volatile boolean leading;

        Contention(String identity, Runnable lost) {
            this.identity = identity;
            this.lost = lost;
        }

        @Override
        public Wait awaitLeading(StopSignal stop) {
            if (leading) {
                return Wait.LEADING;
            }
            if (refusal != null) {
                return Wait.FAILED;
            }
            return stop.isStopped() ? Wait.STOPPED : Wait.HELD_ELSEWHERE;
        }

        @Override
        public boolean leading() {
            return leading;
        }

        @Override
        public void awaitEnd() {
            try {
                ended.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public String lastError() {
            return refusal;
        }

        @Override
        public void close() {
            synchronized (InMemoryLease.this) {
                if (leading) {
                    history.add("released by " + identity);
                }
                leading = false;
            }
            ended.countDown();
        }
    }

    /** Waits (bounded) until some contention holds it: the daemon contends on a thread of its own. */
    public void awaitHeld(Duration max) {
        Await.until(max, "the Lease taken", this::held);
    }
}
