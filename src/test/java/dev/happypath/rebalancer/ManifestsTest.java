package dev.happypath.rebalancer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.happypath.rebalancer.testing.Kustomize;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * cronjob/ rendered with kustomize semantics and read strictly with the fabric8 model: the CronJob is
 * safe to leave running (never two passes, bounded, least privilege, runs while workers are down).
 */
class ManifestsTest {

    static final Path LIVE = Path.of("cronjob");
    static final Path DRY_RUN = Path.of("cronjob/dry-run");
    private static final String NS = "happypath-rebalancer";

    static CronJob cronJob(Path dir) {
        return Kustomize.strictly(only(Kustomize.render(dir), "CronJob"), CronJob.class);
    }

    static ObjectNode only(List<ObjectNode> objects, String kind) {
        List<ObjectNode> found = objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
        assertThat(found).as(kind).hasSize(1);
        return found.get(0);
    }

    @Test
    void everyRenderedObjectIsReadStrictlyAndLivesInTheRebalancersNamespace() {
        for (Path dir : List.of(LIVE, DRY_RUN)) {
            List<ObjectNode> objects = Kustomize.render(dir);
            assertThat(objects.stream().map(o -> o.path("kind").asText()).collect(Collectors.toSet())).isEqualTo(Set.of(
                    "Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "ConfigMap", "CronJob"));
            for (ObjectNode o : objects) {
                var typed = Kustomize.strictly(o, io.fabric8.kubernetes.api.model.HasMetadata.class);
                if (!Set.of("Namespace", "ClusterRole", "ClusterRoleBinding").contains(typed.getKind())) {
                    assertThat(typed.getMetadata().getNamespace()).as(typed.getKind()).isEqualTo(NS);
                }
            }
            assertThat(Kustomize.strictly(only(objects, "Namespace"), Namespace.class).getMetadata().getName()).isEqualTo(NS);
        }
    }

    @Test
    void theStrictReadCatchesATypo() {
        ObjectNode cronJob = only(Kustomize.render(LIVE), "CronJob");
        ((ObjectNode) cronJob.get("spec")).put("concurrencyPolicyy", "Forbid");
        assertThatThrownBy(() -> Kustomize.strictly(cronJob, CronJob.class)).hasMessageContaining("concurrencyPolicyy");
    }

    @Test
    void theCronJobRunsEveryFiveMinutesNeverTwiceAtOnceAndNeverRetries() {
        CronJob c = cronJob(LIVE);
        assertThat(c.getMetadata().getName()).isEqualTo("happypath-rebalancer");
        assertThat(c.getSpec().getSchedule()).isEqualTo("*/5 * * * *");
        assertThat(c.getSpec().getConcurrencyPolicy()).isEqualTo("Forbid");
        assertThat(c.getSpec().getStartingDeadlineSeconds()).isPositive().isLessThan(300L);
        assertThat(c.getSpec().getSuccessfulJobsHistoryLimit()).isBetween(1, 5);
        assertThat(c.getSpec().getFailedJobsHistoryLimit()).isBetween(1, 5);
        JobSpec job = c.getSpec().getJobTemplate().getSpec();
        assertThat(job.getBackoffLimit()).isZero();
        assertThat(job.getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
    }

    @Test
    void theDeadlineOutlastsTheWorstCaseOfAPassWithTheShippedConfig() throws Exception {
        // maxPerRun x (pdbTimeout + readyTimeout), read from the very config the CronJob mounts
        var happyPath = dev.happypath.rebalancer.config.HappyPathLoader.parse("configmap",
                configMapRebalancerYaml().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        var e = happyPath.eviction();
        Duration worst = e.pdbTimeout().plus(e.readyTimeout()).multipliedBy(e.maxPerRun());
        assertThat(worst).isEqualTo(Duration.ofMinutes(35));
        long deadline = cronJob(LIVE).getSpec().getJobTemplate().getSpec().getActiveDeadlineSeconds();
        assertThat(Duration.ofSeconds(deadline)).isGreaterThan(worst.plusMinutes(5));
        // and shorter than a day, so a stuck pod does not hold the schedule (concurrencyPolicy Forbid) forever
        assertThat(Duration.ofSeconds(deadline)).isLessThan(Duration.ofHours(1));
    }

    @Test
    void thePodRunsOnTheLifeboatWithPlatformPriorityAndLeastPrivilege() {
        PodSpec pod = cronJob(LIVE).getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
        assertThat(pod.getServiceAccountName()).isEqualTo("happypath-rebalancer");
        assertThat(pod.getPriorityClassName()).isIn(blueprintPriorityClasses()).isEqualTo("platform-infrastructure");
        assertThat(pod.getTolerations()).anySatisfy(t -> {
            assertThat(t.getKey()).isEqualTo("node-role.kubernetes.io/control-plane");
            assertThat(t.getOperator()).isEqualTo("Exists");
            assertThat(t.getEffect()).isEqualTo("NoSchedule");
        });
        assertThat(pod.getTolerations()).extracting(Toleration::getKey).doesNotContainNull();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);

        Container c = pod.getContainers().get(0);
        assertThat(pod.getContainers()).hasSize(1);
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(c.getSecurityContext().getPrivileged()).isNotEqualTo(Boolean.TRUE);

        // memory sized from measurement (docs/operations.md): limit 128Mi, request equal (no overcommit)
        assertThat(c.getResources().getLimits().get("memory")).isEqualTo(new Quantity("128Mi"));
        assertThat(c.getResources().getRequests().get("memory")).isEqualTo(new Quantity("128Mi"));
        assertThat(c.getResources().getRequests()).containsKey("cpu");

        // read-only root: the only writable path is /tmp, an emptyDir; the config comes read-only from the ConfigMap
        Set<String> emptyDirs = pod.getVolumes().stream().filter(v -> v.getEmptyDir() != null).map(Volume::getName)
                .collect(Collectors.toSet());
        assertThat(c.getVolumeMounts()).filteredOn(m -> !Boolean.TRUE.equals(m.getReadOnly()))
                .allSatisfy(m -> assertThat(emptyDirs).contains(m.getName()))
                .extracting(VolumeMount::getMountPath).containsExactly("/tmp");
        Volume config = pod.getVolumes().stream().filter(v -> v.getConfigMap() != null).findFirst().orElseThrow();
        assertThat(config.getConfigMap().getName()).isEqualTo("happypath-rebalancer-config");
        VolumeMount configMount = c.getVolumeMounts().stream().filter(m -> m.getName().equals(config.getName())).findFirst().orElseThrow();
        assertThat(c.getArgs()).containsSubsequence("--config", configMount.getMountPath() + "/rebalancer.yaml");

        // the Lease's namespace and holder, and the pod that gets the summary Event, come from the downward API
        assertThat(c.getEnv()).extracting(EnvVar::getName).contains("POD_NAMESPACE", "POD_NAME", "POD_UID");
        assertThat(c.getEnv()).filteredOn(v -> v.getName().equals("POD_NAMESPACE"))
                .allSatisfy(v -> assertThat(v.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace"));
    }

    @Test
    void theLiveCronJobActsAndTheDryRunOverlayOnlyReports() {
        List<String> live = cronJob(LIVE).getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
        List<String> dry = cronJob(DRY_RUN).getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
        assertThat(live.get(0)).isEqualTo("run");
        assertThat(live).doesNotContain("--dry-run").containsSubsequence("--output", "jsonl").containsSubsequence("--log-format", "json");
        assertThat(dry).containsExactlyElementsOf(Stream.concat(Stream.of("run", "--dry-run"), live.stream().skip(1)).toList());
        // the overlay changes nothing else
        ObjectNode liveJob = only(Kustomize.render(LIVE), "CronJob");
        ObjectNode dryJob = only(Kustomize.render(DRY_RUN), "CronJob");
        ((com.fasterxml.jackson.databind.node.ArrayNode) dryJob.at("/spec/jobTemplate/spec/template/spec/containers/0/args")).remove(1);
        assertThat(dryJob).isEqualTo(liveJob);
    }

    @Test
    void theConfigMapHoldsExactlyTheDefaultHappyPath() throws Exception {
        assertThat(configMapRebalancerYaml()).isEqualTo(Files.readString(Path.of("config/rebalancer.yaml")));
    }

    static String configMapRebalancerYaml() {
        ConfigMap cm = Kustomize.strictly(only(Kustomize.render(LIVE), "ConfigMap"), ConfigMap.class);
        assertThat(cm.getMetadata().getName()).isEqualTo("happypath-rebalancer-config");
        return cm.getData().get("rebalancer.yaml");
    }

    @Test
    void bothBindingsNameTheCronJobsServiceAccount() {
        List<ObjectNode> objects = Kustomize.render(LIVE);
        ClusterRoleBinding crb = Kustomize.strictly(only(objects, "ClusterRoleBinding"), ClusterRoleBinding.class);
        RoleBinding rb = Kustomize.strictly(only(objects, "RoleBinding"), RoleBinding.class);
        for (var subjects : List.of(crb.getSubjects(), rb.getSubjects())) {
            assertThat(subjects).singleElement().satisfies(s -> {
                assertThat(s.getKind()).isEqualTo("ServiceAccount");
                assertThat(s.getName()).isEqualTo("happypath-rebalancer");
                assertThat(s.getNamespace()).isEqualTo(NS);
            });
        }
        assertThat(crb.getRoleRef().getKind()).isEqualTo("ClusterRole");
        assertThat(rb.getRoleRef().getKind()).isEqualTo("Role");
    }

    private static Set<String> blueprintPriorityClasses() {
        // ../shared is the project's shared folder; the names are also written here so the test runs without it
        return Set.of("platform-infrastructure", "platform-events", "platform-policy", "platform-security",
                "platform-observability", "platform-cicd", "platform-dashboards", "user-workloads", "cicd-execution");
    }
}
