package dev.happypath.rebalancer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jar the CronJob image runs (cronjob/Dockerfile copies target/happypath-rebalancer-cluster.jar) carries
 * neither the cluster simulator nor the in-process API server's libraries: an image scanner (the IDP
 * Blueprint runs trivy-operator) finds nothing of them, and nothing in the CronJob can serve an
 * unauthenticated API. Runs after {@code package} (maven-failsafe-plugin, {@code mvn verify}) on the jars
 * themselves; the demo jar is the positive control, so a check that sees nothing cannot pass.
 */
class ProductionJarIT {

    private static final Path PRODUCTION = Path.of("target/happypath-rebalancer-cluster.jar");
    private static final Path DEMO = Path.of("target/happypath-rebalancer.jar");
    /** Generous: a JVM starts and prints its help within it on a loaded 2-core machine. */
    private static final long WAIT_SECONDS = 120;

    /** What must not ship, by the entries it would bring: the simulator and each library of the mock server. */
    private static final Map<String, String> FORBIDDEN_ENTRIES = Map.of(
            "dev/happypath/rebalancer/sim/", "the cluster simulator and the demo",
            "io/fabric8/kubernetes/client/server/mock/", "kubernetes-server-mock",
            "io/fabric8/mockwebserver/", "mockwebserver",
            "io/vertx/", "vert.x",
            "io/netty/", "netty",
            "org/bouncycastle/", "BouncyCastle");
    /**
     * The same, by the Maven coordinates: as shade records them (META-INF/maven/g/a/pom.properties; not every
     * library has one, BouncyCastle has none) and as the dependency jars' paths in the local repository.
     */
    private static final List<String> FORBIDDEN_ARTIFACTS = List.of(
            "io.fabric8:kubernetes-server-mock", "io.fabric8:mockwebserver", "io.vertx:", "io.netty:", "org.bouncycastle:");

    @TempDir
    Path dir;

    @Test
    void theProductionJarHoldsNoSimulatorAndNoMockServerLibrary() throws IOException {
        List<String> entries = entries(PRODUCTION);

        assertThat(offences(entries)).as("entries of " + PRODUCTION).isEmpty();
        assertThat(entries).as("the product itself is there")
                .contains("dev/happypath/rebalancer/cli/Cli.class", "io/fabric8/kubernetes/client/KubernetesClient.class", "rebalancer.yaml");
    }

    @Test
    void theProductionJarBundlesNoneOfTheMockServersArtifacts() throws IOException {
        List<String> artifacts = bundledArtifacts(PRODUCTION);

        assertThat(artifacts).as("artifacts bundled in " + PRODUCTION)
                .noneMatch(a -> FORBIDDEN_ARTIFACTS.stream().anyMatch(a::startsWith))
                .contains("io.fabric8:kubernetes-client", "io.fabric8:kubernetes-httpclient-jdk");
    }

    @Test
    void theProductionJarSharesNoClassWithTheMockServersDependencies() throws IOException {
        // from the dependency jars themselves (this test's classpath is the build's), not from package names:
        // a library that moved its packages would still be caught
        Set<String> production = Set.copyOf(entries(PRODUCTION));
        Map<String, List<Path>> jars = forbiddenDependencyJars();
        for (Map.Entry<String, List<Path>> dependency : jars.entrySet()) {
            for (Path jar : dependency.getValue()) {
                assertThat(classesOf(jar)).as(jar + " (" + dependency.getKey() + ") in " + PRODUCTION).noneMatch(production::contains);
            }
        }
    }

    @Test
    void theDemoJarStillHoldsEverythingTheChecksLookFor() throws IOException {
        // the positive control: the same checks find every forbidden part in the full jar
        List<String> offences = offences(entries(DEMO));
        for (String what : FORBIDDEN_ENTRIES.values()) {
            assertThat(offences).as(what).anyMatch(o -> o.endsWith("(" + what + ")"));
        }
        Set<String> demo = Set.copyOf(entries(DEMO));
        forbiddenDependencyJars().forEach((what, jars) -> assertThat(jars.stream().flatMap(j -> classesOf(j).stream()))
                .as(what + " in " + DEMO).isNotEmpty().anyMatch(demo::contains));
    }

    @Test
    void theImageCopiesTheProductionJarAndRunsIt() throws IOException {
        String dockerfile = Files.readString(Path.of("cronjob/Dockerfile")).replace("\\\n", " ");
        List<String> copies = dockerfile.lines().filter(l -> l.startsWith("COPY --from=build") && l.contains(".jar")).toList();
        assertThat(copies).containsExactly("COPY --from=build /src/" + PRODUCTION + " /app/happypath-rebalancer-cluster.jar");
        // the training runs, the archive's dump and the ENTRYPOINT all name the jar that was copied
        assertThat(dockerfile).doesNotContain("/app/happypath-rebalancer.jar");
        assertThat(dockerfile.lines().filter(l -> l.startsWith("ENTRYPOINT")))
                .singleElement().asString().endsWith("\"-jar\", \"/app/happypath-rebalancer-cluster.jar\"]");
    }

    @Test
    void theProductionJarStartsAndSaysWhatItIs() throws Exception {
        Run help = java(PRODUCTION, "--help");
        assertThat(help.code()).as(help.err()).isZero();
        assertThat(help.out()).contains("run", "plan", "daemon").doesNotContain("demo");

        Run version = java(PRODUCTION, "version");
        assertThat(version.code()).as(version.err()).isZero();
        assertThat(version.out()).startsWith("happypath-rebalancer ").contains("fabric8 kubernetes-client");
    }

    @Test
    void theProductionJarSaysWhereTheDemoIsInOneLine() throws Exception {
        Run demo = java(PRODUCTION, "demo", "--scenario", "worker-down");

        assertThat(demo.code()).isEqualTo(2);
        assertThat(demo.err().lines().toList()).as(demo.err())
                .containsExactly("error: the demo is in happypath-rebalancer.jar: this jar (happypath-rebalancer-cluster.jar, the one"
                        + " the image runs) carries no cluster simulator; run `java -jar target/happypath-rebalancer.jar demo`");
        assertThat(demo.out()).isEmpty();
    }

    @Test
    void theDemoJarStillPlaysTheDemo() throws Exception {
        Run list = java(DEMO, "demo", "--list");

        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).contains("worker-down");
    }

    /**
     * The production jar registers only the kinds of the models a pass reads and writes (pom.xml: the other
     * model jars' KubernetesResource service files are left out); the demo jar, all of them.
     */
    @Test
    void theProductionJarRegistersOnlyTheKindsAPassReadsAndWrites() throws IOException {
        List<String> production = registeredKinds(PRODUCTION);
        List<String> demo = registeredKinds(DEMO);

        assertThat(production).contains("io.fabric8.kubernetes.api.model.Pod", "io.fabric8.kubernetes.api.model.Node",
                "io.fabric8.kubernetes.api.model.Event", "io.fabric8.kubernetes.api.model.ConfigMap",
                "io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget", "io.fabric8.kubernetes.api.model.policy.v1.Eviction",
                "io.fabric8.kubernetes.api.model.coordination.v1.Lease");
        assertThat(production).allMatch(k -> k.matches("io\\.fabric8\\.kubernetes\\.api\\.model\\.([A-Z].*|policy\\..*|coordination\\..*)"),
                "a kind of core, policy or coordination");
        assertThat(demo).as("the positive control").contains("io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway");
        assertThat(demo.size()).isGreaterThan(4 * production.size());
    }

    /**
     * The production jar, in a JVM of its own, against an API server: waits for the gate through a watch of
     * the nodes (a watch event carries its object as a registered kind), then evicts under the Lease, with
     * Events and the ledger, as the CronJob's one-shot after recovery does.
     */
    @Test
    void theProductionJarWaitsForTheGateThenEvictsUnderItsLease() throws Exception {
        String config = dev.happypath.rebalancer.testing.OpsCluster.configFile(
                dev.happypath.rebalancer.testing.OpsCluster.config("1s", 5)).toString();
        try (dev.happypath.rebalancer.testing.LiveCluster c = dev.happypath.rebalancer.testing.OpsCluster.start(true, "stray")) {
            Path kubeconfig = c.api().writeKubeconfig(dir.resolve("kubeconfig"), "in-process");
            Process p = start(PRODUCTION, "run", "--wait-for-gate", "2m", "--config", config, "--kubeconfig", kubeconfig.toString(),
                    "-o", "json");
            try {
                dev.happypath.rebalancer.testing.Await.until(java.time.Duration.ofSeconds(WAIT_SECONDS), () -> "the gate wait watches the nodes\n" + err(),
                        () -> c.api().dispatcher().requests().stream().anyMatch(q -> q.path().startsWith("/api/v1/nodes?") && q.path().contains("watch=true")));

                dev.happypath.rebalancer.testing.OpsCluster.setReady(c, dev.happypath.rebalancer.testing.OpsCluster.WORKER, true);

                assertThat(p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).as("exits after the pass\n" + err()).isTrue();
                assertThat(p.exitValue()).as(err()).isZero();
                assertThat(err()).contains("the gate is open: running the pass");
                com.fasterxml.jackson.databind.JsonNode report = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("out").toFile());
                assertThat(report.get("moves").findValuesAsText("outcome")).containsExactly("EVICTED");
                assertThat(c.api().dispatcher().requests()).anyMatch(q -> q.path().endsWith("/pods/stray/eviction"))
                        .anyMatch(q -> q.path().contains("/leases"))
                        .anyMatch(q -> q.method().equals("POST") && q.path().contains("/events"))
                        .anyMatch(q -> q.path().contains("/configmaps"));
            } finally {
                p.destroyForcibly();
            }
        }
    }

    private static List<String> registeredKinds(Path jar) throws IOException {
        try (JarFile f = new JarFile(jar.toFile())) {
            ZipEntry e = f.getEntry("META-INF/services/io.fabric8.kubernetes.api.model.KubernetesResource");
            assertThat(e).as(jar + " lists the kinds it registers").isNotNull();
            try (InputStream in = f.getInputStream(e)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                        .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
            }
        }
    }

    private String err() {
        try {
            Path err = dir.resolve("err");
            return Files.exists(err) ? Files.readString(err, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static List<String> offences(List<String> entries) {
        List<String> offences = new ArrayList<>();
        for (String entry : entries) {
            FORBIDDEN_ENTRIES.forEach((prefix, what) -> {
                if (entry.startsWith(prefix)) {
                    offences.add(entry + " (" + what + ")");
                }
            });
        }
        return offences;
    }

    /** The forbidden artifacts' jars on this test's classpath (the build's own), by artifact; each must be found. */
    private static Map<String, List<Path>> forbiddenDependencyJars() {
        Map<String, List<Path>> jars = new TreeMap<>();
        List<Path> classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
                .filter(p -> p.toString().endsWith(".jar")).toList();
        for (String artifact : FORBIDDEN_ARTIFACTS) {
            String[] ga = artifact.split(":", -1);
            // <repository>/<group as dirs>/<artifact>/<version>/<artifact>-<version>.jar
            String fragment = File.separator + ga[0].replace('.', File.separatorChar) + File.separator + ga[1];
            List<Path> found = classpath.stream().filter(p -> p.toString().contains(fragment)).toList();
            assertThat(found).as(artifact + " on the build's classpath").isNotEmpty();
            jars.put(artifact, found);
        }
        return jars;
    }

    private static List<String> classesOf(Path jar) {
        try (JarFile f = new JarFile(jar.toFile())) {
            return f.stream().map(ZipEntry::getName)
                    .filter(n -> n.endsWith(".class") && !n.endsWith("module-info.class") && !n.startsWith("META-INF/")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> entries(Path jar) throws IOException {
        assertThat(jar).as("built by `mvn package`").isRegularFile();
        try (JarFile f = new JarFile(jar.toFile())) {
            return f.stream().map(ZipEntry::getName).toList();
        }
    }

    /** groupId:artifactId of every artifact shade merged into the jar. */
    private static List<String> bundledArtifacts(Path jar) throws IOException {
        assertThat(jar).as("built by `mvn package`").isRegularFile();
        TreeSet<String> artifacts = new TreeSet<>();
        try (JarFile f = new JarFile(jar.toFile())) {
            for (ZipEntry e : f.stream().filter(e -> e.getName().startsWith("META-INF/maven/") && e.getName().endsWith("/pom.properties")).toList()) {
                Properties p = new Properties();
                try (InputStream in = f.getInputStream(e)) {
                    p.load(in);
                }
                artifacts.add(p.getProperty("groupId") + ":" + p.getProperty("artifactId"));
            }
        }
        assertThat(artifacts).as("shade records what it bundles").isNotEmpty();
        return List.copyOf(artifacts);
    }

    private record Run(int code, String out, String err) {
    }

    private Run java(Path jar, String... args) throws Exception {
        Process p = start(jar, args);
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        try {
            if (!p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError(jar + " " + String.join(" ", args) + " did not exit within " + WAIT_SECONDS + " s");
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
        }
    }

    /** The jar in a JVM of its own, as the image runs it (no KUBECONFIG from this machine); output to dir/out and dir/err. */
    private Process start(Path jar, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
        pb.environment().remove("KUBECONFIG");
        return pb.start();
    }
}
