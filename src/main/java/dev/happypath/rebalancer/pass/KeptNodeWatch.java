package dev.happypath.rebalancer.pass;

import dev.happypath.rebalancer.StopSignal;
import dev.happypath.rebalancer.snapshot.NodeState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The daemon's node watch (--on-node-recovery), kept going: when it cannot start (the API server is down,
 * restarting with the server node, or unreachable for a moment), it is tried again, with a growing pause,
 * until it starts or the daemon stops. The scheduled passes go on meanwhile. Without it a daemon started
 * while the API server was away exited 1 at once, where it waits for the Lease and the passes.
 *
 * <p>Once started, the watch re-establishes itself (the client's informer does); this only covers the start.
 * A warning is logged at the first failure and every {@link #WARN_EVERY} while it lasts, a line when it starts.
 */
public final class KeptNodeWatch implements NodeChanges.Watching {

    static final Duration FIRST_PAUSE = Duration.ofSeconds(2);
    static final Duration LONGEST_PAUSE = Duration.ofMinutes(1);
    static final Duration WARN_EVERY = Duration.ofMinutes(5);
    private static final Logger LOG = LoggerFactory.getLogger(KeptNodeWatch.class);

    private final StopSignal stop;
    private final Thread starter;
    private volatile NodeChanges.Watching watching;

    private KeptNodeWatch(NodeChanges changes, Consumer<List<NodeState>> onChange, StopSignal stop, Duration firstPause) {
        this.stop = stop;
        this.starter = new Thread(() -> keepTrying(changes, onChange, firstPause), "node-watch-start");
        this.starter.setDaemon(true);
    }

    /**
     * Starts the watch in the background, trying again until it starts or {@code stop} (or {@link #close()})
     * stops it. Returns at once.
     */
    public static KeptNodeWatch start(NodeChanges changes, Consumer<List<NodeState>> onChange, StopSignal stop) {
        return start(changes, onChange, stop, FIRST_PAUSE);
    }

    static KeptNodeWatch start(NodeChanges changes, Consumer<List<NodeState>> onChange, StopSignal stop, Duration firstPause) {
        KeptNodeWatch kept = new KeptNodeWatch(changes, onChange, stop.child(), firstPause);
        kept.starter.start();
        return kept;
    }

    /** Whether the watch is running (it started). */
    public boolean watching() {
        return watching != null;
    }

    private void keepTrying(NodeChanges changes, Consumer<List<NodeState>> onChange, Duration firstPause) {
        Duration pause = firstPause;
        long failures = 0;
        long lastWarning = 0;
        while (!stop.isStopped()) {
            try {
                NodeChanges.Watching w = changes.watch(onChange);
                synchronized (this) {
                    if (stop.isStopped()) {
                        w.close();
                        return;
                    }
                    watching = w;
                }
                if (failures > 0) {
                    LOG.info("the node watch started after {} failed attempt(s): passes on node recovery are back", failures);
                }
                return;
            } catch (RuntimeException e) {
                failures++;
                long now = System.nanoTime();
                if (failures == 1 || now - lastWarning >= WARN_EVERY.toNanos()) {
                    lastWarning = now;
                    LOG.warn("the node watch cannot start: {}; passes on schedule go on, and it is tried again (pause up to {})",
                            e.getMessage(), LONGEST_PAUSE);
                }
                if (stop.await(pause)) {
                    return;
                }
                pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            stop.stop(StopSignal.Reason.CLOSED);
            if (watching != null) {
                watching.close();
            }
        }
        stop.close();
    }
}
