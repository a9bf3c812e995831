package dev.happypath.rebalancer.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;

/**
 * The logging set-up, in code: logs go to stderr (stdout carries only the report), our own lines at
 * {@code HAPPYPATH_LOG_LEVEL} (system property or environment variable; default INFO), dependencies only
 * when they warn (fabric8 only on errors). Logback finds it as a service before it looks for a
 * logback.xml: parsing an XML file costs a CronJob pass about a tenth of a second of its start-up
 * (docs/performance.md). {@code --log-format} then replaces the appender ({@link LogOptions}).
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {

    /**
     * One event, one line: a library that logs an exception (fabric8 does, for failures this code handles
     * and reports in its own words) adds no stack trace, unless our loggers are at DEBUG.
     */
    static String pattern(boolean stackTraces) {
        return "%d{HH:mm:ss.SSS} %-5level %msg%n" + (stackTraces ? "" : "%nopex");
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        context.getStatusManager().add(new NopStatusListener());
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        Level own = ownLevel();
        encoder.setPattern(pattern(own != null && Level.DEBUG.isGreaterOrEqual(own)));
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();

        context.getLogger("dev.happypath").setLevel(own);
        context.getLogger("io.fabric8").setLevel(Level.ERROR);
        // the node watch's informer logs its own failures ("watch failed for ..., will retry", with a stack
        // trace): NodeWatch says each in a sentence, and the daemon's watchdog warns of an unreachable API server
        context.getLogger("io.fabric8.kubernetes.client.informers").setLevel(own != null && Level.DEBUG.isGreaterOrEqual(own) ? Level.ERROR : Level.OFF);
        context.getLogger("org.quartz").setLevel(Level.WARN);
        context.getLogger("io.micrometer").setLevel(Level.WARN);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(stderr);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /**
     * What logback.xml's {@code level="${HAPPYPATH_LOG_LEVEL:-INFO}"} gave: a system property, else the
     * environment, else INFO; empty, INHERITED or NULL leave the level unset (the root's WARN applies);
     * a name logback does not know means DEBUG.
     */
    static Level ownLevel() {
        String value = System.getProperty("HAPPYPATH_LOG_LEVEL");
        if (value == null) {
            value = System.getenv("HAPPYPATH_LOG_LEVEL");
        }
        if (value == null) {
            return Level.INFO;
        }
        String v = value.strip();
        if (v.isEmpty() || v.equalsIgnoreCase("INHERITED") || v.equalsIgnoreCase("NULL")) {
            return null;
        }
        return Level.toLevel(v);
    }
}
