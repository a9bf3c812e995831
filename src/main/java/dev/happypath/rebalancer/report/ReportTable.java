package dev.happypath.rebalancer.report;

import java.util.List;

/** The report for people: state and gate first, then nodes, strays and moves. */
final class ReportTable {

    private ReportTable() {
    }

    static String render(Report r) {
        StringBuilder b = new StringBuilder();
        b.append("happypath-rebalancer ").append(r.mode()).append(" pass at ").append(r.generatedAt())
                .append("  (config: ").append(r.config()).append(")\n\n");
        b.append(r.after() == null ? "Cluster state: " : "Cluster state before the pass: ").append(r.clusterState()).append('\n');
        if (r.gate().open()) {
            b.append("Gate: OPEN (every worker Ready, schedulable, without pressure for ").append(r.gate().stableFor()).append(")\n");
        } else {
            b.append("Gate: CLOSED").append(r.gate().opensAt() == null ? "" : " (opens at " + r.gate().opensAt() + " if nothing changes)").append('\n');
            for (String reason : r.gate().reasons()) {
                b.append("  - ").append(reason).append('\n');
            }
        }

        b.append('\n');
        TextTable nodes = new TextTable().row("NODE", "ROLE", "READY", "MEMORY REQUESTED", "", "CPU REQUESTED", "", "PODS");
        for (Report.NodeView n : r.nodes()) {
            nodes.row(n.name(), n.role(), n.ready() ? "yes" : "NO", n.memoryRequested() + " / " + n.memoryAllocatable(),
                    bar(n.memoryPercent()) + " " + n.memoryPercent() + "%", n.cpuRequested() + " / " + n.cpuAllocatable(),
                    n.cpuPercent() + "%", Integer.toString(n.pods()));
        }
        b.append(nodes.render(""));

        List<Report.PlacementView> off = r.placements().stream().filter(p -> !p.status().equals("HAPPY")).toList();
        b.append('\n');
        if (off.isEmpty()) {
            b.append("All ").append(r.summary().managedPods()).append(" managed pods are on the Happy Path.\n");
        } else {
            b.append(r.after() == null ? "Off the Happy Path: " : "Off the Happy Path before the pass: ").append(off.size()).append(" of ")
                    .append(r.summary().managedPods()).append(" managed pods\n");
            TextTable t = new TextTable().row("STATUS", "POD", "NODE", "HOME", "RULE");
            for (Report.PlacementView p : off) {
                t.row(p.status(), p.namespace() + "/" + p.pod(), p.node() == null ? "-" : p.node(), p.home(), p.rule());
            }
            b.append(t.render("  "));
        }
        List<String> idle = r.summary().rulesWithoutPods();
        if (idle != null && !idle.isEmpty()) {
            b.append("Rules that name no pod now (not an error: workloads come and go; check the selector if one should): ")
                    .append(String.join(", ", idle)).append('\n');
        }

        if (!r.moves().isEmpty()) {
            b.append("\nMoves (in the order a live run takes them)\n");
            int i = 1;
            for (Report.MoveView m : r.moves()) {
                String route = m.to() == null ? m.from() + " (stays)" : m.from() + " -> " + m.to();
                b.append(String.format("  %d. %-8s %s/%s  %s  [%s]%n", i++, m.outcome(), m.namespace(), m.pod(), route, m.reason()));
                for (String d : m.details()) {
                    b.append("       ").append(d).append('\n');
                }
                if (m.prediction() != null) {
                    prediction(b, m.prediction());
                }
            }
        }
        if (r.advice() != null && !r.advice().isEmpty()) {
            b.append("\nAdvice: make the Happy Path self-healing\n");
            for (Report.AdviceView a : r.advice()) {
                b.append("  ").append(a.workload()).append(" (").append(a.kind()).append(a.verified() ? ", verified by prediction" : ", NOT verified")
                        .append(")\n    ").append(a.why()).append('\n');
                for (String line : a.snippet().split("\n")) {
                    b.append("    ").append(line).append('\n');
                }
            }
        }
        b.append('\n').append("Summary: ");
        StringBuilder counts = new StringBuilder();
        r.summary().outcomes().forEach((k, v) -> {
            if (v > 0) {
                counts.append(counts.length() == 0 ? "" : ", ").append(v).append(' ').append(k);
            }
        });
        b.append(counts.length() == 0 ? "nothing to move" : counts).append("; drift ")
                .append(r.summary().driftRemains() ? "remains" : "none").append('\n');
        if (r.after() != null) {
            Report.AfterView a = r.after();
            b.append("After the pass (read again at ").append(a.readAt()).append("): cluster state ").append(a.clusterState())
                    .append("; Off the Happy Path: ").append(a.offPath()).append(" of ").append(a.managedPods())
                    .append(" managed pods; drift ").append(a.driftRemains() ? "remains" : "none").append('\n');
        }
        return b.toString();
    }

    private static void prediction(StringBuilder b, Report.PredictionView p) {
        StringBuilder scores = new StringBuilder();
        p.scores().forEach((node, total) -> scores.append(scores.length() == 0 ? "" : ", ").append(node).append(' ').append(total));
        b.append("       scheduler: ").append(p.node() != null ? "-> " + p.node() : p.uncertain() != null ? "uncertain (" + p.uncertain() + ")" : "no feasible node")
                .append(scores.length() == 0 ? "" : "; scores " + scores).append('\n');
        if (p.plugins() == null || p.plugins().isEmpty() && p.rejected().isEmpty()) {
            return; // not asked for, or nothing to show: unscored (the scheduler samples), and no node refused
        }
        java.util.List<String> plugins = p.plugins().values().stream().flatMap(m -> m.keySet().stream()).distinct().toList();
        java.util.List<String> header = new java.util.ArrayList<>(java.util.List.of("NODE", "FILTERS"));
        header.addAll(plugins.stream().map(ReportTable::shortName).toList());
        if (!p.plugins().isEmpty()) {
            header.add("TOTAL");
        }
        TextTable t = new TextTable().row(header.toArray(String[]::new));
        p.plugins().forEach((node, byPlugin) -> {
            java.util.List<String> row = new java.util.ArrayList<>(java.util.List.of(node, "pass"));
            plugins.forEach(pl -> row.add(String.valueOf(byPlugin.getOrDefault(pl, 0L))));
            row.add(String.valueOf(p.scores().get(node)));
            t.row(row.toArray(String[]::new));
        });
        p.rejected().forEach((node, reasons) -> t.row(node, String.join("; ", reasons)));
        b.append(t.render("         "));
    }

    private static String shortName(String plugin) {
        return switch (plugin) {
            case "TaintToleration" -> "Taint(x3)";
            case "NodeAffinity" -> "NodeAff(x2)";
            case "NodeResourcesFit" -> "LeastAlloc(x1)";
            case "PodTopologySpread" -> "Spread(x2)";
            case "InterPodAffinity" -> "PodAff(x2)";
            case "NodeResourcesBalancedAllocation" -> "Balanced(x1)";
            default -> plugin;
        };
    }

    private static String bar(int percent) {
        int filled = Math.max(0, Math.min(10, (int) Math.round(percent / 10.0)));
        return "[" + "#".repeat(filled) + ".".repeat(10 - filled) + "]";
    }
}
