package dev.happypath.rebalancer.trigger;

import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.gate.Gate;
import dev.happypath.rebalancer.gate.GateVerdict;
import dev.happypath.rebalancer.snapshot.NodeState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Turns node changes into "the gate has opened": judged on every change the node watch delivers and,
 * while only the stability wait is left, once more at the instant the gate's {@code stableFor} elapses
 * (a timer, not a polling loop). Reports the closed-to-open edge only, so a healthy cluster's heartbeats
 * trigger nothing.
 */
public final class GateOpening implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GateOpening.class);

    private final HappyPath happyPath;
    private final Clock clock;
    private final Consumer<GateVerdict> onOpened;
    private final boolean openAtStartCounts;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gate-stable-for");
        t.setDaemon(true);
        return t;
    });
    private List<NodeState> nodes;
    private Boolean wasOpen;
    private GateVerdict last;
    private ScheduledFuture<?> recheck;

    /**
     * @param openAtStartCounts whether a gate already open at the first judgement counts as opening
     *                          (a one-shot waits for an open gate; a daemon waits for a change)
     * @param onOpened          called on the watch's or the timer's thread: must not block
     */
    public GateOpening(HappyPath happyPath, Clock clock, boolean openAtStartCounts, Consumer<GateVerdict> onOpened) {
        this.happyPath = happyPath;
        this.clock = clock;
        this.openAtStartCounts = openAtStartCounts;
        this.onOpened = onOpened;
    }

    /** The nodes as they are now (the whole list). */
    public synchronized void nodesChanged(List<NodeState> current) {
        this.nodes = List.copyOf(current);
        judge();
    }

    /** The latest judgement, or null before the first. */
    public synchronized GateVerdict last() {
        return last;
    }

    private synchronized void judge() {
        if (nodes == null || timer.isShutdown()) {
            return;
        }
        GateVerdict verdict = Gate.judge(nodes, happyPath, clock.instant());
        if (recheck != null) {
            recheck.cancel(false);
            recheck = null;
        }
        if (!verdict.open() && verdict.opensAt() != null) {
            long delay = Math.max(0, Duration.between(clock.instant(), verdict.opensAt()).toMillis()) + 1;
            recheck = timer.schedule(this::judgeOnTimer, delay, TimeUnit.MILLISECONDS);
        }
        boolean opened = verdict.open() && (wasOpen == null ? openAtStartCounts : !wasOpen);
        wasOpen = verdict.open();
        last = verdict;
        if (opened) {
            onOpened.accept(verdict);
        }
    }

    /**
     * The timer's judgement, when the nodes' stability window ends. An error here would end in the timer's
     * future, which nobody reads: the opening lost, and nothing said.
     */
    private void judgeOnTimer() {
        try {
            judge();
        } catch (RuntimeException e) {
            LOG.error("the gate could not be judged again as its nodes' stability window ended: {}", e.toString());
            LOG.debug("gate judgement failure", e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
