package dev.happypath.rebalancer.cli;

import dev.happypath.rebalancer.InvalidInputException;
import dev.happypath.rebalancer.config.ConfigNode;
import dev.happypath.rebalancer.cluster.KubernetesLease;
import picocli.CommandLine.Option;

import java.time.Duration;

/** The Lease every acting rebalancer holds, so that two never evict at once (docs/operations.md). */
final class LeaseOptions {

    @Option(names = "--lease-namespace", paramLabel = "NS",
            description = "Namespace of the Lease 'happypath-rebalancer' (default: $POD_NAMESPACE, else happypath-rebalancer).")
    String namespace;

    @Option(names = "--lease-duration", paramLabel = "DURATION", defaultValue = "15s", converter = DurationConverter.class,
            description = "How long a holder that stopped renewing keeps the Lease, whole seconds from 1s to 10m (default: ${DEFAULT-VALUE}).")
    Duration duration;

    String namespace() {
        return namespace == null ? KubernetesLease.defaultNamespace() : namespace;
    }

    /** Checked before the cluster is touched. */
    KubernetesLease.Timing timing() {
        if (duration.compareTo(Duration.ofSeconds(1)) < 0 || duration.compareTo(Duration.ofMinutes(10)) > 0
                || duration.toMillisPart() != 0) {
            throw InvalidInputException.at(null, "--lease-duration",
                    "expected whole seconds from 1s to 10m (a Lease counts in seconds), got " + ConfigNode.format(duration));
        }
        return KubernetesLease.Timing.of(duration);
    }
}
