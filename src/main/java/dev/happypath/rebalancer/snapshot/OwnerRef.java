package dev.happypath.rebalancer.snapshot;

/** The controller owner reference of a pod. */
public record OwnerRef(String kind, String name, String uid) {

    @Override
    public String toString() {
        return kind + "/" + name;
    }
}
