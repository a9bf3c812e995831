package dev.happypath.rebalancer.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fitting the report for people into a terminal's width: prose wrapped at spaces with a hanging indent,
 * names too long for a line broken after a '-', '/' or ',' (where a reader expects a name to continue),
 * and node names shortened when they all share a prefix.
 */
final class TextLayout {

    /** Joins words that must stay on one line ("agent-1 -> agent-0"); printed as a space. */
    static final char KEEP = '\u00a0';

    /** The width the report for people fits by default: readable in a split terminal, in a PR comment, in a mail. */
    static final int DEFAULT_WIDTH = 100;
    /**
     * Below this a table cannot show a pod name and its node side by side: a narrower COLUMNS (a mistyped
     * value, a tiny pane) gets the default rather than a report broken into fragments.
     */
    static final int MIN_WIDTH = 60;

    private TextLayout() {
    }

    /**
     * The text wrapped to {@code width}: the first line starts with {@code first}, the others with
     * {@code next}. Every line ends in a newline; none is longer than the width unless an indent alone is.
     */
    static String wrap(String text, int width, String first, String next) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder(first);
        boolean empty = true;
        for (String word : text.split(" ")) {
            if (word.isEmpty()) {
                continue;
            }
            int room = width - line.length() - (empty ? 0 : 1);
            if (word.length() <= room) {
                line.append(empty ? "" : " ").append(word);
                empty = false;
                continue;
            }
            if (!empty) {
                // a word that fits on a line of its own starts one; a longer one fills this line first
                if (word.length() <= width - next.length()) {
                    lines.add(line.toString());
                    line = new StringBuilder(next).append(word);
                    continue;
                }
                line.append(' ');
            }
            String rest = word;
            while (rest.length() > width - line.length()) {
                int cut = breakPoint(rest, width - line.length());
                if (cut <= 0) {
                    if (line.length() > next.length()) {
                        lines.add(line.toString());
                        line = new StringBuilder(next);
                        continue;
                    }
                    cut = Math.max(1, width - line.length());
                }
                line.append(rest, 0, cut);
                lines.add(line.toString());
                line = new StringBuilder(next);
                rest = rest.substring(cut);
            }
            line.append(rest);
            empty = false;
        }
        lines.add(line.toString());
        StringBuilder out = new StringBuilder();
        for (String l : lines) {
            out.append(l.replace(KEEP, ' ').stripTrailing()).append('\n');
        }
        return out.toString();
    }

    /** Where a name longer than {@code room} breaks: after its last '-', '/' or ',' that fits; 0 when none. */
    static int breakPoint(String word, int room) {
        for (int i = Math.min(room, word.length()) - 1; i > 0; i--) {
            char c = word.charAt(i);
            if (c == '-' || c == '/' || c == ',') {
                return i + 1;
            }
        }
        return 0;
    }

    /** A cell's text in lines of at most {@code width} characters, broken where {@link #wrap} would. */
    static List<String> cellLines(String cell, int width) {
        if (cell.length() <= width) {
            return List.of(cell);
        }
        List<String> lines = new ArrayList<>();
        for (String l : wrap(cell, width, "", "").split("\n")) {
            lines.add(l);
        }
        return lines;
    }

    /**
     * Short names for the nodes when they all share a prefix up to a '-' (k3d-idp-demo-server-0 becomes
     * server-0): the part that tells them apart is what a reader scans for. Identity when there is no
     * such prefix, or a name would be left empty.
     */
    static Map<String, String> shortNodeNames(List<String> nodes) {
        Map<String, String> names = new LinkedHashMap<>();
        String prefix = commonPrefix(nodes);
        for (String n : nodes) {
            names.put(n, n.substring(prefix.length()));
        }
        return names;
    }

    /** The prefix every node name shares, ending in '-', or "" when there is none (or only one node). */
    static String commonPrefix(List<String> nodes) {
        if (nodes.size() < 2) {
            return "";
        }
        String prefix = nodes.get(0);
        for (String n : nodes) {
            int i = 0;
            while (i < prefix.length() && i < n.length() && prefix.charAt(i) == n.charAt(i)) {
                i++;
            }
            prefix = prefix.substring(0, i);
        }
        int dash = prefix.lastIndexOf('-');
        prefix = dash < 0 ? "" : prefix.substring(0, dash + 1);
        for (String n : nodes) {
            if (n.length() == prefix.length()) {
                return "";
            }
        }
        return prefix;
    }

    /** The text with every full node name replaced by its short one, longest names first (agent-10 before agent-1). */
    static String shorten(String text, Map<String, String> names) {
        if (text == null) {
            return null;
        }
        String out = text;
        List<String> full = new ArrayList<>(names.keySet());
        full.sort(Comparator.comparingInt(String::length).reversed());
        for (String n : full) {
            if (!n.equals(names.get(n))) {
                out = out.replace(n, names.get(n));
            }
        }
        return out;
    }
}
