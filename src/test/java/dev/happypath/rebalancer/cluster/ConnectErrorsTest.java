package dev.happypath.rebalancer.cluster;

import dev.happypath.rebalancer.InvalidInputException;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where the client would connect, and why it cannot, said in the words of what went wrong. */
class ConnectErrorsTest {

    @TempDir
    Path home;

    @Test
    void noKubeconfigOutsideAPodIsInvalidInputSayingWhereItLookedAndWhatToDo() {
        assertThatThrownBy(() -> KubernetesClients.configure(null, null, Map.of(), home.toString()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("no kubeconfig found (looked at $KUBECONFIG (unset), " + home.resolve(".kube/config") + ", not in a pod): ")
                .hasMessageContaining("give --kubeconfig FILE or set KUBECONFIG").hasMessageContaining("plan --snapshot FILE")
                .hasMessageNotContaining("\n");
        Path missing = home.resolve("nowhere/config");
        assertThatThrownBy(() -> KubernetesClients.configure(null, null, Map.of("KUBECONFIG", missing.toString()), home.toString()))
                .hasMessageStartingWith("no kubeconfig found (looked at $KUBECONFIG = " + missing + ", ");
    }

    @Test
    void inAPodNoKubeconfigIsNeeded() {
        // fabric8 then reads the ServiceAccount (from the real environment, not this map): no refusal here
        assertThat(KubernetesClients.configure(null, null, Map.of("KUBERNETES_SERVICE_HOST", "10.43.0.1"), home.toString())).isNotNull();
    }

    @Test
    void aDirectoryIsCalledADirectory() {
        assertThatThrownBy(() -> KubernetesClients.configure(home, null, Map.of(), home.toString()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(home + ": --kubeconfig: is a directory; expected a kubeconfig file");
        assertThatThrownBy(() -> KubernetesClients.configure(home.resolve("none"), null, Map.of(), home.toString()))
                .hasMessage(home.resolve("none") + ": --kubeconfig: no such file");
    }

    @Test
    void aKubeconfigIsFoundThroughTheVariable() throws IOException {
        Path file = Files.writeString(home.resolve("kc"), """
                apiVersion: v1
                kind: Config
                clusters: [ { name: c, cluster: { server: "http://127.0.0.1:1" } } ]
                users: [ { name: u, user: {} } ]
                contexts: [ { name: c, context: { cluster: c, user: u } } ]
                current-context: c
                """);
        assertThat(KubernetesClients.configure(file, null, Map.of(), home.toString()).getMasterUrl()).startsWith("http://127.0.0.1:1");
    }

    /** A kubeconfig is YAML too: its aliases are their anchors' values (fabric8 parses it with SnakeYAML Engine). */
    @Test
    void aKubeconfigsAliasesAndMergeKeysAreRead() throws IOException {
        Path file = Files.writeString(home.resolve("aliased"), """
                apiVersion: v1
                kind: Config
                clusters:
                  - { name: a, cluster: &common { server: "http://127.0.0.1:7" } }
                  - { name: b, cluster: { <<: *common } }
                users: [ { name: u, user: { token: &t abc } }, { name: v, user: { token: *t } } ]
                contexts:
                  - { name: a, context: { cluster: a, user: u, namespace: &ns tools } }
                  - { name: b, context: { cluster: b, user: v, namespace: *ns } }
                current-context: b
                """);
        Config b = KubernetesClients.configure(file, "b", Map.of(), home.toString());
        assertThat(b.getMasterUrl()).as("merged from the anchor").startsWith("http://127.0.0.1:7");
        assertThat(b.getNamespace()).isEqualTo("tools");
    }

    @Test
    void aRefusedConnectionSaysConnectionRefused() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Config config = Config.empty();
        config.setMasterUrl("http://127.0.0.1:" + port + "/");
        try (KubernetesClient client = KubernetesClients.create(config)) {
            KubernetesClientException e = org.junit.jupiter.api.Assertions.assertThrows(KubernetesClientException.class,
                    () -> client.nodes().list());
            assertThat(ApiErrors.rootCause(e)).isEqualTo("connection refused");
            assertThat(ApiErrors.describe(e, "list", "nodes", "at cluster scope", config.getMasterUrl()).getMessage())
                    .isEqualTo("cannot reach the API server at http://127.0.0.1:" + port + "/ to list nodes: connection refused");
        }
    }
}
