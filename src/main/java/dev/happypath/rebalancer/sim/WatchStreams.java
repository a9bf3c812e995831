package dev.happypath.rebalancer.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Watches as a real API server streams them over plain HTTP (what kubectl and client-go use; fabric8 uses
 * WebSocket, which CRUD mode serves): one JSON watch event per line, {@code ADDED}, {@code MODIFIED},
 * {@code DELETED}, starting after the {@code resourceVersion} asked for. Every store change passes through
 * here ({@link ApiDispatcher#processEvent}) while the dispatcher's write lock is held, so that starting a
 * watch (under the same lock) sees each change exactly once: in its replay or live.
 *
 * <p>The recent changes are kept ({@link #HISTORY}): a watch from a resourceVersion still in them replays
 * what came after it; an older one gets the API server's {@code 410 Expired} (the client lists again).
 */
final class WatchStreams {

    /** How many changes are kept for watches that start from a resourceVersion. */
    static final int HISTORY = 4096;
    private static final ObjectMapper JSON = Serialization.jsonMapper();

    /** One change: the resource it happened to, and the watch event line. */
    record Change(long resourceVersion, String resource, String namespace, JsonNode object, String type) {

        /** The watch event as the API server streams it: one JSON object per line. */
        static String line(String type, JsonNode object) {
            ObjectNode event = JSON.createObjectNode();
            event.put("type", type);
            event.set("object", object);
            return event + "\n";
        }
    }

    /** Where the events of one watch go; returns false once the client is gone. */
    interface Sink {
        boolean send(String type, String resource, JsonNode object);
    }

    /** What one watch selects: a resource, maybe one namespace, and its field and label selectors. */
    record Selection(String resource, String namespace, Predicate<JsonNode> filter) {

        boolean selects(Change c) {
            return c.resource().equals(resource) && (namespace == null || namespace.equals(c.namespace())) && filter.test(c.object());
        }
    }

    private record Watch(Selection selection, Sink sink) {
    }

    private final Deque<Change> history = new ArrayDeque<>();
    private final List<Watch> watches = new CopyOnWriteArrayList<>();
    /** The newest resourceVersion that left the history: watches from before it cannot be replayed. */
    private long forgottenUpTo;
    private volatile long latest;

    /** The resourceVersion of the newest change (a list's resourceVersion, to watch from). */
    long latest() {
        return latest;
    }

    /** Changes up to {@code resourceVersion} were never kept: a watch from before it gets 410 Expired. */
    synchronized void beginAt(long resourceVersion) {
        forgottenUpTo = Math.max(forgottenUpTo, resourceVersion);
        latest = Math.max(latest, resourceVersion);
    }

    /** A store change (called with the dispatcher's write lock held). */
    synchronized void changed(String type, JsonNode object, long resourceVersion) {
        String kind = object.path("kind").asText("");
        String resource = kind.toLowerCase(Locale.ROOT) + (kind.endsWith("s") ? "es" : "s");
        String ns = object.path("metadata").path("namespace").asText(null);
        Change c = new Change(resourceVersion, resource, ns, object, type);
        latest = Math.max(latest, resourceVersion);
        history.addLast(c);
        while (history.size() > HISTORY) {
            forgottenUpTo = Math.max(forgottenUpTo, history.removeFirst().resourceVersion());
        }
        for (Watch w : watches) {
            if (w.selection().selects(c) && !w.sink().send(c.type(), c.resource(), c.object())) {
                watches.remove(w);
            }
        }
    }

    /**
     * Starts a watch (call with the dispatcher's write lock held): first what the client has not seen, then
     * every change as it happens.
     *
     * @param from    the resourceVersion the client has seen, or null to start with the current objects
     * @param current the current objects of the selection, for a watch without a resourceVersion
     * @return false when {@code from} is too old to replay (the caller answers 410 Expired)
     */
    synchronized boolean start(Selection selection, Long from, List<JsonNode> current, Sink sink) {
        if (from == null) {
            for (JsonNode o : current) {
                if (selection.filter().test(o)) {
                    sink.send("ADDED", selection.resource(), o);
                }
            }
        } else {
            if (from < forgottenUpTo) {
                return false;
            }
            for (Change c : history) {
                if (c.resourceVersion() > from && selection.selects(c)) {
                    sink.send(c.type(), c.resource(), c.object());
                }
            }
        }
        watches.add(new Watch(selection, sink));
        return true;
    }

    void stop(Sink sink) {
        watches.removeIf(w -> w.sink() == sink);
    }

    int watching() {
        return watches.size();
    }

    /** The query parameter {@code name} of a request path, URL-decoded, or null. */
    static String param(String path, String name) {
        int q = path.indexOf('?');
        if (q < 0) {
            return null;
        }
        for (String kv : path.substring(q + 1).split("&")) {
            int eq = kv.indexOf('=');
            String k = eq < 0 ? kv : kv.substring(0, eq);
            if (k.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /**
     * A label selector's equality, inequality, set ({@code in}, {@code notin}) and existence terms, as
     * {@code kubectl get -l} sends them.
     */
    static Predicate<JsonNode> labels(String selector) {
        if (selector == null || selector.isBlank()) {
            return o -> true;
        }
        List<Predicate<Map<String, String>>> terms = new ArrayList<>();
        for (String term : splitTerms(selector)) {
            String t = term.trim();
            java.util.regex.Matcher set = java.util.regex.Pattern.compile("^(\\S+)\\s+(in|notin)\\s+\\((.*)\\)$").matcher(t);
            if (set.matches()) {
                List<String> values = List.of(set.group(3).replace(" ", "").split(","));
                boolean in = set.group(2).equals("in");
                terms.add(l -> l.containsKey(set.group(1)) ? values.contains(l.get(set.group(1))) == in : !in);
            } else if (t.contains("!=")) {
                String[] kv = t.split("!=", 2);
                terms.add(l -> !kv[1].trim().equals(l.get(kv[0].trim())));
            } else if (t.contains("=")) {
                String[] kv = t.split("==?", 2);
                terms.add(l -> kv[1].trim().equals(l.get(kv[0].trim())));
            } else if (t.startsWith("!")) {
                terms.add(l -> !l.containsKey(t.substring(1).trim()));
            } else if (!t.isEmpty()) {
                terms.add(l -> l.containsKey(t));
            }
        }
        return o -> {
            Map<String, String> l = new java.util.HashMap<>();
            o.path("metadata").path("labels").fields().forEachRemaining(e -> l.put(e.getKey(), e.getValue().asText()));
            return terms.stream().allMatch(p -> p.test(l));
        };
    }

    /** Splits on the commas between terms, not those inside {@code in (a,b)}. */
    private static List<String> splitTerms(String selector) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        StringBuilder term = new StringBuilder();
        for (char ch : selector.toCharArray()) {
            if (ch == '(') {
                depth++;
            } else if (ch == ')') {
                depth--;
            }
            if (ch == ',' && depth == 0) {
                out.add(term.toString());
                term.setLength(0);
            } else {
                term.append(ch);
            }
        }
        out.add(term.toString());
        return out;
    }
}
