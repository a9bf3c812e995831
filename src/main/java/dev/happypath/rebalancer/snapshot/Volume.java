package dev.happypath.rebalancer.snapshot;

import java.util.Map;

/**
 * A PersistentVolume.
 *
 * @param nodeAffinity the PV's required node affinity (local-path and local volumes pin to one node), or null
 * @param zoneLabels   its topology labels (topology.kubernetes.io/zone and /region, and their failure-domain.beta
 *                     forms), which the VolumeZone filter matches against the node's
 * @param csiDriver    spec.csi.driver for a CSI volume (subject to the node's CSI attach limit), else null
 */
public record Volume(String name, NodeSelector nodeAffinity, String claimNamespace, String claimName,
                     String storageClassName, Map<String, String> zoneLabels, String csiDriver) {

    /** The labels VolumeZone reads, GA first. */
    public static final java.util.List<String> ZONE_LABELS = java.util.List.of("topology.kubernetes.io/zone", "topology.kubernetes.io/region",
            "failure-domain.beta.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/region");

    public Volume {
        zoneLabels = zoneLabels == null || zoneLabels.isEmpty() ? Map.of() : Map.copyOf(zoneLabels);
    }

    /** A volume read without its zone labels or CSI driver. */
    public Volume(String name, NodeSelector nodeAffinity, String claimNamespace, String claimName, String storageClassName) {
        this(name, nodeAffinity, claimNamespace, claimName, storageClassName, Map.of(), null);
    }

    /** Only the {@link #ZONE_LABELS} of a label map. */
    public static Map<String, String> zoneLabelsOf(Map<String, String> labels) {
        Map<String, String> out = new java.util.TreeMap<>();
        if (labels != null) {
            for (String k : ZONE_LABELS) {
                if (labels.containsKey(k)) {
                    out.put(k, labels.get(k));
                }
            }
        }
        return out;
    }
}
