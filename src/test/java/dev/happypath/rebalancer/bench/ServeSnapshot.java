package dev.happypath.rebalancer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.happypath.rebalancer.sim.InProcessApi;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Serves a kubectl dump from an in-process API and writes a kubeconfig for it, so that the shaded jar
 * can be measured as a separate process (src/test/bench/measure-jvm.sh). Not a test.
 *
 * <pre>java -cp ... dev.happypath.rebalancer.bench.ServeSnapshot DUMP.yaml KUBECONFIG_OUT</pre>
 * Runs until its standard input closes.
 */
public final class ServeSnapshot {

    private ServeSnapshot() {
    }

    public static void main(String[] args) throws Exception {
        try (InProcessApi api = new InProcessApi(100)) {
            JsonNode dump = new YAMLMapper().readTree(Path.of(args[0]).toFile());
            for (JsonNode item : dump.get("items")) {
                api.create(Serialization.unmarshal(item.toString(), HasMetadata.class));
            }
            Files.writeString(Path.of(args[1]), """
                    apiVersion: v1
                    kind: Config
                    clusters: [ { name: bench, cluster: { server: "%s" } } ]
                    users: [ { name: bench, user: { token: bench } } ]
                    contexts: [ { name: bench, context: { cluster: bench, user: bench, namespace: default } } ]
                    current-context: bench
                    """.formatted(api.url()));
            System.out.println("serving " + args[0] + " at " + api.url());
            System.out.flush();
            while (System.in.read() != -1) {
                // until stdin closes
            }
        }
    }
}
