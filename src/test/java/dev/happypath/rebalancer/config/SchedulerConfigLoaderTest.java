package dev.happypath.rebalancer.config;

import dev.happypath.rebalancer.InvalidInputException;
import dev.happypath.rebalancer.scheduling.ResourceScoring;
import dev.happypath.rebalancer.scheduling.SchedulerConfig;
import dev.happypath.rebalancer.scheduling.SchedulerProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Reading a KubeSchedulerConfiguration: what each setting becomes, and one line per mistake. */
class SchedulerConfigLoaderTest {

    private static final String HEAD = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n";

    @TempDir
    Path dir;

    static SchedulerConfig parse(String yaml) {
        return SchedulerConfigLoader.parse("sched.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, Integer> weights(SchedulerProfile p) {
        Map<String, Integer> w = new LinkedHashMap<>();
        p.scores().forEach(s -> w.put(s.plugin().name(), s.weight()));
        return w;
    }

    @Test
    void withoutProfilesItIsTheDefaultProfileUnderDefaultScheduler() {
        SchedulerConfig c = parse(HEAD);
        SchedulerProfile p = c.profiles().get("default-scheduler");
        assertThat(c.schedulerNames()).containsExactly("default-scheduler");
        assertThat(weights(p)).isEqualTo(weights(SchedulerProfile.defaults()));
        assertThat(p.filters()).isEqualTo(SchedulerProfile.defaults().filters());
        assertThat(p.unmodelled()).isEmpty();
        assertThat(p.percentageOfNodesToScore()).isZero();
    }

    @Test
    void disablingAtTheExtensionPointDropsTheDefaultAndAStarDropsThemAll() {
        SchedulerProfile p = parse(HEAD + """
                profiles:
                - plugins:
                    score:
                      disabled: [{name: NodeResourcesBalancedAllocation}]
                      enabled: [{name: TaintToleration, weight: 10}]
                    filter:
                      disabled: [{name: "*"}]
                      enabled: [{name: NodeName}]
                """).profiles().get("default-scheduler");
        assertThat(weights(p)).containsEntry("TaintToleration", 10).doesNotContainKey("NodeResourcesBalancedAllocation")
                .containsEntry("NodeAffinity", 2);
        assertThat(p.filters()).extracting(f -> f.name()).containsExactly("NodeName");
    }

    @Test
    void multiPointDisablesEverywhereAndAWeightLeftOutCountsOne() {
        SchedulerProfile p = parse(HEAD + """
                profiles:
                - schedulerName: packer
                  percentageOfNodesToScore: 100
                  plugins:
                    multiPoint:
                      disabled: [{name: TaintToleration}]
                      enabled: [{name: InterPodAffinity}]
                """).profiles().get("packer");
        assertThat(weights(p)).doesNotContainKey("TaintToleration").containsEntry("InterPodAffinity", 1);
        assertThat(p.filters()).extracting(f -> f.name()).doesNotContain("TaintToleration").contains("NodeResourcesFit");
        assertThat(p.percentageOfNodesToScore()).isEqualTo(100);
        assertThat(p.source()).isEqualTo("sched.yaml profile packer");
    }

    @Test
    void theScoringStrategyIsRead() {
        SchedulerProfile p = parse(HEAD + """
                percentageOfNodesToScore: 30
                profiles:
                - pluginConfig:
                  - name: NodeResourcesFit
                    args:
                      scoringStrategy:
                        type: RequestedToCapacityRatio
                        resources: [{name: cpu, weight: 3}, {name: memory, weight: 1}, {name: nvidia.com/gpu, weight: 5}]
                        requestedToCapacityRatio:
                          shape: [{utilization: 0, score: 0}, {utilization: 100, score: 10}]
                """).profiles().get("default-scheduler");
        ResourceScoring s = (ResourceScoring) p.scores().stream().filter(w -> w.plugin().name().equals("NodeResourcesFit"))
                .findFirst().orElseThrow().plugin();
        assertThat(s.type()).isEqualTo(ResourceScoring.Type.RequestedToCapacityRatio);
        assertThat(s.resources()).containsExactly(new ResourceScoring.ResourceWeight("cpu", 3), new ResourceScoring.ResourceWeight("memory", 1));
        assertThat(s.shape()).containsExactly(new ResourceScoring.ShapePoint(0, 0), new ResourceScoring.ShapePoint(100, 100));
        assertThat(p.unmodelled()).containsExactly("NodeResourcesFit scoring of nvidia.com/gpu");
        assertThat(p.percentageOfNodesToScore()).as("the file's, where the profile sets none").isEqualTo(30);
    }

    @Test
    void whatChangesPlacementUnmodelledIsListedNotIgnored() {
        SchedulerProfile p = parse(HEAD + """
                extenders: [{urlPrefix: "http://extender"}]
                profiles:
                - plugins:
                    score:
                      enabled: [{name: ImageLocality, weight: 5}]
                  pluginConfig:
                  - name: PodTopologySpread
                    args: {defaultingType: List}
                  - name: DefaultPreemption
                    args: {minCandidateNodesPercentage: 20}
                """).profiles().get("default-scheduler");
        assertThat(p.unmodelled()).contains("PodTopologySpread args (pluginConfig)", "1 scheduler extender")
                .noneMatch(u -> u.contains("DefaultPreemption"));
        if (weights(p).containsKey("ImageLocality")) {
            assertThat(weights(p)).containsEntry("ImageLocality", 5); // modelled (issue 13, the conformance helper's part)
        } else {
            assertThat(p.unmodelled()).contains("the ImageLocality score (weight 5)");
        }
    }

    @Test
    void theConfigKeyIsReadRelativeToTheConfigurationsDirectory() throws Exception {
        Files.writeString(dir.resolve("sched.yaml"), HEAD + "profiles:\n- schedulerName: packer\n");
        String config = new String(HappyPathLoader.class.getClassLoader().getResourceAsStream(HappyPathLoader.BUILT_IN).readAllBytes(),
                StandardCharsets.UTF_8) + "\nscheduler:\n  configFile: sched.yaml\n";
        Files.writeString(dir.resolve("rebalancer.yaml"), config);
        HappyPath h = HappyPathLoader.load(dir.resolve("rebalancer.yaml"));
        assertThat(h.scheduler().schedulerNames()).containsExactly("packer");
        assertThat(HappyPathLoader.loadBuiltIn().scheduler()).isSameAs(SchedulerConfig.DEFAULT);
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> broken() {
        return Stream.of(
                arguments("apiVersion: kubescheduler.config.k8s.io/v1beta3\nkind: KubeSchedulerConfiguration\n",
                        "sched.yaml: apiVersion: expected kubescheduler.config.k8s.io/v1 (the only version kube-scheduler v1.33 reads), got 'kubescheduler.config.k8s.io/v1beta3'"),
                arguments("apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeletConfiguration\n",
                        "sched.yaml: kind: expected KubeSchedulerConfiguration, got 'KubeletConfiguration'"),
                arguments(HEAD + "percentageOfNodes: 50\n", "sched.yaml: percentageOfNodes: unknown key (allowed here: "),
                arguments(HEAD + "percentageOfNodesToScore: 120\n", "sched.yaml: percentageOfNodesToScore: must be between 0 and 100, got 120"),
                arguments(HEAD + "profiles:\n- plugins:\n    score:\n      enabled: [{name: NodeResourceFit, weight: 2}]\n",
                        "sched.yaml: profiles[0].plugins.score.enabled[0].name: unknown plugin 'NodeResourceFit' (kube-scheduler v1.33 has: "),
                arguments(HEAD + "profiles:\n- plugins:\n    score:\n      enabled: [{name: NodeAffinity, weight: -2}]\n",
                        "sched.yaml: profiles[0].plugins.score.enabled[0].weight: must not be negative, got -2"),
                arguments(HEAD + "profiles:\n- plugins:\n    filter:\n      enabled: [{name: ImageLocality}]\n",
                        "sched.yaml: profiles[0].plugins.filter.enabled[0].name: ImageLocality is not a filter plugin (filter plugins: "),
                arguments(HEAD + "profiles:\n- plugins:\n    scores: {}\n", "sched.yaml: profiles[0].plugins.scores: unknown key (allowed here: "),
                arguments(HEAD + "profiles:\n- plugins:\n    score:\n      enabled: [{name: \"*\"}]\n",
                        "sched.yaml: profiles[0].plugins.score.enabled[0].name: unknown plugin '*'"),
                arguments(HEAD + "profiles:\n- schedulerName: a\n- schedulerName: a\n",
                        "sched.yaml: profiles[1].schedulerName: duplicate schedulerName 'a' (also profiles[0])"),
                arguments(HEAD + "profiles:\n- pluginConfig:\n  - name: NodeResourcesFit\n    args:\n      scoringStrategy: {type: BinPacking}\n",
                        "sched.yaml: profiles[0].pluginConfig[0].args.scoringStrategy.type: expected LeastAllocated, MostAllocated or RequestedToCapacityRatio, got 'BinPacking'"),
                arguments(HEAD + "profiles:\n- pluginConfig:\n  - name: NodeResourcesFit\n    args:\n      scoringStrategy: {type: MostAllocated, resources: [{name: cpu, weight: 0}]}\n",
                        "sched.yaml: profiles[0].pluginConfig[0].args.scoringStrategy.resources[0].weight: must be between 1 and 100, got 0"),
                arguments(HEAD + "profiles:\n- pluginConfig:\n  - name: NodeResourcesFit\n    args:\n      scoringStrategy: {type: RequestedToCapacityRatio}\n",
                        "sched.yaml: profiles[0].pluginConfig[0].args.scoringStrategy.requestedToCapacityRatio: is required"),
                arguments(HEAD + "profiles:\n- pluginConfig:\n  - name: NodeResourcesFit\n    args:\n      scoringStrategy:\n        type: RequestedToCapacityRatio\n"
                                + "        requestedToCapacityRatio: {shape: [{utilization: 50, score: 1}, {utilization: 50, score: 5}]}\n",
                        "sched.yaml: profiles[0].pluginConfig[0].args.scoringStrategy.requestedToCapacityRatio.shape[1].utilization: utilization values must increase from point to point, got 50 after 50"),
                arguments(HEAD + "profiles:\n- pluginConfig:\n  - name: NodeResourcesFit\n    args:\n      scoringStrategy:\n        type: RequestedToCapacityRatio\n"
                                + "        requestedToCapacityRatio: {shape: [{utilization: 0, score: 11}]}\n",
                        "sched.yaml: profiles[0].pluginConfig[0].args.scoringStrategy.requestedToCapacityRatio.shape[0].score: must be between 0 and 10, got 11"),
                arguments(HEAD + "profiles:\n- pluginConfig:\n  - name: NodeResourcesFit\n    args:\n      scoringStrategy:\n        type: RequestedToCapacityRatio\n"
                                + "        requestedToCapacityRatio: {shape: []}\n",
                        "sched.yaml: profiles[0].pluginConfig[0].args.scoringStrategy.requestedToCapacityRatio.shape: needs at least one point"),
                arguments(HEAD + "profiles:\n- pluginConfig:\n  - name: NodeResourcesFit\n  - name: NodeResourcesFit\n",
                        "sched.yaml: profiles[0].pluginConfig[1].name: a second pluginConfig for NodeResourcesFit"),
                arguments("kind: [", "sched.yaml: line "),
                arguments("", "sched.yaml: is empty; expected a KubeSchedulerConfiguration"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("broken")
    void aMistakeIsOneLineNamingTheFileAndTheField(String yaml, String message) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(message).satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aMissingFileIsNamed() {
        assertThatThrownBy(() -> SchedulerConfigLoader.load(dir.resolve("nope.yaml"))).isInstanceOf(InvalidInputException.class)
                .hasMessageEndingWith("nope.yaml: no such file (expected a KubeSchedulerConfiguration)");
    }
}
