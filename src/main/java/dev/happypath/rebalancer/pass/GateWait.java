package dev.happypath.rebalancer.pass;

import dev.happypath.rebalancer.RuntimeFailure;
import dev.happypath.rebalancer.StopSignal;
import dev.happypath.rebalancer.config.ConfigNode;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.gate.GateVerdict;
import dev.happypath.rebalancer.trigger.GateOpening;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;

/**
 * {@code run --wait-for-gate}: waits, watching the nodes, until the gate opens (every worker Ready and
 * stable for gate.stableFor), at most a deadline. The wait is one {@link StopSignal}, a child of the
 * caller's: the gate opening ends it ({@link StopSignal.Reason#WAIT_OVER}), so does its deadline
 * ({@link StopSignal.Reason#DEADLINE}), so does SIGTERM (the parent's reason). The pass runs only when the
 * caller was not stopped and the gate's last judgement is open, whatever ended the wait first.
 */
public final class GateWait {

    private static final Logger LOG = LoggerFactory.getLogger(GateWait.class);

    /** How the wait ended; {@code last} is the gate's last judgement (null when the nodes were never seen). */
    public record Ended(How how, GateVerdict last) {
    }

    public enum How {
        /** The gate is open: run the pass. */
        OPENED,
        /** The deadline passed with the gate still closed. */
        DEADLINE,
        /** Told to stop (SIGTERM) while waiting. */
        STOPPED
    }

    private GateWait() {
    }

    public static Ended await(HappyPath happyPath, Clock clock, NodeChanges nodes, Duration max, StopSignal stop) {
        try (StopSignal waiting = stop.child();
             GateOpening gate = new GateOpening(happyPath, clock, true, v -> waiting.stop(StopSignal.Reason.WAIT_OVER))) {
            NodeChanges.Watching watch;
            try {
                watch = nodes.watch(gate::nodesChanged);
            } catch (RuntimeFailure e) {
                if (!stop.isStopped()) {
                    throw e;
                }
                return new Ended(How.STOPPED, null);
            }
            try (watch) {
                GateVerdict first = gate.last();
                if (first != null && !first.open()) {
                    LOG.info("waiting up to {} for the gate to open, watching the nodes: {}", ConfigNode.format(max), first.summary());
                }
                waiting.stopAfter(max, StopSignal.Reason.DEADLINE);
                waiting.await(max.plusSeconds(1));
                GateVerdict last = gate.last();
                if (stop.isStopped()) {
                    return new Ended(How.STOPPED, last);
                }
                if (last != null && last.open()) {
                    LOG.info("the gate is open: running the pass");
                    return new Ended(How.OPENED, last);
                }
                return new Ended(How.DEADLINE, last);
            }
        }
    }
}
