package dev.happypath.rebalancer.cluster;

import dev.happypath.rebalancer.RuntimeFailure;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeoutException;

/** Turns client exceptions into messages that say what to check or grant. */
public final class ApiErrors {

    private ApiErrors() {
    }

    /**
     * @param verb     the API verb (list, get, create, ...)
     * @param resource the resource, with subresource when relevant ("pods/eviction")
     * @param scope    "at cluster scope" or "in namespace x"
     */
    public static RuntimeFailure describe(KubernetesClientException e, String verb, String resource, String scope, String server) {
        int code = e.getCode();
        String status = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : null;
        if (code == 401) {
            return new RuntimeFailure("the API server at " + server + " refused the credentials (401 Unauthorized): check the kubeconfig or the ServiceAccount token", e);
        }
        if (code == 403) {
            return new RuntimeFailure("forbidden (403) to " + verb + " " + resource + " " + scope + ": grant verb '" + verb
                    + "' on resource '" + resource + "' to the rebalancer's identity (see cronjob/base/rbac.yaml)"
                    + (status == null ? "" : "; the API server said: " + status), e);
        }
        if (code == 0 || code == -1) {
            if (interrupted(e)) {
                return new RuntimeFailure("stopping (SIGTERM, or the Lease lost) while waiting for the API server to " + verb + " "
                        + resource + " " + scope, e);
            }
            String cause = rootCause(e);
            if (cause.equals(TIMED_OUT)) {
                return new RuntimeFailure("the API server at " + server + " did not answer in time to " + verb + " " + resource + " "
                        + scope + " (timed out; the next pass tries again)", e);
            }
            return new RuntimeFailure("cannot reach the API server at " + server + " to " + verb + " " + resource + ": " + cause, e);
        }
        return new RuntimeFailure("the API server answered " + code + " to " + verb + " " + resource + " " + scope
                + (status == null ? "" : ": " + status), e);
    }

    private static final String TIMED_OUT = "timed out";

    private static boolean interrupted(Throwable t) {
        for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
            if (c instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    /** The innermost cause, said plainly. */
    public static String rootCause(Throwable t) {
        // what the whole chain says first: the JDK client wraps a refused connection's ConnectException
        // around a ClosedChannelException, a connect timeout around a ConnectException, and an unknown host
        // in an UnresolvedAddressException (no message): the innermost alone misnames all three
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof HttpTimeoutException || c instanceof TimeoutException) {
                return TIMED_OUT;
            }
        }
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof java.nio.channels.UnresolvedAddressException) {
                return "unknown host (its name does not resolve)";
            }
            if (c instanceof UnknownHostException) {
                return "unknown host " + c.getMessage();
            }
        }
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ConnectException) {
                return "connection refused";
            }
        }
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        if (c instanceof ConnectException) {
            return "connection refused";
        }
        if (c instanceof UnknownHostException) {
            return "unknown host " + c.getMessage();
        }
        if (c instanceof HttpTimeoutException || c instanceof TimeoutException) {
            return TIMED_OUT;
        }
        if (c instanceof IOException && c.getMessage() == null) {
            return "connection lost (" + c.getClass().getSimpleName() + ")";
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }
}
