package dev.happypath.rebalancer.scheduling;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.happypath.rebalancer.cluster.SnapshotFile;
import dev.happypath.rebalancer.config.SchedulerConfigLoader;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.testing.Scenario;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each setting of a KubeSchedulerConfiguration changes a prediction as it changes the scheduler's choice.
 * The cluster is least-allocated.yaml's (its arithmetic is there): the default profile puts the incoming
 * pod (1 CPU / 1Gi) on the empty n3.
 */
class SchedulerProfileTest {

    private static final String HEAD = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n";
    private static final Path LEAST_ALLOCATED = Path.of("src/test/resources/predictions/least-allocated.yaml");

    @TempDir
    Path dir;

    private static SchedulerConfig config(String yaml) {
        return SchedulerConfigLoader.parse("sched.yaml", (HEAD + yaml).getBytes(StandardCharsets.UTF_8));
    }

    private static String mostAllocated(String name) {
        return "profiles:\n- schedulerName: " + name + "\n  pluginConfig:\n  - name: NodeResourcesFit\n    args:\n"
                + "      scoringStrategy: {type: MostAllocated}\n";
    }

    private ClusterSnapshot snapshot(Path fixture, Consumer<ObjectNode> change) throws Exception {
        ObjectNode list = Scenario.load(fixture).kubectlList();
        change.accept(list);
        Path file = dir.resolve("dump.json");
        Files.writeString(file, new ObjectMapper().writeValueAsString(list));
        return SnapshotFile.read(file, Instant.parse("2026-11-21T10:00:00Z"));
    }

    private static PodState pod(ClusterSnapshot s, String key) {
        return s.pods().stream().filter(p -> p.key().equals(key)).findFirst().orElseThrow();
    }

    private Prediction predict(SchedulerConfig config) throws Exception {
        ClusterSnapshot s = snapshot(LEAST_ALLOCATED, l -> { });
        return LandingPredictor.predict(pod(s, "app/incoming"), new PlanningView(s), config);
    }

    @Test
    void mostAllocatedPacksThePodOntoTheFullestNode() throws Exception {
        assertThat(predict(SchedulerConfig.DEFAULT).node()).isEqualTo("n3");
        Prediction p = predict(config(mostAllocated("default-scheduler")));
        // MostAllocated on the scoring requests: n1 cpu 3000/4000 = 75, memory 3Gi/4Gi = 75 -> 75;
        // n2 cpu 2000/4000 = 50, memory 3024Mi/4096Mi = 73 -> 61; n3 25. Others as in the default: 600 each.
        assertThat(p.node()).isEqualTo("n1");
        assertThat(p.totals()).containsEntry("n1", 675L).containsEntry("n2", 661L).containsEntry("n3", 625L);
    }

    @Test
    void requestedToCapacityRatioFollowsItsShapeAndRoundsTheMean() throws Exception {
        Prediction p = predict(config("""
                profiles:
                - pluginConfig:
                  - name: NodeResourcesFit
                    args:
                      scoringStrategy:
                        type: RequestedToCapacityRatio
                        requestedToCapacityRatio: {shape: [{utilization: 0, score: 0}, {utilization: 100, score: 10}]}
                """));
        // n2: cpu 50, memory 73: (50 + 73) / 2 = 61.5, rounded to 62 (LeastAllocated and MostAllocated truncate)
        assertThat(p.verdicts()).filteredOn(v -> v.node().equals("n2")).first()
                .satisfies(v -> assertThat(v.scores()).containsEntry("NodeResourcesFit", 62L));
        assertThat(p.node()).isEqualTo("n1");
    }

    @Test
    void resourceWeightsWeighTheMean() throws Exception {
        Prediction p = predict(config("""
                profiles:
                - pluginConfig:
                  - name: NodeResourcesFit
                    args:
                      scoringStrategy: {type: LeastAllocated, resources: [{name: cpu, weight: 3}, {name: memory, weight: 1}]}
                """));
        // n2: cpu 50 x 3 + memory 26 x 1 = 176 / 4 = 44 (the default's equal weights give 38)
        assertThat(p.verdicts()).filteredOn(v -> v.node().equals("n2")).first()
                .satisfies(v -> assertThat(v.scores()).containsEntry("NodeResourcesFit", 44L));
    }

    @Test
    void aWeightMultipliesThePluginsScoreAndDisablingItLeavesATie() throws Exception {
        Prediction heavier = predict(config("profiles:\n- plugins:\n    score:\n      enabled: [{name: NodeResourcesFit, weight: 4}]\n"));
        assertThat(heavier.totals()).containsEntry("n3", 600L + 4 * 75).containsEntry("n1", 600L + 4 * 25);
        Prediction without = predict(config("profiles:\n- plugins:\n    score:\n      disabled: [{name: NodeResourcesFit}]\n"));
        assertThat(without.node()).isNull();
        assertThat(without.tied()).containsExactly("n1", "n2", "n3");
        Prediction none = predict(config("profiles:\n- plugins:\n    score:\n      disabled: [{name: \"*\"}]\n"));
        assertThat(none.totals()).containsEntry("n1", 0L).containsEntry("n3", 0L);
    }

    @Test
    void aDisabledFilterNoLongerRefuses() throws Exception {
        ClusterSnapshot s = snapshot(LEAST_ALLOCATED, l -> l.withArray("items").forEach(i -> {
            if (i.path("metadata").path("name").asText().equals("incoming")) {
                ((ObjectNode) i.at("/spec/containers/0/resources/requests")).put("cpu", "8");
            }
        }));
        PodState big = pod(s, "app/incoming");
        assertThat(LandingPredictor.predict(big, new PlanningView(s), SchedulerConfig.DEFAULT).feasibleAnywhere()).isFalse();
        Prediction p = LandingPredictor.predict(big, new PlanningView(s),
                config("profiles:\n- plugins:\n    filter:\n      disabled: [{name: NodeResourcesFit}]\n"));
        assertThat(p.feasible()).containsExactly("n1", "n2", "n3");
    }

    @Test
    void thePodsSchedulerNameChoosesTheProfile() throws Exception {
        SchedulerConfig two = config(mostAllocated("packer") + "- schedulerName: default-scheduler\n");
        ClusterSnapshot s = snapshot(LEAST_ALLOCATED, l -> l.withArray("items").forEach(i -> {
            if (i.path("metadata").path("name").asText().equals("incoming")) {
                ((ObjectNode) i.get("spec")).put("schedulerName", "packer");
            }
        }));
        assertThat(LandingPredictor.predict(pod(s, "app/incoming"), new PlanningView(s), two).node()).isEqualTo("n1");
        // without a profile of its name, another scheduler binds it: no certain landing
        Prediction orphan = LandingPredictor.predict(pod(s, "app/incoming"), new PlanningView(s), config(mostAllocated("other")));
        assertThat(orphan.node()).isNull();
        assertThat(orphan.uncertainty()).isEqualTo("it is scheduled by packer, which no profile of sched.yaml names (its profiles: other)");
        // and a pod of the default scheduler, when the file has no default-scheduler profile
        assertThat(predict(config(mostAllocated("packer"))).uncertainty()).contains("scheduled by default-scheduler, which no profile");
    }

    @Test
    void anEnabledPluginTheModelDoesNotSimulateMakesThePredictionUncertain() throws Exception {
        Prediction p = predict(config("profiles:\n- pluginConfig:\n  - name: InterPodAffinity\n    args: {hardPodAffinityWeight: 10}\n"));
        assertThat(p.node()).isNull();
        assertThat(p.uncertainty()).isEqualTo("its scheduler profile (sched.yaml profile default-scheduler) enables InterPodAffinity args "
                + "(pluginConfig), which the model does not simulate");
        assertThat(p.candidates()).containsExactly("n1", "n2", "n3");
    }

    /** 120 empty nodes: more than the 100 below which the scheduler examines every node. */
    private static ClusterSnapshot large() throws Exception {
        StringBuilder y = new StringBuilder("nodes:\n");
        for (int i = 0; i < 120; i++) {
            y.append(String.format("  - { name: n%03d }%n", i));
        }
        y.append("pods:\n  - { ns: app, name: incoming }\n");
        return Scenario.parse("large", y.toString()).snapshot();
    }

    @Test
    void percentageOfNodesToScoreDecidesWhetherTheSchedulerSamples() throws Exception {
        ClusterSnapshot s = large();
        PodState pod = pod(s, "app/incoming");
        // adaptive default at 120 nodes: 50 - 120/125 = 50 %, at least 100 nodes: it stops after 100 feasible ones
        Prediction adaptive = LandingPredictor.predict(pod, new PlanningView(s), SchedulerConfig.DEFAULT);
        assertThat(adaptive.scored()).isFalse();
        assertThat(adaptive.uncertainty()).contains("scores only a sample of 100 feasible nodes").doesNotContain("percentageOfNodesToScore");
        Prediction all = LandingPredictor.predict(pod, new PlanningView(s), config("percentageOfNodesToScore: 100\n"));
        assertThat(all.scored()).isTrue();
        assertThat(all.complete()).isTrue();
        assertThat(all.uncertainty()).isNull();
        assertThat(all.tied()).hasSize(120);
        Prediction few = LandingPredictor.predict(pod, new PlanningView(s),
                config("percentageOfNodesToScore: 100\nprofiles:\n- percentageOfNodesToScore: 10\n"));
        assertThat(few.scored()).isFalse();
        assertThat(few.uncertainty()).contains("percentageOfNodesToScore 10 in sched.yaml profile default-scheduler");
    }

    @Test
    void numFeasibleNodesToFindFollowsTheScheduler() {
        assertThat(LandingPredictor.numFeasibleNodesToFind(99, 10)).isEqualTo(99);
        assertThat(LandingPredictor.numFeasibleNodesToFind(1000, 50)).isEqualTo(500);
        assertThat(LandingPredictor.numFeasibleNodesToFind(1000, 5)).as("never below 100").isEqualTo(100);
        assertThat(LandingPredictor.numFeasibleNodesToFind(5000, 0)).as("adaptive: 50 - 40 = 10 %").isEqualTo(500);
    }
}
