package dev.happypath.rebalancer.cli;

import dev.happypath.rebalancer.cluster.SnapshotFile;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;

import java.nio.file.Path;
import java.time.Instant;

/** A --snapshot argument: a file, or '-' for stdin (kubectl get ... -o yaml | happypath-rebalancer plan --snapshot -). */
final class SnapshotInput {

    static final String STDIN = "-";
    /** How messages name a dump read from stdin. */
    static final String STDIN_NAME = "<stdin>";

    private SnapshotInput() {
    }

    static boolean isStdin(Path snapshot) {
        return snapshot.toString().equals(STDIN);
    }

    static ClusterSnapshot read(Cli cli, Path snapshot, Instant at) {
        return isStdin(snapshot) ? SnapshotFile.read(cli.in(), STDIN_NAME, at) : SnapshotFile.read(snapshot, at);
    }
}
