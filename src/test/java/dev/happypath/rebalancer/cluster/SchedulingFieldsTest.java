package dev.happypath.rebalancer.cluster;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.happypath.rebalancer.snapshot.Claim;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.Volume;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What issue 13's scheduler model reads (a pod's preemptionPolicy, a volume's zone labels and CSI driver, a
 * claim's access modes), through the streamed read a dump or a LIST goes through, the same as the binding.
 */
class SchedulingFieldsTest {

    private static final ObjectMapper YAML = new YAMLMapper();
    private static final ObjectMapper BINDING = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private static JsonNode streamed(JsonNode item) throws Exception {
        try (var parser = BINDING.getFactory().createParser(BINDING.writeValueAsBytes(item))) {
            parser.nextToken();
            return ItemTrees.read(parser);
        }
    }

    @Test
    void preemptionPolicyIsRead() throws Exception {
        JsonNode pod = YAML.readTree("{kind: Pod, metadata: {name: p, namespace: a}, spec: {priority: 5, preemptionPolicy: Never, containers: [{name: c}]}}");
        PodState wire = ModelConverter.pod(streamed(pod));
        assertThat(wire.preemptionPolicy()).isEqualTo("Never");
        assertThat(wire.mayPreempt()).isFalse();
        assertThat(wire.replacement().mayPreempt()).as("the replacement has the same spec").isFalse();
        assertThat(wire).isEqualTo(Fabric8ModelConverter.pod(BINDING.treeToValue(pod, Pod.class)));
        JsonNode plain = YAML.readTree("{kind: Pod, metadata: {name: q, namespace: a}, spec: {containers: [{name: c}]}}");
        assertThat(ModelConverter.pod(streamed(plain)).mayPreempt()).isTrue();
    }

    @Test
    void aVolumesZoneLabelsAndCsiDriverAndAClaimsAccessModesAreRead() throws Exception {
        JsonNode pv = YAML.readTree("""
                kind: PersistentVolume
                metadata:
                  name: pv-1
                  labels: { topology.kubernetes.io/zone: eu-1a, failure-domain.beta.kubernetes.io/region: eu-1, team: x }
                spec:
                  csi: { driver: ebs.csi.aws.com, volumeHandle: vol-1 }
                  claimRef: { namespace: a, name: data }
                """);
        Volume v = ModelConverter.volume(streamed(pv));
        assertThat(v.zoneLabels()).isEqualTo(Map.of("topology.kubernetes.io/zone", "eu-1a", "failure-domain.beta.kubernetes.io/region", "eu-1"));
        assertThat(v.csiDriver()).isEqualTo("ebs.csi.aws.com");
        assertThat(v).isEqualTo(Fabric8ModelConverter.volume(BINDING.treeToValue(pv, PersistentVolume.class)));
        JsonNode pvc = YAML.readTree("{kind: PersistentVolumeClaim, metadata: {name: data, namespace: a}, spec: {accessModes: [ReadWriteOncePod], volumeName: pv-1}}");
        Claim c = ModelConverter.claim(streamed(pvc));
        assertThat(c.accessModes()).isEqualTo(List.of("ReadWriteOncePod"));
        assertThat(c.readWriteOncePod()).isTrue();
        assertThat(c).isEqualTo(Fabric8ModelConverter.claim(BINDING.treeToValue(pvc, PersistentVolumeClaim.class)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "'awsElasticBlockStore: { volumeID: vol-1 }', ebs.csi.aws.com",
            "'gcePersistentDisk: { pdName: disk-1 }', pd.csi.storage.gke.io",
            "'azureDisk: { diskName: d, diskURI: u }', disk.csi.azure.com",
            "'cinder: { volumeID: v }', cinder.csi.openstack.org",
            "'vsphereVolume: { volumePath: p }', csi.vsphere.vmware.com",
            "'hostPath: { path: /data }', ''",
            "'local: { path: /mnt/disk }', ''"})
    void anInTreeCloudVolumeCountsAgainstTheCsiDriverItMigratedTo(String source, String driver) throws Exception {
        // NodeVolumeLimits counts a migrated in-tree volume against that driver's attach limit: the model must
        // see it as such a volume, or it would call a landing certain that the attach limit may refuse
        JsonNode pv = YAML.readTree("{kind: PersistentVolume, metadata: {name: pv-1}, spec: {" + source + "}}");
        Volume v = ModelConverter.volume(streamed(pv));
        assertThat(v.csiDriver()).isEqualTo(driver.isEmpty() ? null : driver);
        assertThat(v).isEqualTo(Fabric8ModelConverter.volume(BINDING.treeToValue(pv, PersistentVolume.class)));
    }
}
