package dev.happypath.rebalancer;

/**
 * Input the user can fix: a CLI argument, the configuration or a snapshot file. The message names the
 * file, the field path and what was expected; the run stops before anything in the cluster is touched.
 */
public final class InvalidInputException extends RuntimeException {

    public InvalidInputException(String message) {
        super(message, null, false, false);
    }

    /** {@code file: path: problem}, leaving out what is unknown. */
    public static InvalidInputException at(String file, String path, String problem) {
        StringBuilder b = new StringBuilder();
        if (file != null && !file.isEmpty()) {
            b.append(file).append(": ");
        }
        if (path != null && !path.isEmpty()) {
            b.append(path).append(": ");
        }
        return new InvalidInputException(b.append(problem).toString());
    }

    /**
     * A YAML/JSON parser's message on one line, without the excerpt and caret lines SnakeYAML adds
     * (the caller already reports the line and column).
     */
    public static String parserProblem(String raw) {
        if (raw == null) {
            return "unreadable";
        }
        StringBuilder b = new StringBuilder();
        boolean skipExcerpt = false;
        for (String line : raw.split("\n")) {
            String t = line.strip();
            if (skipExcerpt) {
                skipExcerpt = false;
                continue;
            }
            if (t.startsWith("in '") || t.startsWith("at [Source")) {
                skipExcerpt = t.startsWith("in '");
                continue;
            }
            if (t.isEmpty() || t.chars().allMatch(c -> c == '^' || c == ' ')) {
                continue;
            }
            // Jackson points at an earlier token inline: "[Source: REDACTED (...); line: 12, column: 3]"
            t = t.replaceAll("\\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)\\]", "line $1, column $2");
            b.append(b.length() == 0 ? "" : "; ").append(t);
        }
        return b.length() == 0 ? "unreadable" : b.toString();
    }
}
