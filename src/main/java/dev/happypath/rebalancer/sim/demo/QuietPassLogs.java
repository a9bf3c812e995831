package dev.happypath.rebalancer.sim.demo;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo prints every pass's moves itself; the INFO lines of a pass (the Lease taken, one per eviction)
 * would only repeat them on stderr. The product's loggers are raised to WARN for the demo's duration,
 * unless HAPPYPATH_LOG_LEVEL asks for something.
 */
final class QuietPassLogs implements AutoCloseable {

    private static final String LOGGER = "dev.happypath.rebalancer";

    private final Logger logger;
    private final Level before;

    private QuietPassLogs(Logger logger, Level before) {
        this.logger = logger;
        this.before = before;
    }

    static QuietPassLogs unlessAsked() {
        if (System.getenv("HAPPYPATH_LOG_LEVEL") != null || !(LoggerFactory.getLogger(LOGGER) instanceof Logger logback)) {
            return new QuietPassLogs(null, null);
        }
        Level before = logback.getLevel();
        logback.setLevel(Level.WARN);
        return new QuietPassLogs(logback, before);
    }

    @Override
    public void close() {
        if (logger != null) {
            logger.setLevel(before);
        }
    }
}
