package dev.happypath.rebalancer.cluster;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.happypath.rebalancer.InvalidInputException;
import dev.happypath.rebalancer.config.YamlTrees;
import dev.happypath.rebalancer.snapshot.Claim;
import dev.happypath.rebalancer.snapshot.ClusterSnapshot;
import dev.happypath.rebalancer.snapshot.DisruptionBudget;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.PodState;
import dev.happypath.rebalancer.snapshot.Volume;
import org.yaml.snakeyaml.LoaderOptions;

import java.io.BufferedInputStream;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads what {@code kubectl get nodes,pods,pdb,pvc,pv -A -o yaml} (or {@code -o json}) prints into a
 * snapshot, through the same converter as a live read. Items are streamed one at a time, so a dump of
 * a large cluster never sits in memory as a tree. Kinds other than the five are ignored.
 */
public final class SnapshotFile {

    public static final String HOW_TO = "kubectl get nodes,pods,pdb,pvc,pv -A -o yaml";

    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    /** A field written twice is refused by the reading of the items (YamlTrees), and of the List's own fields here. */
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(64 << 20).build())
            .build();

    private static final YAMLFactory YAML;

    static {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(Integer.MAX_VALUE);
        options.setAllowDuplicateKeys(false);
        YAML = YAMLFactory.builder()
                .loaderOptions(options)
                .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(64 << 20).build())
                .build();
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SnapshotFile.class);

    private final String source;
    /** The file read, to look at its bytes again when the parser fails; null for stdin. */
    private final Path file;
    private final List<NodeState> nodes = new ArrayList<>();
    private final List<PodState> pods = new ArrayList<>();
    private final List<DisruptionBudget> budgets = new ArrayList<>();
    private final List<Claim> claims = new ArrayList<>();
    private final List<Volume> volumes = new ArrayList<>();
    private final Map<String, Integer> ignored = new TreeMap<>();
    private int itemIndex;
    /** The newest node heartbeat and condition change seen: the instant the dump was taken, near enough. */
    private Instant newestHeartbeat;
    private Instant newestTransition;
    /** When the dump tells no time at all (no node conditions): the caller's now. */
    private Instant undated;

    private SnapshotFile(String source, Path file) {
        this.source = source;
        this.file = file;
    }

    /**
     * @param readAt the instant the gate is judged at; null: when the dump was taken (its newest node
     *               heartbeat, else its newest condition change), as {@link ClusterSnapshot#readAt()}
     */
    public static ClusterSnapshot read(Path file, Instant readAt) {
        return read(file, readAt, null);
    }

    /** As {@link #read(Path, Instant)}; a dump that tells no time at all is judged at {@code undated}. */
    public static ClusterSnapshot read(Path file, Instant readAt, Instant undated) {
        SnapshotFile reader = new SnapshotFile(file.toString(), file);
        reader.undated = undated;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            reader.parse(in);
        } catch (NoSuchFileException e) {
            throw InvalidInputException.at(file.toString(), null, "no such file");
        } catch (IOException e) {
            throw reader.unreadable(e);
        }
        if (!reader.ignored.isEmpty()) {
            LOG.debug("{}: ignored items of kinds that play no part in rebalancing: {}", file, reader.ignored);
        }
        return reader.snapshot(readAt);
    }

    /**
     * A dump piped in ({@code kubectl get ... -o yaml | happypath-rebalancer plan --snapshot -}); messages
     * name it {@code source}. The caller owns the stream.
     */
    public static ClusterSnapshot read(InputStream stream, String source, Instant readAt, Instant undated) {
        SnapshotFile reader = new SnapshotFile(source, null);
        reader.undated = undated;
        try {
            reader.parse(new BufferedInputStream(stream, 1 << 16));
        } catch (IOException e) {
            throw reader.unreadable(e);
        }
        return reader.snapshot(readAt);
    }

    private void parse(InputStream in) throws IOException {
        in.mark(4096);
        int first;
        do {
            first = in.read();
        } while (first == ' ' || first == '\n' || first == '\r' || first == '\t');
        in.reset();
        if (first == -1) {
            throw InvalidInputException.at(source, null, "is empty; expected the output of " + HOW_TO);
        }
        JsonParser parser = first == '{' || first == '['
                ? JSON.createParser(in)
                : YAML.createParser(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)));
        try (parser) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                // an alias may use an anchor an earlier item of its document set (YAML's scope is the document)
                YamlTrees.Anchors anchors = new YamlTrees.Anchors();
                if (token == JsonToken.START_OBJECT) {
                    document(parser, anchors);
                } else if (token == JsonToken.START_ARRAY) {
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        item(ItemTrees.readItem(parser, anchors));
                    }
                } else {
                    throw InvalidInputException.at(source, location(parser),
                            "expected a Kubernetes List (kind: List with items) as printed by " + HOW_TO);
                }
            }
        }
    }

    /** One YAML document or JSON object: a List whose items are streamed, or a single object. */
    private void document(JsonParser parser, YamlTrees.Anchors anchors) throws IOException {
        ObjectNode rest = MAPPER.createObjectNode();
        boolean sawItems = false;
        java.util.Set<String> names = new java.util.HashSet<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            if (!names.add(field) && !(parser instanceof com.fasterxml.jackson.dataformat.yaml.YAMLParser)) {
                throw new JsonParseException(parser, "Duplicate field '" + field + "'");
            }
            JsonToken value = parser.nextToken();
            if (field.equals("items") && value == JsonToken.START_ARRAY) {
                sawItems = true;
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    item(ItemTrees.readItem(parser, anchors));
                }
            } else if (field.equals("items") && value != JsonToken.VALUE_NULL) {
                throw InvalidInputException.at(source, "items", "expected a list of Kubernetes objects");
            } else {
                rest.set(field, YamlTrees.read(parser, anchors, YamlTrees.Keep.ALL, !(parser instanceof com.fasterxml.jackson.dataformat.yaml.YAMLParser)));
            }
        }
        if (!sawItems && !rest.path("kind").asText().equals("List")) {
            item(rest);
        }
    }

    private void item(Object read) {
        if (read instanceof PodWire pod) {
            int index = itemIndex++;
            try {
                pods.add(ModelConverter.pod(pod));
            } catch (ModelException e) {
                throw InvalidInputException.at(source, "items[" + index + "] (Pod " + pod.label() + ") " + e.path(), e.getMessage());
            }
            return;
        }
        JsonNode node = (JsonNode) read;
        int index = itemIndex++;
        if (node == null || !node.isObject()) {
            throw InvalidInputException.at(source, "items[" + index + "]", "expected a Kubernetes object, got " + (node == null ? "nothing" : node.getNodeType()));
        }
        String kind = node.path("kind").asText("");
        if (kind.isEmpty()) {
            throw InvalidInputException.at(source, "items[" + index + "].kind", "is required (every object in a kubectl dump has one)");
        }
        try {
            switch (kind) {
                case "Node" -> {
                    nodes.add(ModelConverter.node(node));
                    noteTimes(node);
                }
                case "Pod" -> pods.add(ModelConverter.pod(node));
                case "PodDisruptionBudget" -> budgets.add(ModelConverter.budget(node));
                case "PersistentVolumeClaim" -> claims.add(ModelConverter.claim(node));
                case "PersistentVolume" -> volumes.add(ModelConverter.volume(node));
                default -> ignored.merge(kind, 1, Integer::sum);
            }
        } catch (ModelException e) {
            // named only when needed: building these words for every item was a tenth of reading a large dump
            String name = node.path("metadata").path("name").asText("?");
            String ns = node.path("metadata").path("namespace").asText("");
            String label = "items[" + index + "] (" + kind + " " + (ns.isEmpty() ? "" : ns + "/") + name + ")";
            throw InvalidInputException.at(source, label + " " + e.path(), e.getMessage());
        }
    }

    /** A kubelet renews its conditions' heartbeats while it runs: the newest one is when the dump was taken, within minutes. */
    private void noteTimes(JsonNode node) {
        for (JsonNode c : node.path("status").path("conditions")) {
            newestHeartbeat = later(newestHeartbeat, c.path("lastHeartbeatTime").asText(""));
            newestTransition = later(newestTransition, c.path("lastTransitionTime").asText(""));
        }
    }

    private static Instant later(Instant seen, String text) {
        if (text.isEmpty()) {
            return seen;
        }
        try {
            Instant t = ModelConverter.instant(text);
            return seen == null || t.isAfter(seen) ? t : seen;
        } catch (java.time.format.DateTimeParseException e) {
            return seen; // the converter judges the field; an odd time only does not date the dump
        }
    }

    /**
     * @param readAt the instant to judge the dump at, or null for when it was taken: its newest node
     *               heartbeat, else its newest condition change
     */
    private ClusterSnapshot snapshot(Instant readAt) {
        if (nodes.isEmpty()) {
            throw InvalidInputException.at(source, null, "holds no Node; expected the output of " + HOW_TO);
        }
        Instant at = readAt != null ? readAt : newestHeartbeat != null ? newestHeartbeat : newestTransition;
        return new ClusterSnapshot(at == null ? undated : at, nodes, pods, budgets, claims, volumes);
    }

    private InvalidInputException unreadable(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MalformedInputException || t instanceof CharConversionException) {
                // YAML is decoded by a reader, which does not say where
                return InvalidInputException.at(source, null, "is not valid UTF-8 text");
            }
        }
        if (e instanceof JsonParseException jpe && !(jpe.getProcessor() instanceof com.fasterxml.jackson.dataformat.yaml.YAMLParser)
                && file != null) {
            // JSON is decoded by the parser, whose error has no type of its own for bytes that are not UTF-8:
            // the file's bytes up to where it stopped say whether that was the fault, and where it is exactly
            String at = Utf8.firstMalformed(file, jpe.getLocation() == null ? -1 : jpe.getLocation().getByteOffset());
            if (at != null) {
                return InvalidInputException.at(source, at, "is not valid UTF-8 text");
            }
        }
        if (e instanceof YamlTrees.Refused refused) {
            return InvalidInputException.at(source, location(refused.getProcessor()), refused.getOriginalMessage());
        }
        if (e instanceof JsonParseException jpe) {
            return InvalidInputException.at(source, location(jpe.getProcessor()),
                    "is not valid YAML/JSON: " + InvalidInputException.parserProblem(jpe.getOriginalMessage()));
        }
        if (e instanceof JsonProcessingException jpe) {
            return InvalidInputException.at(source, jpe.getLocation() == null ? null
                    : "line " + jpe.getLocation().getLineNr() + ", column " + jpe.getLocation().getColumnNr(),
                    "is not valid YAML/JSON: " + InvalidInputException.parserProblem(jpe.getOriginalMessage()));
        }
        return InvalidInputException.at(source, null, "cannot be read: " + e.getMessage());
    }

    private static String location(Object processor) {
        if (processor instanceof JsonParser p && p.currentLocation() != null) {
            return "line " + p.currentLocation().getLineNr() + ", column " + p.currentLocation().getColumnNr();
        }
        return null;
    }
}
