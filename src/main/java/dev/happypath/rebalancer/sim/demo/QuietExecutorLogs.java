package dev.happypath.rebalancer.sim.demo;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo prints every pass's moves itself; the executor's INFO line per eviction would only repeat them
 * on stderr. Raised to WARN for the demo's duration, unless HAPPYPATH_LOG_LEVEL asks for something.
 */
final class QuietExecutorLogs implements AutoCloseable {

    private static final String LOGGER = "dev.happypath.rebalancer.execute";

    private final Logger logger;
    private final Level before;

    private QuietExecutorLogs(Logger logger, Level before) {
        this.logger = logger;
        this.before = before;
    }

    static QuietExecutorLogs unlessAsked() {
        if (System.getenv("HAPPYPATH_LOG_LEVEL") != null || !(LoggerFactory.getLogger(LOGGER) instanceof Logger logback)) {
            return new QuietExecutorLogs(null, null);
        }
        Level before = logback.getLevel();
        logback.setLevel(Level.WARN);
        return new QuietExecutorLogs(logback, before);
    }

    @Override
    public void close() {
        if (logger != null) {
            logger.setLevel(before);
        }
    }
}
