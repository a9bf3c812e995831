package dev.happypath.rebalancer.sim;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Field selectors as a real API server applies them, which CRUD mode does not (it answers an empty list):
 * {@code kubectl delete} waits on {@code metadata.name=X}, {@code kubectl describe node} lists the pods of
 * {@code spec.nodeName=X}. Equality ({@code =}, {@code ==}) and inequality ({@code !=}) on any field path;
 * a missing field is the empty string, as on a real server ({@code spec.nodeName=} selects unbound pods).
 */
final class FieldSelectors {

    private static final Pattern PARAM = Pattern.compile("(^|&)fieldSelector=([^&]*)");

    record Requirement(String field, boolean equal, String value) {

        boolean matches(JsonNode object) {
            JsonNode node = object;
            for (String part : field.split("\\.")) {
                node = node == null ? null : node.get(part);
            }
            String actual = node == null || node.isNull() ? "" : node.asText();
            return equal == actual.equals(value);
        }
    }

    private FieldSelectors() {
    }

    /** The requirements of the request's fieldSelector (URL-decoded), empty when there is none. */
    static List<Requirement> of(String path) {
        int q = path.indexOf('?');
        if (q < 0) {
            return List.of();
        }
        Matcher m = PARAM.matcher(path.substring(q + 1));
        if (!m.find()) {
            return List.of();
        }
        String selector = URLDecoder.decode(m.group(2), StandardCharsets.UTF_8);
        List<Requirement> out = new ArrayList<>();
        for (String term : selector.split(",")) {
            if (term.isBlank()) {
                continue;
            }
            int ne = term.indexOf("!=");
            if (ne >= 0) {
                out.add(new Requirement(term.substring(0, ne).trim(), false, term.substring(ne + 2).trim()));
                continue;
            }
            int eq = term.indexOf("==");
            int len = 2;
            if (eq < 0) {
                eq = term.indexOf('=');
                len = 1;
            }
            if (eq < 0) {
                throw new IllegalArgumentException("invalid field selector term '" + term + "'");
            }
            out.add(new Requirement(term.substring(0, eq).trim(), true, term.substring(eq + len).trim()));
        }
        return out;
    }

    /** The same request without its fieldSelector parameter. */
    static String without(String path) {
        int q = path.indexOf('?');
        if (q < 0) {
            return path;
        }
        String query = PARAM.matcher(path.substring(q + 1)).replaceAll("$1").replaceAll("^&|&$", "").replace("&&", "&");
        return query.isEmpty() ? path.substring(0, q) : path.substring(0, q + 1) + query;
    }

    /** The name a selector pins, when it is exactly {@code metadata.name=X}. */
    static String onlyName(List<Requirement> requirements) {
        if (requirements.size() == 1 && requirements.get(0).equal() && requirements.get(0).field().equals("metadata.name")) {
            return requirements.get(0).value();
        }
        return null;
    }
}
