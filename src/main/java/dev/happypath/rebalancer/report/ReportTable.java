package dev.happypath.rebalancer.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The report for people: state and gate first, then nodes, strays and moves. It fits a width (100
 * columns unless COLUMNS says otherwise): node names lose the prefix they all share, long names break
 * onto the next line, a move's details wrap under it. Wide, it is as before: full names, one line per move.
 */
final class ReportTable {

    private static final String DETAIL = "       ";
    private static final String DETAIL_MORE = "         ";

    private ReportTable() {
    }

    /** At the default width. */
    static String render(Report r) {
        return render(r, TextLayout.DEFAULT_WIDTH, false, null);
    }

    static String render(Report r, int width, boolean wide) {
        return render(r, width, wide, null);
    }

    /**
     * @param width the terminal's width, which no line exceeds (unless {@code wide})
     * @param wide  full node names, and every move on one line whatever its length (for grep, or a wide screen)
     */
    static String render(Report r, int width, boolean wide, String asOf) {
        int w = wide ? Integer.MAX_VALUE : width;
        List<String> nodeNames = r.nodes().stream().map(Report.NodeView::name).toList();
        Map<String, String> names = wide ? Map.of() : TextLayout.shortNodeNames(nodeNames);
        String prefix = wide ? "" : TextLayout.commonPrefix(nodeNames);
        StringBuilder b = new StringBuilder();
        b.append(TextLayout.wrap("happypath-rebalancer " + r.mode() + " pass at " + r.generatedAt() + TextLayout.KEEP + " (config: " + r.config() + ")",
                w, "", "  "));
        if (asOf != null) {
            b.append(TextLayout.wrap(asOf, w, "  ", "  "));
        }
        b.append('\n');
        b.append(r.after() == null ? "Cluster state: " : "Cluster state before the pass: ").append(r.clusterState()).append('\n');
        if (r.gate().open()) {
            b.append(TextLayout.wrap("Gate: OPEN (every worker Ready, schedulable, without pressure for " + r.gate().stableFor() + ")", w, "", "  "));
        } else {
            b.append("Gate: CLOSED").append(r.gate().opensAt() == null ? "" : " (opens at " + r.gate().opensAt() + " if nothing changes)").append('\n');
            for (Report.GateReasonView reason : r.gate().reasons()) {
                b.append(TextLayout.wrap(TextLayout.shorten(reason.toString(), names), w, "  - ", "    "));
            }
        }

        b.append('\n');
        if (!prefix.isEmpty()) {
            b.append(TextLayout.wrap("Nodes named without the prefix they share, " + prefix + " (-o wide: full names)", w, "", "  "));
        }
        b.append(nodeTable(r, names, true).width("") <= w ? nodeTable(r, names, true).render("")
                : nodeTable(r, names, false).render("", w, 0));

        List<Report.PlacementView> off = r.placements().stream().filter(p -> !p.status().equals("HAPPY")).toList();
        b.append('\n');
        if (off.isEmpty()) {
            b.append("All ").append(r.summary().managedPods()).append(" managed pods are on the Happy Path.\n");
        } else {
            b.append(r.after() == null ? "Off the Happy Path: " : "Off the Happy Path before the pass: ").append(off.size()).append(" of ")
                    .append(r.summary().managedPods()).append(" managed pods\n");
            TextTable t = new TextTable().row("STATUS", "POD", "NODE", "HOME", "RULE");
            for (Report.PlacementView p : off) {
                t.row(p.status(), p.namespace() + "/" + p.pod(), p.node() == null ? "-" : names.getOrDefault(p.node(), p.node()),
                        TextLayout.shorten(p.home(), names), p.rule());
            }
            b.append(t.render("  ", w, 1));
        }
        List<String> idle = r.summary().rulesWithoutPods();
        if (idle != null && !idle.isEmpty()) {
            b.append(TextLayout.wrap("Rules that name no pod now (not an error: workloads come and go; check the selector if one should):",
                    w, "", "  "));
            b.append(TextLayout.wrap(String.join(", ", idle), w, "  ", "  "));
        }

        if (!r.moves().isEmpty()) {
            b.append("\nMoves (in the order a live run takes them)\n");
            int i = 1;
            for (Report.MoveView m : r.moves()) {
                String from = names.getOrDefault(m.from(), m.from());
                String route = m.to() == null ? from + " (stays)" : from + " -> " + names.getOrDefault(m.to(), m.to());
                String head = String.format("  %d. %-8s ", i++, m.outcome());
                if (wide) {
                    b.append(head).append(m.namespace()).append('/').append(m.pod()).append("  ").append(route).append("  [").append(m.reason()).append(']');
                    for (String d : m.details()) {
                        b.append("  ").append(d);
                    }
                    if (m.prediction() != null) {
                        b.append("  ").append(scheduler(m.prediction(), names).replace(TextLayout.KEEP, ' '));
                    }
                    b.append('\n');
                    if (m.prediction() != null) {
                        explainWide(b, m.prediction());
                    }
                    continue;
                }
                String keep = String.valueOf(TextLayout.KEEP);
                b.append(TextLayout.wrap(m.namespace() + "/" + m.pod() + keep + " " + route.replace(" ", keep) + keep + " [" + m.reason() + "]",
                        w, head, DETAIL));
                for (String d : m.details()) {
                    b.append(TextLayout.wrap(TextLayout.shorten(d, names), w, DETAIL, DETAIL_MORE));
                }
                if (m.prediction() != null) {
                    b.append(TextLayout.wrap(scheduler(m.prediction(), names), w, DETAIL, DETAIL_MORE));
                    explain(b, m.prediction(), names, w);
                }
            }
        }
        if (r.advice() != null && !r.advice().isEmpty()) {
            b.append("\nAdvice: make the Happy Path self-healing\n");
            for (Report.AdviceView a : r.advice()) {
                b.append(TextLayout.wrap(a.workload() + " (" + a.kind() + (a.verified() ? ", verified by prediction" : ", NOT verified") + ")",
                        w, "  ", "    "));
                b.append(TextLayout.wrap(a.why(), w, "    ", "    "));
                // a snippet is pasted as it is printed: never wrapped, never shortened. One the prediction showed not
                // to work is printed commented out, so that pasting it by mistake does nothing
                String comment = a.verified() ? "" : "# ";
                if (!a.verified() && !a.snippet().isBlank()) {
                    b.append("    # tried, and the prediction says it does not work:\n");
                }
                for (String line : a.snippet().split("\n")) {
                    b.append("    ").append(line.isBlank() ? "" : comment).append(line).append('\n');
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

    /** The node table; without the memory bar when the table is too wide with it (the percentage stays). */
    private static TextTable nodeTable(Report r, Map<String, String> names, boolean withBar) {
        TextTable nodes = new TextTable().row("NODE", "ROLE", "READY", "MEMORY REQUESTED", "", "CPU REQUESTED", "", "PODS");
        for (Report.NodeView n : r.nodes()) {
            nodes.row(names.getOrDefault(n.name(), n.name()), n.role(), n.ready() ? "yes" : "NO", n.memoryRequested() + " / " + n.memoryAllocatable(),
                    (withBar ? bar(n.memoryPercent()) + " " : "") + n.memoryPercent() + "%", n.cpuRequested() + " / " + n.cpuAllocatable(),
                    n.cpuPercent() + "%", Integer.toString(n.pods()));
        }
        return nodes;
    }

    /** The scheduler's verdict in one sentence: where, or why nowhere, and the total score of every feasible node. */
    private static String scheduler(Report.PredictionView p, Map<String, String> names) {
        StringBuilder scores = new StringBuilder();
        p.scores().forEach((node, total) -> scores.append(scores.length() == 0 ? "" : ", ")
                .append(names.getOrDefault(node, node)).append(TextLayout.KEEP).append(total));
        String verdict = p.node() != null ? "->" + TextLayout.KEEP + names.getOrDefault(p.node(), p.node())
                : p.uncertain() != null ? "uncertain (" + TextLayout.shorten(p.uncertain(), names) + ")" : "no feasible node";
        return ("scheduler: " + verdict + (scores.length() == 0 ? "" : "; scores " + scores));
    }

    /** Plugin columns of the nodes that were scored (the scheduler scores only feasible ones, and not when it samples). */
    private static List<String> plugins(Report.PredictionView p) {
        return p.plugins().values().stream().flatMap(m -> m.keySet().stream()).distinct().toList();
    }

    /**
     * With --explain, per feasible node its per-plugin scores as a table (or, when the table does not fit,
     * a line per node); then why each other node was filtered out.
     */
    private static void explain(StringBuilder b, Report.PredictionView p, Map<String, String> names, int width) {
        if (p.plugins() == null || p.plugins().isEmpty() && p.rejected().isEmpty()) {
            return; // not asked for, or nothing to show: unscored (the scheduler samples), and no node refused
        }
        List<String> plugins = plugins(p);
        if (!p.plugins().isEmpty()) {
            List<String> header = new ArrayList<>(List.of("NODE"));
            header.addAll(plugins.stream().map(ReportTable::shortName).toList());
            header.add("TOTAL");
            TextTable t = new TextTable().row(header.toArray(String[]::new));
            p.plugins().forEach((node, byPlugin) -> {
                List<String> row = new ArrayList<>(List.of(names.getOrDefault(node, node)));
                plugins.forEach(pl -> row.add(String.valueOf(byPlugin.getOrDefault(pl, 0L))));
                row.add(String.valueOf(p.scores().get(node)));
                t.row(row.toArray(String[]::new));
            });
            if (t.width(DETAIL) <= width) {
                b.append(t.render(DETAIL));
            } else {
                p.plugins().forEach((node, byPlugin) -> {
                    StringBuilder sum = new StringBuilder();
                    plugins.forEach(pl -> sum.append(sum.length() == 0 ? "" : " + ").append(shortName(pl)).append(TextLayout.KEEP)
                            .append(byPlugin.getOrDefault(pl, 0L)));
                    b.append(TextLayout.wrap(names.getOrDefault(node, node) + ": " + p.scores().get(node) + " = " + sum,
                            width, DETAIL, DETAIL_MORE));
                });
            }
        }
        p.rejected().forEach((node, reasons) -> {
            b.append(TextLayout.wrap(names.getOrDefault(node, node) + ": filtered out", width, DETAIL, DETAIL));
            for (Report.RejectionView reason : reasons) {
                b.append(TextLayout.wrap(TextLayout.shorten(reason.toString(), names), width, DETAIL_MORE, DETAIL_MORE + "  "));
            }
        });
    }

    /** With --explain and -o wide: every node's filter verdict and scores in one table, full names. */
    private static void explainWide(StringBuilder b, Report.PredictionView p) {
        if (p.plugins() == null || p.plugins().isEmpty() && p.rejected().isEmpty()) {
            return;
        }
        List<String> plugins = plugins(p);
        List<String> header = new ArrayList<>(List.of("NODE", "FILTERS"));
        header.addAll(plugins.stream().map(ReportTable::shortName).toList());
        if (!p.plugins().isEmpty()) {
            header.add("TOTAL");
        }
        TextTable t = new TextTable().row(header.toArray(String[]::new));
        p.plugins().forEach((node, byPlugin) -> {
            List<String> row = new ArrayList<>(List.of(node, "pass"));
            plugins.forEach(pl -> row.add(String.valueOf(byPlugin.getOrDefault(pl, 0L))));
            row.add(String.valueOf(p.scores().get(node)));
            t.row(row.toArray(String[]::new));
        });
        p.rejected().forEach((node, reasons) -> t.row(node, String.join("; ", reasons.stream().map(Report.RejectionView::toString).toList())));
        b.append(t.render(DETAIL_MORE));
    }

    private static String shortName(String plugin) {
        return switch (plugin) {
            // no weight in the name: a scheduler configuration may change it; each column is normalised score x weight
            case "TaintToleration" -> "Taint";
            case "NodeAffinity" -> "NodeAff";
            case "NodeResourcesFit" -> "Resources";
            case "PodTopologySpread" -> "Spread";
            case "InterPodAffinity" -> "PodAff";
            case "NodeResourcesBalancedAllocation" -> "Balanced";
            case "ImageLocality" -> "Image";
            default -> plugin;
        };
    }

    private static String bar(int percent) {
        int filled = Math.max(0, Math.min(10, (int) Math.round(percent / 10.0)));
        return "[" + "#".repeat(filled) + ".".repeat(10 - filled) + "]";
    }
}
