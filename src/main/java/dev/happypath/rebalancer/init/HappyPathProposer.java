package dev.happypath.rebalancer.init;

import dev.happypath.rebalancer.InvalidInputException;
import dev.happypath.rebalancer.config.EvictionPolicy;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.config.HappyPathLoader;
import dev.happypath.rebalancer.config.WorkloadRule;
import dev.happypath.rebalancer.scheduling.Filters;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.EmptyDir;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodAffinityTerm;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.PreferredSchedulingTerm;
import dev.happypath.rebalancer.snapshot.Taint;
import dev.happypath.rebalancer.snapshot.WeightedPodAffinityTerm;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Proposes a Happy Path from a healthy cluster: snapshot in, commented {@code rebalancer.yaml} text out. Pure.
 *
 * <p>Nodes: the control plane is the lifeboat, the rest are workers ({@link NodeLayout}). Workloads: one rule
 * per controller-owned workload outside {@code ignoreNamespaces}, named after its Deployment or StatefulSet, its
 * selector the fewest of its pods' labels that name exactly its pods in the snapshot, its home what its own node
 * constraints say or else where its pods run today. Separations: the anti-affinity workloads declare between each
 * other; stateful workloads of one namespace that run apart today are proposed commented out, for a person.
 */
public final class HappyPathProposer {

    /** The namespaces left alone, as the built-in Happy Path does: the distribution's own add-ons live there on purpose. */
    static final Set<String> IGNORED = Set.of("kube-system");

    /** Labels that differ from pod to pod or from rollout to rollout: a selector on them names no workload for long. */
    private static final Set<String> UNSTABLE_LABELS = Set.of("pod-template-hash", "controller-revision-hash",
            "statefulset.kubernetes.io/pod-name", "apps.kubernetes.io/pod-index", "pod-template-generation",
            "controller-uid", "batch.kubernetes.io/controller-uid", "job-name", "batch.kubernetes.io/job-name");
    /** Labels people and charts name workloads by, most telling first; the others come after, by name. */
    private static final List<String> TELLING_LABELS = List.of("app.kubernetes.io/name", "app", "k8s-app", "name",
            "app.kubernetes.io/component", "component", "app.kubernetes.io/instance", "release", "app.kubernetes.io/part-of", "tier");
    private static final int MAX_SELECTOR_LABELS = 3;

    /**
     * What init proposes.
     *
     * @param yaml      the commented rebalancer.yaml
     * @param rules     workload rules written
     * @param warnings  what a person should look at before using it, one line each
     */
    public record Proposal(String yaml, int rules, int separations, int proposedSeparations, List<String> warnings) {
        public Proposal {
            warnings = List.copyOf(warnings);
        }
    }

    private record Workload(String namespace, String kind, String name, List<PodState> pods) {
    }

    /** A workload's rule as it will be written, or why it cannot be. */
    private record Rule(Workload workload, String ruleName, Map<String, String> selector, String home, List<String> comments,
                        Set<String> homeValues, String unnameable) {
    }

    private HappyPathProposer() {
    }

    /**
     * @param source      where the snapshot came from, for the header and messages
     * @param degradation the degraded nodes when the caller chose to go on anyway (--force), else empty
     */
    public static Proposal propose(ClusterSnapshot snapshot, String source, List<String> degradation) {
        NodeLayout layout = NodeLayout.of(snapshot.nodes(), source);
        List<String> warnings = new ArrayList<>();
        Map<String, Integer> leftAlone = new TreeMap<>();
        List<Workload> workloads = workloads(snapshot, leftAlone);
        if (workloads.isEmpty()) {
            throw InvalidInputException.at(source, null, "holds no controller-owned workload outside " + IGNORED
                    + ": there is nothing to propose a Happy Path for");
        }
        Map<String, Long> nameCounts = new HashMap<>();
        workloads.forEach(w -> nameCounts.merge(w.name(), 1L, Long::sum));

        List<Rule> rules = new ArrayList<>();
        for (Workload w : workloads) {
            String ruleName = nameCounts.get(w.name()) > 1 ? w.namespace() + "-" + w.name() : w.name();
            rules.add(rule(w, ruleName, snapshot, layout, warnings));
        }
        List<Rule> written = rules.stream().filter(r -> r.unnameable() == null).toList();
        if (written.isEmpty()) {
            throw InvalidInputException.at(source, null, "no workload's pods can be named by their labels alone: "
                    + "there is nothing to propose a Happy Path for");
        }
        List<String[]> declared = declaredSeparations(written);
        List<String[]> proposed = proposedSeparations(written, declared);
        String yaml = render(snapshot, source, layout, rules, declared, proposed, leftAlone, degradation);
        selfCheck(yaml, source, written);
        return new Proposal(yaml, written.size(), declared.size(), proposed.size(), warnings);
    }

    // --- workloads ------------------------------------------------------------------------------------------

    private static List<Workload> workloads(ClusterSnapshot snapshot, Map<String, Integer> leftAlone) {
        Map<String, List<PodState>> byWorkload = new LinkedHashMap<>();
        Map<String, Set<String>> skipped = new TreeMap<>();
        for (PodState p : snapshot.pods()) {
            if (p.isTerminal() || p.mirror()) {
                continue;
            }
            String why = null;
            if (p.controller() == null) {
                why = "pods no controller owns (nothing would recreate them)";
            } else if (p.isDaemonSetPod()) {
                why = "DaemonSets (their pods belong to their node)";
            } else if (!EvictionPolicy.DEFAULT_CONTROLLER_KINDS.contains(p.controller().kind())) {
                why = p.controller().kind() + "s (not trusted to recreate an evicted pod: eviction.controllerKinds)";
            } else if (IGNORED.contains(p.namespace())) {
                why = "workloads of " + p.namespace() + " (ignoreNamespaces)";
            }
            if (why != null) {
                skipped.computeIfAbsent(why, k -> new TreeSet<>()).add(p.namespace() + "/" + p.workload());
                continue;
            }
            byWorkload.computeIfAbsent(p.namespace() + "\u0000" + p.workload(), k -> new ArrayList<>()).add(p);
        }
        skipped.forEach((why, set) -> leftAlone.put(why, set.size()));
        List<Workload> out = new ArrayList<>();
        byWorkload.forEach((k, pods) -> {
            String workload = pods.get(0).workload();
            int slash = workload.indexOf('/');
            out.add(new Workload(pods.get(0).namespace(), workload.substring(0, slash), workload.substring(slash + 1), List.copyOf(pods)));
        });
        out.sort(Comparator.comparing(Workload::namespace).thenComparing(Workload::name).thenComparing(Workload::kind));
        return out;
    }

    private static Rule rule(Workload w, String ruleName, ClusterSnapshot snapshot, NodeLayout layout, List<String> warnings) {
        List<String> comments = new ArrayList<>();
        comments.add(w.kind() + " " + w.name() + ": " + where(w, layout));
        Map<String, String> selector = selector(w, snapshot);
        if (selector == null) {
            String why = "no set of up to " + MAX_SELECTOR_LABELS + " of its pods' labels names its pods alone in " + w.namespace()
                    + " (another pod carries them too): give its pods a label of their own, then a rule";
            warnings.add(w.namespace() + "/" + w.name() + ": not proposed: " + why);
            return new Rule(w, ruleName, null, null, comments, Set.of(), why);
        }
        Set<String> values = new TreeSet<>();
        String home = home(w, layout, comments, values, warnings);
        for (PodState p : w.pods()) {
            if (!p.emptyDirs().isEmpty()) {
                comments.add("decide: its pods keep data in " + String.join(", ", p.emptyDirs().stream().map(EmptyDir::describe).toList())
                        + ": kept (localData: keep), so such a pod is reported, never moved; if it is scratch, say localData: discard");
                break;
            }
        }
        return new Rule(w, ruleName, selector, home, comments, values, null);
    }

    private static String where(Workload w, NodeLayout layout) {
        Map<String, Integer> byNode = new TreeMap<>();
        int pending = 0;
        for (PodState p : w.pods()) {
            if (p.isBound()) {
                byNode.merge(p.nodeName(), 1, Integer::sum);
            } else {
                pending++;
            }
        }
        List<String> parts = new ArrayList<>();
        byNode.forEach((node, n) -> parts.add((n > 1 ? n + " on " : "") + node + label(node, layout)));
        if (pending > 0) {
            parts.add(pending + " Pending");
        }
        int count = w.pods().size();
        return count + (count == 1 ? " pod, " : " pods, ") + (parts.isEmpty() ? "none running" : "on " + String.join(", ", parts));
    }

    private static String label(String nodeName, NodeLayout layout) {
        for (NodeState n : layout.lifeboats()) {
            if (n.name().equals(nodeName)) {
                return " (control plane)";
            }
        }
        if (layout.distinguishing() != null) {
            for (NodeState n : layout.workers()) {
                if (n.name().equals(nodeName)) {
                    return " (" + layout.distinguishing().describe(layout.distinguishing().valueOf(n)) + ")";
                }
            }
        }
        return "";
    }

    /**
     * The fewest of the labels all its pods share (revision and per-pod labels left out) that no other pod of the
     * namespace carries all of: the telling ones ({@link #TELLING_LABELS}) tried first. Null when none does.
     */
    private static Map<String, String> selector(Workload w, ClusterSnapshot snapshot) {
        Map<String, String> common = new TreeMap<>(w.pods().get(0).labels());
        for (PodState p : w.pods()) {
            common.entrySet().removeIf(e -> !e.getValue().equals(p.labels().get(e.getKey())));
        }
        UNSTABLE_LABELS.forEach(common::remove);
        List<String> keys = new ArrayList<>(common.keySet());
        keys.sort(Comparator.comparing((String k) -> TELLING_LABELS.contains(k) ? TELLING_LABELS.indexOf(k) : TELLING_LABELS.size())
                .thenComparing(k -> k));
        Set<String> own = new java.util.HashSet<>();
        w.pods().forEach(p -> own.add(p.uid()));
        List<PodState> others = snapshot.pods().stream()
                .filter(p -> p.namespace().equals(w.namespace()) && !own.contains(p.uid()) && !p.isTerminal()).toList();
        for (int size = 1; size <= Math.min(MAX_SELECTOR_LABELS, keys.size()); size++) {
            Map<String, String> found = firstExact(keys, size, 0, new ArrayList<>(), common, others);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static Map<String, String> firstExact(List<String> keys, int size, int from, List<String> chosen, Map<String, String> common,
                                                  List<PodState> others) {
        if (chosen.size() == size) {
            Map<String, String> sel = new TreeMap<>();
            chosen.forEach(k -> sel.put(k, common.get(k)));
            for (PodState o : others) {
                if (o.labels().entrySet().containsAll(sel.entrySet())) {
                    return null;
                }
            }
            return sel;
        }
        for (int i = from; i < keys.size(); i++) {
            chosen.add(keys.get(i));
            Map<String, String> found = firstExact(keys, size, i + 1, chosen, common, others);
            chosen.remove(chosen.size() - 1);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    // --- homes ----------------------------------------------------------------------------------------------

    /**
     * The control plane when its own constraints require (or only prefer) it there; else the workers its own
     * nodeSelector, required or preferred node affinity names; else the workers its pods run on today, by the
     * label that tells workers apart; any worker when that is every worker, or no label tells them apart.
     */
    private static String home(Workload w, NodeLayout layout, List<String> comments, Set<String> values, List<String> warnings) {
        PodState pod = w.pods().get(0);
        boolean workerAdmits = layout.workers().stream().anyMatch(n -> Filters.requiredNodeMatches(pod, n));
        boolean lifeboatAdmits = layout.lifeboats().stream().anyMatch(n -> Filters.requiredNodeMatches(pod, n));
        if (!workerAdmits && lifeboatAdmits) {
            comments.add("home control-plane: its own nodeSelector/required node affinity admits no worker (reported, never moved)");
            return "control-plane";
        }
        List<NodeState> preferredWorkers = preferred(pod, layout.workers());
        if (preferredWorkers.isEmpty() && !preferred(pod, layout.lifeboats()).isEmpty()) {
            comments.add("home control-plane: its own preferred node affinity names only the control plane (reported, never moved)");
            return "control-plane";
        }
        NodeLayout.WorkerLabel label = layout.distinguishing();
        List<NodeState> admitted = layout.workers().stream().filter(n -> Filters.requiredNodeMatches(pod, n)).toList();
        List<NodeState> basis;
        String why;
        if (admitted.size() < layout.workers().size()) {
            basis = admitted;
            why = "its own nodeSelector/required node affinity admits only " + names(admitted);
        } else if (!preferredWorkers.isEmpty()) {
            basis = preferredWorkers;
            why = "its own preferred node affinity names " + (preferredWorkers.size() == layout.workers().size() ? "every worker" : names(preferredWorkers));
        } else {
            Set<String> on = new TreeSet<>();
            boolean onLifeboat = false;
            for (PodState p : w.pods()) {
                if (p.isBound() && !p.isTerminating()) {
                    boolean lifeboat = layout.lifeboats().stream().anyMatch(n -> n.name().equals(p.nodeName()));
                    onLifeboat |= lifeboat;
                    if (!lifeboat) {
                        on.add(p.nodeName());
                    }
                }
            }
            basis = layout.workers().stream().filter(n -> on.contains(n.name())).toList();
            if (onLifeboat) {
                String note = "runs on the control plane today, though nothing in its spec requires it there (its tolerations let it in): "
                        + "proposed as a worker workload; if it belongs on the control plane, say home: control-plane";
                comments.add("decide: " + note);
                warnings.add(w.namespace() + "/" + w.name() + ": " + note);
            }
            if (basis.isEmpty()) {
                comments.add("home any-worker: none of its pods runs on a worker today");
                return "any-worker";
            }
            why = "where its pods run today";
        }
        if (label == null) {
            comments.add("home any-worker: " + why + ", and no label tells the workers apart");
            return "any-worker";
        }
        basis.forEach(n -> values.add(label.valueOf(n)));
        if (values.equals(label.values())) {
            comments.add("home any-worker: " + why + ", which covers every value of " + label.key());
            values.clear();
            return "any-worker";
        }
        String selector = label.selector(values);
        if (selector == null) {
            comments.add("home any-worker: " + why + " (" + String.join(", ", values.stream().map(label::describe).toList())
                    + "), which one label selector cannot name");
            values.clear();
            return "any-worker";
        }
        comments.add("home " + String.join(" or ", values.stream().map(label::describe).toList()) + ": " + why);
        return "{ worker: " + selector + " }";
    }

    /** The nodes that match one of the pod's preferred node affinity terms. */
    private static List<NodeState> preferred(PodState pod, List<NodeState> nodes) {
        List<NodeState> out = new ArrayList<>();
        for (NodeState n : nodes) {
            for (PreferredSchedulingTerm t : pod.affinity().preferredNodeAffinity()) {
                if (t.weight() > 0 && t.preference().matches(n)) {
                    out.add(n);
                    break;
                }
            }
        }
        return out;
    }

    private static String names(List<NodeState> nodes) {
        return String.join(", ", nodes.stream().map(NodeState::name).toList());
    }

    // --- separations ----------------------------------------------------------------------------------------

    /** Pairs of workloads one of which declares pod anti-affinity against the other's pods: [first, second, why]. */
    private static List<String[]> declaredSeparations(List<Rule> rules) {
        Map<String, String[]> pairs = new LinkedHashMap<>();
        for (Rule a : rules) {
            PodState pod = a.workload().pods().get(0);
            List<PodAffinityTerm> required = pod.affinity().requiredPodAntiAffinity();
            List<PodAffinityTerm> preferredTerms = pod.affinity().preferredPodAntiAffinity().stream().map(WeightedPodAffinityTerm::term).toList();
            for (Rule b : rules) {
                if (a == b) {
                    continue;
                }
                String kind = selectsAny(required, b, pod.namespace()) ? "required"
                        : selectsAny(preferredTerms, b, pod.namespace()) ? "preferred" : null;
                if (kind == null) {
                    continue;
                }
                String first = a.ruleName().compareTo(b.ruleName()) <= 0 ? a.ruleName() : b.ruleName();
                String second = first.equals(a.ruleName()) ? b.ruleName() : a.ruleName();
                String why = a.ruleName() + " declares " + kind + " pod anti-affinity against " + b.ruleName() + "'s pods";
                String[] earlier = pairs.get(first + "\u0000" + second);
                pairs.put(first + "\u0000" + second, new String[]{first, second, earlier == null ? why : earlier[2] + "; " + why});
            }
        }
        return new ArrayList<>(pairs.values());
    }

    private static boolean selectsAny(List<PodAffinityTerm> terms, Rule target, String ownerNamespace) {
        for (PodAffinityTerm t : terms) {
            for (PodState p : target.workload().pods()) {
                if (t.selects(p, ownerNamespace, false)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * StatefulSets of one namespace whose homes are different workers today, and that declare nothing about each
     * other: often the pairs that must not fail together (Prometheus and Loki), but only a person knows.
     */
    private static List<String[]> proposedSeparations(List<Rule> rules, List<String[]> declared) {
        Set<String> known = new java.util.HashSet<>();
        declared.forEach(d -> known.add(d[0] + "\u0000" + d[1]));
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            Rule a = rules.get(i);
            for (int j = i + 1; j < rules.size(); j++) {
                Rule b = rules.get(j);
                if (!a.workload().kind().equals("StatefulSet") || !b.workload().kind().equals("StatefulSet")
                        || !a.workload().namespace().equals(b.workload().namespace())
                        || a.homeValues().isEmpty() || b.homeValues().isEmpty()) {
                    continue;
                }
                Set<String> overlap = new TreeSet<>(a.homeValues());
                overlap.retainAll(b.homeValues());
                String first = a.ruleName().compareTo(b.ruleName()) <= 0 ? a.ruleName() : b.ruleName();
                String second = first.equals(a.ruleName()) ? b.ruleName() : a.ruleName();
                if (overlap.isEmpty() && !known.contains(first + "\u0000" + second)) {
                    out.add(new String[]{first, second});
                }
            }
        }
        return out;
    }

    // --- the text -------------------------------------------------------------------------------------------

    private static String render(ClusterSnapshot snapshot, String source, NodeLayout layout, List<Rule> rules, List<String[]> declared,
                                 List<String[]> proposed, Map<String, Integer> leftAlone, List<String> degradation) {
        StringBuilder y = new StringBuilder();
        long written = rules.stream().filter(r -> r.unnameable() == null).count();
        y.append("# happypath-rebalancer: the Happy Path proposed by `happypath-rebalancer init`\n");
        y.append("# from ").append(source).append(" as read at ").append(snapshot.readAt()).append(": ")
                .append(snapshot.nodes().size()).append(" nodes, ").append(written).append(" workload rules.\n");
        if (!degradation.isEmpty()) {
            y.append("#\n# WARNING: written with --force while the cluster was degraded: ").append(String.join("; ", degradation)).append(".\n");
            y.append("# Homes below may be where the outage put the pods, not where they belong.\n");
        }
        y.append("#\n");
        y.append("# It describes the cluster as it is today, healthy: a workload's home is what its own node affinity says,\n");
        y.append("# else where its pods run now. Read it, then decide what a snapshot cannot show (lines marked \"decide:\"):\n");
        y.append("#   - which workloads must never share a node: separations the pods do not declare are proposed below,\n");
        y.append("#     commented out;\n");
        y.append("#   - whether a pod's emptyDir data is scratch: every rule keeps it (localData: keep, the default), so such\n");
        y.append("#     a pod is reported, never moved, until its rule says localData: discard;\n");
        y.append("#   - whether a workload's only replica may be down while it moves (eviction.allowDowntime, or allowDowntime\n");
        y.append("#     on its rule);\n");
        y.append("#   - which helpers may run anywhere: every controller-owned workload outside ignoreNamespaces has a rule here;\n");
        y.append("#     delete the rules of those that may live on any node, the control plane included.\n");
        y.append("# Every key is explained in docs/configuration.md. Try it before using it:\n");
        y.append("#   happypath-rebalancer plan --config rebalancer.yaml --snapshot <kubectl dump>   or   run --dry-run --config rebalancer.yaml\n");
        y.append("apiVersion: ").append(HappyPathLoader.API_VERSION).append('\n');
        y.append("kind: ").append(HappyPathLoader.KIND).append("\n\n");

        y.append("nodes:\n");
        y.append("  # Workers: ").append(layout.workerWhy()).append(".\n");
        y.append("  #   ").append(describeNodes(layout.workers(), layout)).append('\n');
        y.append("  workers:\n    selector: ").append(layout.workerSelector()).append('\n');
        y.append("  # Lifeboats: the control plane, which takes critical pods in only while workers are down");
        if (layout.lifeboatLabel() != null) {
            y.append(";\n  # recognised by its label ").append(layout.lifeboatLabel());
        }
        if (!layout.lifeboatTaints().isEmpty()) {
            y.append(layout.lifeboatLabel() != null ? ", or by" : ";\n  # recognised by").append(" the taint it carries");
        }
        y.append(": ").append(String.join(", ", layout.lifeboats().stream().map(NodeState::name).toList())).append(".\n");
        y.append("  lifeboats:\n");
        if (layout.lifeboatSelector() != null) {
            y.append("    selector: ").append(layout.lifeboatSelector()).append('\n');
        }
        if (!layout.lifeboatTaints().isEmpty()) {
            y.append("    taints:\n");
            for (Taint t : layout.lifeboatTaints()) {
                y.append("      - { key: ").append(Yaml.scalar(t.key()));
                if (!t.value().isEmpty()) {
                    y.append(", value: ").append(Yaml.scalar(t.value()));
                }
                y.append(", effect: ").append(t.effect()).append(" }\n");
            }
        }
        y.append('\n');

        NodeLayout.WorkerLabel label = layout.distinguishing();
        y.append("# One rule per controller-owned workload outside ignoreNamespaces; the first rule that selects a pod is its rule.\n");
        y.append("# Each selector is the fewest of its pods' labels that name exactly its pods in this cluster.\n");
        if (label != null) {
            y.append("# Homes name workers by ").append(label.roleKeys() ? "their label " + label.key() : "the label " + label.key())
                    .append(" (").append(String.join("; ", layout.workers().stream()
                            .map(n -> label.describe(label.valueOf(n)) + ": " + n.name()).toList())).append(").\n");
        } else {
            y.append("# No label tells the workers apart (a role, node-role.kubernetes.io/<role>, a topology zone): every home is\n");
            y.append("# any-worker. Label the workers (kubectl label node NAME role=...) and run init again for finer homes.\n");
        }
        y.append("workloads:\n");
        String namespace = null;
        for (Rule r : rules) {
            if (!r.workload().namespace().equals(namespace)) {
                namespace = r.workload().namespace();
                y.append("  # --- ").append(namespace).append('\n');
            }
            for (String c : r.comments()) {
                y.append("  # ").append(c).append('\n');
            }
            String prefix = r.unnameable() == null ? "  " : "  # ";
            if (r.unnameable() != null) {
                y.append("  # not proposed: ").append(r.unnameable()).append('\n');
            }
            y.append(prefix).append("- name: ").append(Yaml.scalar(r.ruleName())).append('\n');
            y.append(prefix).append("  namespace: ").append(Yaml.scalar(r.workload().namespace())).append('\n');
            if (r.unnameable() == null) {
                StringBuilder sel = new StringBuilder();
                r.selector().forEach((k, v) -> sel.append(sel.length() == 0 ? "" : ", ").append(Yaml.scalar(k)).append(": ").append(Yaml.scalar(v)));
                y.append("    selector: { matchLabels: { ").append(sel).append(" } }\n");
                y.append("    home: ").append(r.home()).append('\n');
            }
        }
        if (!leftAlone.isEmpty()) {
            y.append("  # Left alone, no rule:");
            List<String> parts = new ArrayList<>();
            leftAlone.forEach((why, n) -> parts.add(n + " " + why));
            y.append(' ').append(String.join("; ", parts)).append(".\n");
        }
        y.append('\n');

        y.append("# Pairs of workloads whose pods must not share a node: one failure must not take both.\n");
        if (declared.isEmpty() && proposed.isEmpty()) {
            y.append("# None is declared by the pods' anti-affinity, and no two stateful workloads of one namespace run apart today.\n");
            y.append("# separations:\n#   - workloads: [first-rule, second-rule]\n");
        } else {
            String indent = declared.isEmpty() ? "# " : "";
            y.append(indent).append("separations:\n");
            for (String[] d : declared) {
                y.append("  # ").append(d[2]).append('\n');
                y.append("  - workloads: [").append(Yaml.scalar(d[0])).append(", ").append(Yaml.scalar(d[1])).append("]\n");
            }
            if (!proposed.isEmpty()) {
                y.append("  # decide: stateful workloads of one namespace that run on different workers today, though their specs do\n");
                y.append("  # not say they must; uncomment a pair that must never share a node").append(declared.isEmpty() ? " (and the key above)" : "").append(".\n");
                for (String[] p : proposed) {
                    y.append("  # - workloads: [").append(Yaml.scalar(p[0])).append(", ").append(Yaml.scalar(p[1])).append("]\n");
                }
            }
        }
        y.append('\n');

        y.append("# Pods here are never treated as lifeboat passengers unless a rule names them: the distribution runs its own\n");
        y.append("# add-ons (CoreDNS, metrics-server, ...) on the control plane on purpose.\n");
        y.append("ignoreNamespaces: ").append(Yaml.list(new TreeSet<>(IGNORED))).append("\n\n");
        y.append("""
                # The defaults, written out so that each can be changed here.
                gate:
                  # Every worker must have been Ready, schedulable and free of pressure this long before anything moves.
                  stableFor: 5m

                eviction:
                  # Evictions in one pass.
                  maxPerRun: 5
                  # Planned moves per node in one pass, counted on the node a pod leaves and on the one its replacement lands on.
                  maxPerNode: 3
                  # Evictions in one namespace in one pass.
                  maxPerNamespace: 3
                  # Requests on a target (Terminating pods and the mover included) must stay under this share of its allocatable.
                  maxUtilization: 0.80
                  # How long to retry an eviction a PodDisruptionBudget refuses (HTTP 429) before reporting it BLOCKED.
                  pdbTimeout: 2m
                  # How long to wait for a replacement to be Ready before the move FAILED and the pass stops.
                  readyTimeout: 5m
                  # Whether the only replica of a workload no PodDisruptionBudget covers may move (down until its replacement is Ready).
                  allowDowntime: true
                  # Owner kinds trusted to recreate an evicted pod.
                  controllerKinds: [ReplicaSet, StatefulSet, ReplicationController]

                antiFlap:
                  # After any move of a workload, leave it alone this long.
                  cooldown: 1h
                  # Moves of one workload in 24 hours, at most.
                  maxMovesPerWorkloadPerDay: 3
                  # The memory of moves: one ConfigMap in the rebalancer's own namespace (dry runs read it, never write it).
                  ledger:
                    namespace: happypath-rebalancer
                    name: happypath-rebalancer-ledger
                """);
        return y.toString();
    }

    private static String describeNodes(List<NodeState> nodes, NodeLayout layout) {
        return String.join(", ", nodes.stream().map(n -> n.name() + label(n.name(), layout)).toList());
    }

    /**
     * The proposal must load with the loader every command uses, and each rule must be the first to select every pod
     * of its workload: a proposal that failed either would be a bug here, not the user's input.
     */
    private static void selfCheck(String yaml, String source, List<Rule> rules) {
        HappyPath loaded;
        try {
            loaded = HappyPathLoader.parse("init's proposal", yaml.getBytes(StandardCharsets.UTF_8));
        } catch (InvalidInputException e) {
            throw new IllegalStateException("init proposed a configuration the loader refuses, from " + source + ": " + e.getMessage(), e);
        }
        for (Rule r : rules) {
            for (PodState p : r.workload().pods()) {
                String got = loaded.ruleFor(p).map(WorkloadRule::name).orElse(null);
                if (!r.ruleName().equals(got)) {
                    throw new IllegalStateException("init's rule " + r.ruleName() + " does not name its pod " + p.key() + " (rule " + got + " does)");
                }
            }
        }
    }
}
