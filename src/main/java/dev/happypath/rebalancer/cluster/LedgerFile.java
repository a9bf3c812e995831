package dev.happypath.rebalancer.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.happypath.rebalancer.InvalidInputException;
import dev.happypath.rebalancer.config.YamlTrees;
import dev.happypath.rebalancer.ledger.Ledger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A ledger read from a file, for offline plans: what {@code kubectl get configmap happypath-rebalancer-ledger
 * -o yaml} prints, or the bare ledger JSON.
 */
public final class LedgerFile {

    private static final YAMLFactory YAML = new YAMLFactory();

    private LedgerFile() {
    }

    public static Ledger read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw InvalidInputException.at(file.toString(), "--ledger", "no such file");
        } catch (IOException e) {
            throw InvalidInputException.at(file.toString(), "--ledger", "cannot be read: " + e.getMessage());
        }
        JsonNode tree;
        try (JsonParser parser = YAML.createParser(text)) {
            // YAML as YAML: anchors, aliases and merge keys resolved
            tree = parser.nextToken() == null ? null : YamlTrees.read(parser, new YamlTrees.Anchors());
        } catch (YamlTrees.Refused e) {
            throw InvalidInputException.at(file.toString(), null, e.getOriginalMessage());
        } catch (IOException e) {
            throw InvalidInputException.at(file.toString(), null, "is not valid YAML/JSON: " + e.getMessage().split("\n")[0]);
        }
        if (tree != null && "ConfigMap".equals(tree.path("kind").asText())) {
            JsonNode data = tree.path("data").path(Ledger.DATA_KEY);
            if (!data.isTextual()) {
                throw InvalidInputException.at(file.toString(), "data." + Ledger.DATA_KEY, "is required in a ledger ConfigMap");
            }
            return Ledger.fromJson(file.toString(), data.asText());
        }
        return Ledger.fromJson(file.toString(), text);
    }
}
