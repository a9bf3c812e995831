package dev.happypath.rebalancer.init;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Scalars written so that YAML reads them back as the same strings (a label value "true" stays a string). */
final class Yaml {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9._/-]*");
    /** Words YAML 1.1 (SnakeYAML) reads as booleans or null. */
    private static final Set<String> RESERVED = Set.of("true", "false", "yes", "no", "on", "off", "y", "n", "null", "~");

    private Yaml() {
    }

    static String scalar(String s) {
        if (PLAIN.matcher(s).matches() && !RESERVED.contains(s.toLowerCase(Locale.ROOT))) {
            return s;
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    static String list(Collection<String> values) {
        StringBuilder b = new StringBuilder("[");
        for (String v : values) {
            b.append(b.length() == 1 ? "" : ", ").append(scalar(v));
        }
        return b.append(']').toString();
    }
}
