package dev.happypath.rebalancer.sim.demo;

import dev.happypath.rebalancer.compare.Status;
import dev.happypath.rebalancer.sim.cluster.Simulation;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code demo --serve}: plays a scenario up to the moment the rebalancer is needed (workers back and
 * stable, strays waiting, the gate open), then keeps the cluster running in real time behind a kubeconfig,
 * for kubectl and for {@code run --dry-run --kubeconfig ...} (or a live {@code run}: the simulation
 * replaces what it evicts).
 */
final class DemoServer implements AutoCloseable {

    /**
     * The story starts this far in the past, so that its fast-forwards end before now and the cluster can
     * then run on the wall clock, which other programs judge its timestamps by.
     */
    static final Duration HEAD_START = Duration.ofHours(2);
    static final String CONTEXT = "happypath-demo";

    private final Story story;
    private final Path kubeconfig;
    private final Story.Look look;

    private DemoServer(Story story, Path kubeconfig, Story.Look look) {
        this.story = story;
        this.kubeconfig = kubeconfig;
        this.look = look;
    }

    static DemoServer start(DemoScenario scenario, Path kubeconfig, PrintWriter out) {
        Story story = new Story(scenario, out, Simulation.Timings.DEMO, Instant.now().minus(HEAD_START));
        try {
            // kubectl get events on the served cluster tells the story, as the components would have
            story.simulation().recordClusterEvents(true);
            Story.Look ready = story.prepare();
            story.simulation().runInRealTime();
            story.api().writeKubeconfig(kubeconfig, CONTEXT);
            return new DemoServer(story, kubeconfig, ready);
        } catch (RuntimeException e) {
            story.close();
            throw e;
        }
    }

    Path kubeconfig() {
        return kubeconfig;
    }

    String url() {
        return story.api().outsideUrl();
    }

    void printInstructions(PrintWriter out, String jar) {
        long off = look.decision().comparison().placements().stream().filter(p -> p.status() != Status.HAPPY).count();
        out.println();
        out.printf("Serving this cluster at %s: %s, gate %s, %d pod%s off the Happy Path.%n", url(),
                look.decision().comparison().state(), look.decision().gate().open() ? "open" : "closed", off, off == 1 ? "" : "s");
        out.println("The simulation keeps running, now in real time: controllers, scheduler and kubelets react to what you do.");
        out.println();
        out.println("  export KUBECONFIG=" + kubeconfig);
        out.println("  kubectl get nodes");
        out.println("  kubectl get pods -A -o wide");
        out.println("  kubectl describe node k3d-idp-demo-agent-1");
        out.println("  kubectl get pods -A -w                      # in another terminal: watch the cluster react");
        out.println("  java -jar " + jar + " run --dry-run --kubeconfig " + kubeconfig + "    # what a pass would do now");
        out.println("  java -jar " + jar + " run --kubeconfig " + kubeconfig + "              # one live pass");
        out.println("  kubectl get events,leases,configmaps -A     # what the live pass wrote");
        out.println();
        out.println("kubectl cordon/uncordon/taint/delete pod work too, and the cluster reacts (docs/demo.md, --serve).");
        out.println("Ctrl-C stops the cluster.");
        out.flush();
    }

    @Override
    public void close() {
        story.close();
        try {
            Files.deleteIfExists(kubeconfig);
        } catch (IOException e) {
            // a stale kubeconfig pointing at a closed port is harmless
        }
    }
}
