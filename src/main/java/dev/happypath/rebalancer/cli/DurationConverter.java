package dev.happypath.rebalancer.cli;

import dev.happypath.rebalancer.config.ConfigNode;
import picocli.CommandLine;

import java.time.Duration;

/** Durations on the command line are written as in the configuration: 30s, 5m, 1h30m. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        Duration d = ConfigNode.parseDuration(value);
        if (d == null) {
            throw new CommandLine.TypeConversionException("expected a duration such as 30s, 5m or 1h30m, got '" + value + "'");
        }
        return d;
    }
}
