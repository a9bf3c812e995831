package dev.happypath.rebalancer.cluster;

/** A Kubernetes object field that cannot be understood; {@code path} is the field path inside the object. */
public final class ModelException extends RuntimeException {

    private final String path;

    public ModelException(String path, String problem) {
        super(problem, null, false, false);
        this.path = path;
    }

    public String path() {
        return path;
    }
}
