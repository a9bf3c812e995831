package dev.happypath.rebalancer;

/**
 * The world failed, not the input: the API server is unreachable, refuses the credentials, answers an
 * error. The run stops with exit code 1 and a message that says what to check.
 */
public final class RuntimeFailure extends RuntimeException {

    public RuntimeFailure(String message) {
        super(message);
    }

    public RuntimeFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
