package dev.happypath.rebalancer.cli;

import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.config.HappyPathLoader;
import dev.happypath.rebalancer.config.SchedulerConfigLoader;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** --config: the Happy Path, by default the IDP Blueprint's built into the jar. */
final class ConfigOption {

    @Option(names = "--config", paramLabel = "FILE",
            description = "Happy Path configuration (default: the IDP Blueprint's, built in; same as config/rebalancer.yaml).")
    Path config;

    @Option(names = "--scheduler-config", paramLabel = "FILE",
            description = "The kube-scheduler's KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1) to predict with "
                    + "(default: scheduler.configFile of the configuration, else the v1.33 default profile).")
    Path schedulerConfig;

    HappyPath load() {
        HappyPath happyPath = config == null ? HappyPathLoader.loadBuiltIn() : HappyPathLoader.load(config);
        return schedulerConfig == null ? happyPath : happyPath.withScheduler(SchedulerConfigLoader.load(schedulerConfig));
    }
}
