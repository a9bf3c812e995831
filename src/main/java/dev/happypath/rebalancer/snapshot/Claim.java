package dev.happypath.rebalancer.snapshot;

import java.util.List;

/**
 * A PersistentVolumeClaim.
 *
 * @param volumeName  the bound PersistentVolume, null while unbound
 * @param accessModes spec.accessModes (ReadWriteOncePod limits the claim to one pod in the whole cluster)
 */
public record Claim(String namespace, String name, String volumeName, String phase, String storageClassName, List<String> accessModes) {

    public static final String READ_WRITE_ONCE_POD = "ReadWriteOncePod";

    public Claim {
        accessModes = accessModes == null ? List.of() : List.copyOf(accessModes);
    }

    /** A claim read without its access modes. */
    public Claim(String namespace, String name, String volumeName, String phase, String storageClassName) {
        this(namespace, name, volumeName, phase, storageClassName, List.of());
    }

    public String key() {
        return namespace + "/" + name;
    }

    /** Whether at most one pod of the cluster may use it (the VolumeRestrictions filter enforces this). */
    public boolean readWriteOncePod() {
        return accessModes.contains(READ_WRITE_ONCE_POD);
    }
}
