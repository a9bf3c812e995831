package dev.happypath.rebalancer.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * --log-format: lines for people (default) or one JSON object per line for Loki and Fluent-bit. The JSON
 * lines carry the MDC: {@code runId} on every line of a pass, {@code pod}, {@code node}, {@code target},
 * {@code outcome} and {@code reason} on the line that reports a move.
 *
 * <p>One event, one line: a library that logs an exception (fabric8 does, for failures this code
 * handles and reports in its own words) adds no stack trace, unless HAPPYPATH_LOG_LEVEL=DEBUG asks for
 * the details.
 */
final class LogOptions {

    enum LogFormat { human, json }

    /** Picocli calls this while parsing, so the format holds before the command logs anything. */
    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "human",
            description = "Log lines on stderr: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). json: one object per line.")
    void setFormat(LogFormat format) {
        use(format);
    }

    static void use(LogFormat format) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        boolean stackTraces = context.getLogger("dev.happypath").isDebugEnabled();
        Encoder<ILoggingEvent> encoder;
        if (format == LogFormat.json) {
            LogstashEncoder json = new LogstashEncoder();
            json.setIncludeContext(false);
            if (!stackTraces) {
                json.getFieldNames().setStackTrace("[ignore]");
            }
            json.setContext(context);
            encoder = json;
        } else {
            PatternLayoutEncoder pattern = new PatternLayoutEncoder();
            pattern.setPattern(LogSetup.pattern(stackTraces));
            pattern.setContext(context);
            encoder = pattern;
        }
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setName("STDERR");
        appender.setTarget("System.err");
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.start();
        root.detachAndStopAllAppenders();
        root.addAppender(appender);
    }
}
