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

    /**
     * This fault, found in a part of an object read on its own: its path put under the part's
     * ("restartCount" in "status.containerStatuses[1]"). A loop over a list names an element only when one
     * is at fault: building each element's paths up front was most of what converting a large cluster's pods
     * allocated.
     */
    ModelException within(String part) {
        return new ModelException(part + "." + path, getMessage());
    }
}
