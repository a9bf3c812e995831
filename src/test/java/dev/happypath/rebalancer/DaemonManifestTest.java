package dev.happypath.rebalancer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.happypath.rebalancer.testing.Kustomize;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static dev.happypath.rebalancer.ManifestsTest.only;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * cronjob/daemon/: the daemon as a Deployment, read strictly. Its probes point at the endpoints the
 * daemon serves (DaemonHealthTest proves they answer), on the port it is told to serve them on; its pod
 * is the CronJob's (account, tolerations, security, volumes); the CronJob stays, suspended, for one-shots.
 */
class DaemonManifestTest {

    static final Path DAEMON = Path.of("cronjob/daemon");

    private static Deployment deployment() {
        return Kustomize.strictly(only(Kustomize.render(DAEMON), "Deployment"), Deployment.class);
    }

    @Test
    void theDeploymentRunsTheDaemonWithProbesOnItsEndpoints() {
        Deployment d = deployment();
        assertThat(d.getMetadata().getNamespace()).isEqualTo("happypath-rebalancer");
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        List<String> args = c.getArgs();
        assertThat(args.get(0)).isEqualTo("daemon");
        assertThat(args).contains("--on-node-recovery", "--schedule");
        String port = args.get(args.indexOf("--metrics-port") + 1);
        ContainerPort metrics = c.getPorts().stream().filter(p -> "metrics".equals(p.getName())).findFirst().orElseThrow();
        assertThat(metrics.getContainerPort()).as("the port the daemon serves on").isEqualTo(Integer.parseInt(port));

        Probe liveness = c.getLivenessProbe();
        Probe readiness = c.getReadinessProbe();
        assertThat(liveness.getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(readiness.getHttpGet().getPath()).isEqualTo("/readyz");
        for (Probe p : List.of(liveness, readiness)) {
            assertThat(p.getHttpGet().getPort().getStrVal()).isEqualTo("metrics");
        }
        // the config the args name is the one mounted
        String config = args.get(args.indexOf("--config") + 1);
        assertThat(c.getVolumeMounts()).anyMatch(m -> config.startsWith(m.getMountPath() + "/") && m.getName().equals("config"));
    }

    @Test
    void itsPodIsTheCronJobsPodAndTheCronJobIsSuspended() {
        List<ObjectNode> objects = Kustomize.render(DAEMON);
        CronJob cronJob = Kustomize.strictly(only(objects, "CronJob"), CronJob.class);
        assertThat(cronJob.getSpec().getSuspend()).as("kept for one-shots, suspended: the daemon runs the passes").isTrue();
        PodSpec job = cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
        PodSpec daemon = deployment().getSpec().getTemplate().getSpec();
        assertThat(daemon.getServiceAccountName()).isEqualTo(job.getServiceAccountName());
        assertThat(daemon.getPriorityClassName()).isEqualTo(job.getPriorityClassName());
        assertThat(daemon.getTolerations()).isEqualTo(job.getTolerations());
        assertThat(daemon.getSecurityContext()).isEqualTo(job.getSecurityContext());
        assertThat(daemon.getVolumes()).isEqualTo(job.getVolumes());
        assertThat(daemon.getTerminationGracePeriodSeconds()).isEqualTo(job.getTerminationGracePeriodSeconds());
        Container dc = daemon.getContainers().get(0);
        Container jc = job.getContainers().get(0);
        assertThat(dc.getSecurityContext()).isEqualTo(jc.getSecurityContext());
        assertThat(dc.getEnv()).isEqualTo(jc.getEnv());
        assertThat(dc.getVolumeMounts()).isEqualTo(jc.getVolumeMounts());
        assertThat(dc.getImage()).isEqualTo(jc.getImage());

        // the live install's permissions, unchanged (RbacTest proves a daemon's requests need them)
        List<ObjectNode> live = Kustomize.render(ManifestsTest.LIVE);
        assertThat(Kustomize.strictly(only(objects, "ClusterRole"), ClusterRole.class).getRules())
                .isEqualTo(Kustomize.strictly(only(live, "ClusterRole"), ClusterRole.class).getRules());
        assertThat(Kustomize.strictly(only(objects, "Role"), Role.class).getRules())
                .isEqualTo(Kustomize.strictly(only(live, "Role"), Role.class).getRules());
    }
}
