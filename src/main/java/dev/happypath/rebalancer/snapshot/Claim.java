package dev.happypath.rebalancer.snapshot;

/**
 * A PersistentVolumeClaim.
 *
 * @param volumeName the bound PersistentVolume, null while unbound
 */
public record Claim(String namespace, String name, String volumeName, String phase, String storageClassName) {

    public String key() {
        return namespace + "/" + name;
    }
}
