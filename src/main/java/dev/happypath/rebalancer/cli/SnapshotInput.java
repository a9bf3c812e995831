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

    /**
     * @param at the instant to judge it at; null: when the dump was taken (its newest node heartbeat), or
     *           the clock's now when it tells no time
     */
    static ClusterSnapshot read(Cli cli, Path snapshot, Instant at) {
        Instant now = cli.clock().instant();
        return isStdin(snapshot) ? SnapshotFile.read(cli.in(), STDIN_NAME, at, now) : SnapshotFile.read(snapshot, at, now);
    }
}
