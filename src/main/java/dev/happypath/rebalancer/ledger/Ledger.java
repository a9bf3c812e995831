package dev.happypath.rebalancer.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.happypath.rebalancer.InvalidInputException;
import dev.happypath.rebalancer.snapshot.PodState;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The rebalancer's memory across runs: per workload, its moves of the last 24 hours and its last move.
 * A CronJob keeps nothing between runs, so this lives in one ConfigMap (see {@code antiFlap.ledger}).
 * Immutable: {@link #withMove} returns a new ledger.
 */
public final class Ledger {

    public static final Ledger EMPTY = new Ledger(Map.of());
    public static final String DATA_KEY = "ledger.json";
    static final int VERSION = 1;
    /** Entries kept at most, so the ConfigMap stays far below its 1 MiB limit. */
    static final int MAX_ENTRIES = 1000;
    private static final Duration DAY = Duration.ofDays(1);
    private static final Duration KEEP_HOME = Duration.ofDays(7);
    private static final Duration KEEP_OFF_HOME = Duration.ofDays(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, LedgerEntry> entries;

    private Ledger(Map<String, LedgerEntry> entries) {
        this.entries = Collections.unmodifiableMap(new TreeMap<>(entries));
    }

    /** The key a workload is remembered by: its namespace and controller, e.g. {@code argocd/Deployment/argocd-server}. */
    public static String workloadKey(PodState pod) {
        return pod.namespace() + "/" + pod.workload();
    }

    public Optional<LedgerEntry> entry(String workloadKey) {
        return Optional.ofNullable(entries.get(workloadKey));
    }

    public Map<String, LedgerEntry> entries() {
        return entries;
    }

    /** This ledger with one more move, old moves and stale entries pruned as of {@code now}. */
    public Ledger withMove(String workloadKey, Recorded move, Instant now) {
        Map<String, LedgerEntry> next = new TreeMap<>(entries);
        List<Instant> moves = new ArrayList<>();
        LedgerEntry old = entries.get(workloadKey);
        if (old != null) {
            old.moves().stream().filter(t -> t.isAfter(now.minus(DAY))).forEach(moves::add);
        }
        moves.add(move.at());
        next.put(workloadKey, new LedgerEntry(moves, move));
        next.entrySet().removeIf(e -> e.getValue().last().at().isBefore(now.minus(
                e.getValue().last().landedHome() ? KEEP_HOME : KEEP_OFF_HOME)));
        if (next.size() > MAX_ENTRIES) {
            List<String> oldest = next.entrySet().stream()
                    .sorted(Comparator.comparing(e -> e.getValue().last().at()))
                    .limit(next.size() - MAX_ENTRIES).map(Map.Entry::getKey).toList();
            oldest.forEach(next::remove);
        }
        return new Ledger(next);
    }

    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        ObjectNode workloads = root.putObject("workloads");
        entries.forEach((key, e) -> {
            ObjectNode w = workloads.putObject(key);
            ArrayNode moves = w.putArray("moves");
            e.moves().forEach(t -> moves.add(t.toString()));
            ObjectNode last = w.putObject("last");
            Recorded r = e.last();
            last.put("at", r.at().toString());
            last.put("pod", r.pod());
            last.put("from", r.from());
            last.put("target", r.target());
            last.put("landedOn", r.landedOn());
            last.put("landedHome", r.landedHome());
            last.put("spec", r.spec());
            last.put("nodes", r.nodes());
        });
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads a ledger written by {@link #toJson}. An unreadable ledger is refused with a clear message
     * rather than silently treated as empty: forgetting past moves is how flapping starts.
     */
    public static Ledger fromJson(String source, String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw InvalidInputException.at(source, DATA_KEY, "is not valid JSON: " + InvalidInputException.parserProblem(e.getOriginalMessage()));
        }
        if (root == null || !root.isObject() || root.path("version").asInt(-1) != VERSION || !root.path("workloads").isObject()) {
            throw InvalidInputException.at(source, DATA_KEY, "expected a ledger of version " + VERSION + " ({\"version\":1,\"workloads\":{...}})");
        }
        Map<String, LedgerEntry> entries = new TreeMap<>();
        var it = root.get("workloads").fields();
        while (it.hasNext()) {
            var e = it.next();
            String path = DATA_KEY + ": workloads." + e.getKey();
            JsonNode w = e.getValue();
            List<Instant> moves = new ArrayList<>();
            for (JsonNode t : w.path("moves")) {
                moves.add(instant(source, path + ".moves", t.asText()));
            }
            JsonNode l = w.path("last");
            Recorded last = new Recorded(instant(source, path + ".last.at", l.path("at").asText()), l.path("pod").asText(),
                    l.path("from").asText(), l.path("target").asText(null), l.path("landedOn").asText(null),
                    l.path("landedHome").asBoolean(true), l.path("spec").asText(""), l.path("nodes").asText(""));
            entries.put(e.getKey(), new LedgerEntry(moves, last));
        }
        return new Ledger(entries);
    }

    private static Instant instant(String source, String path, String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw InvalidInputException.at(source, path, "expected an RFC 3339 time, got '" + text + "'");
        }
    }
}
