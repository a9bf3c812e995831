package dev.happypath.rebalancer.cli;

import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.config.HappyPathLoader;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** --config: the Happy Path, by default the IDP Blueprint's built into the jar. */
final class ConfigOption {

    @Option(names = "--config", paramLabel = "FILE",
            description = "Happy Path configuration (default: the IDP Blueprint's, built in; same as config/rebalancer.yaml).")
    Path config;

    HappyPath load() {
        return config == null ? HappyPathLoader.loadBuiltIn() : HappyPathLoader.load(config);
    }
}
