package dev.happypath.rebalancer.cli;

/** The documented exit codes (docs/operations.md). */
public final class ExitCode {

    /** The pass completed; drift may remain. */
    public static final int OK = 0;
    /** Runtime failure: API unreachable, unauthorized, an eviction or a replacement failed. */
    public static final int RUNTIME_FAILURE = 1;
    /** Invalid input: CLI usage, configuration, snapshot. Nothing in the cluster was touched. */
    public static final int INVALID_INPUT = 2;
    /** Drift remains and --fail-on-drift was given. */
    public static final int DRIFT_REMAINS = 3;

    private ExitCode() {
    }
}
