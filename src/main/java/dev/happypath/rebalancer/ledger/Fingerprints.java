package dev.happypath.rebalancer.ledger;

import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.Taint;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Short digests of what decides where the scheduler puts a pod: the pod's scheduling-relevant spec and
 * the nodes (names, labels, taints, schedulability, allocatable). Built from sorted text, so the same
 * content always gives the same digest, run after run.
 */
public final class Fingerprints {

    private Fingerprints() {
    }

    public static String spec(PodState pod) {
        StringBuilder b = new StringBuilder();
        b.append(pod.requests()).append('|').append(new TreeMap<>(pod.nodeSelector())).append('|')
                .append(pod.affinity()).append('|')
                .append(pod.tolerations().stream().map(Object::toString).sorted().toList()).append('|')
                .append(pod.topologySpreadConstraints()).append('|').append(pod.claimNames()).append('|')
                .append(pod.priority()).append('|').append(sorted(pod.labels()));
        return digest(b.toString());
    }

    public static String nodes(List<NodeState> nodes) {
        StringBuilder b = new StringBuilder();
        nodes.stream().sorted(Comparator.comparing(NodeState::name)).forEach(n -> b.append(n.name()).append('|')
                .append(sorted(n.labels())).append('|')
                .append(n.taints().stream().map(Taint::toString).sorted().toList()).append('|')
                .append(n.unschedulable()).append('|').append(n.allocatable()).append(';'));
        return digest(b.toString());
    }

    private static String sorted(Map<String, String> map) {
        return new TreeMap<>(map).toString();
    }

    private static String digest(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
