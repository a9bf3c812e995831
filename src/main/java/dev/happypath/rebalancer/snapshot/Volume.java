package dev.happypath.rebalancer.snapshot;

/**
 * A PersistentVolume.
 *
 * @param nodeAffinity the PV's required node affinity (local-path and local volumes pin to one node), or null
 */
public record Volume(String name, NodeSelector nodeAffinity, String claimNamespace, String claimName,
                     String storageClassName) {
}
