package dev.happypath.rebalancer.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.happypath.rebalancer.cli.PlanCommandTest.NOW;
import static dev.happypath.rebalancer.cli.PlanCommandTest.cli;
import static dev.happypath.rebalancer.cli.PlanCommandTest.example;
import static org.assertj.core.api.Assertions.assertThat;

/** --scheduler-config end to end: read before anything is decided, a mistake is exit 2 with one line. */
class SchedulerConfigOptionTest {

    @TempDir
    Path dir;

    @Test
    void aBrokenSchedulerConfigurationIsExitTwoWithOneLine() throws Exception {
        Path file = dir.resolve("sched.yaml");
        Files.writeString(file, "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n"
                + "profiles:\n- plugins:\n    score:\n      enabled: [{name: NodeAffinity, weight: -1}]\n");
        PlanCommandTest.Run r = cli("plan", "--snapshot", example("idp-lifeboat-after-recovery"), "--now", NOW, "--scheduler-config", file.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(r.err().strip()).isEqualTo("error: " + file + ": profiles[0].plugins.score.enabled[0].weight: must not be negative, got -1");
    }

    @Test
    void aProfileThatClaimsNoPodOfTheDefaultSchedulerPlansNothingCertain() throws Exception {
        Path file = dir.resolve("sched.yaml");
        Files.writeString(file, "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n- schedulerName: packer\n");
        PlanCommandTest.Run before = cli("plan", "--snapshot", example("idp-lifeboat-after-recovery"), "--now", NOW, "-o", "json");
        assertThat(before.code()).as(before.err()).isZero();
        assertThat(before.out()).contains("\"PLANNED\"");
        PlanCommandTest.Run r = cli("plan", "--snapshot", example("idp-lifeboat-after-recovery"), "--now", NOW, "-o", "json",
                "--scheduler-config", file.toString());
        assertThat(r.err()).doesNotContain("Exception");
        // every default-scheduler pod is now someone else's: a move goes ahead only if every feasible node is a home
        assertThat(r.out()).contains("scheduled by default-scheduler, which no profile of " + file + " names");
    }
}
