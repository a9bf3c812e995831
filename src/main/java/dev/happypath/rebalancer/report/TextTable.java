package dev.happypath.rebalancer.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Left-aligned columns sized to their widest cell, two spaces apart. Given a width, one column (the one
 * with the long names) is narrowed to fit and its cells continue on the lines below, so that no line is
 * wider than the terminal and every name is still whole, only broken.
 */
final class TextTable {

    private static final int GAP = 2;
    /** The narrowest a wrapped column gets: below that a name is more breaks than name. */
    private static final int MIN_FLEX = 16;

    private final List<String[]> rows = new ArrayList<>();

    TextTable row(String... cells) {
        rows.add(cells);
        return this;
    }

    /** Unwrapped: as wide as its widest row. */
    String render(String indent) {
        return render(indent, Integer.MAX_VALUE, -1);
    }

    /** The width of the widest line {@link #render(String)} gives. */
    int width(String indent) {
        int[] widths = widths();
        int total = indent.length();
        for (int i = 0; i < widths.length; i++) {
            total += widths[i] + (i < widths.length - 1 ? GAP : 0);
        }
        return total;
    }

    /**
     * Fitted to {@code maxWidth}: when the table is wider, column {@code flex} is narrowed (not below a
     * readable minimum) and its cells wrapped onto continuation lines.
     */
    String render(String indent, int maxWidth, int flex) {
        int[] widths = widths();
        int total = width(indent);
        if (flex >= 0 && flex < widths.length && total > maxWidth) {
            widths[flex] = Math.max(MIN_FLEX, widths[flex] - (total - maxWidth));
        }
        StringBuilder b = new StringBuilder();
        for (String[] r : rows) {
            List<List<String>> cells = new ArrayList<>();
            int height = 1;
            for (int i = 0; i < r.length; i++) {
                String cell = r[i] == null ? "" : r[i];
                List<String> lines = i == flex ? TextLayout.cellLines(cell, widths[i]) : List.of(cell);
                cells.add(lines);
                height = Math.max(height, lines.size());
            }
            for (int h = 0; h < height; h++) {
                StringBuilder line = new StringBuilder(indent);
                for (int i = 0; i < r.length; i++) {
                    String cell = h < cells.get(i).size() ? cells.get(i).get(h) : "";
                    line.append(cell);
                    if (i < r.length - 1) {
                        line.append(" ".repeat(Math.max(0, widths[i] - cell.length()) + GAP));
                    }
                }
                b.append(line.toString().stripTrailing()).append('\n');
            }
        }
        return b.toString();
    }

    private int[] widths() {
        int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] widths = new int[columns];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i] == null ? 0 : r[i].length());
            }
        }
        return widths;
    }
}
