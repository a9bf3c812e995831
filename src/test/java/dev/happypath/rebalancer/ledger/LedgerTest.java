package dev.happypath.rebalancer.ledger;

import dev.happypath.rebalancer.InvalidInputException;
import dev.happypath.rebalancer.snapshot.NodeState;
import dev.happypath.rebalancer.snapshot.Resources;
import dev.happypath.rebalancer.snapshot.Taint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LedgerTest {

    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

    private static Recorded move(Instant at, boolean home) {
        return new Recorded(at, "argocd/argocd-server-1", "server", "agent-0", home ? "agent-0" : "server", home, "spec1", "nodes1");
    }

    @Test
    void survivesARoundTripThroughItsConfigMapText() {
        Ledger ledger = Ledger.EMPTY.withMove("argocd/Deployment/argocd-server", move(NOW.minusSeconds(60), true), NOW)
                .withMove("observability/StatefulSet/loki", move(NOW.minusSeconds(30), false), NOW);
        Ledger back = Ledger.fromJson("cm", ledger.toJson());
        assertThat(back.entries()).isEqualTo(ledger.entries());
        assertThat(back.entry("observability/StatefulSet/loki").orElseThrow().last().landedHome()).isFalse();
    }

    @Test
    void keepsOnlyTheLastDaysMovesAndForgetsOldEntries() {
        Ledger ledger = Ledger.EMPTY
                .withMove("a", move(NOW.minus(Duration.ofHours(30)), true), NOW.minus(Duration.ofHours(30)))
                .withMove("a", move(NOW.minus(Duration.ofHours(2)), true), NOW)
                .withMove("old-home", move(NOW.minus(Duration.ofDays(8)), true), NOW.minus(Duration.ofDays(8)))
                .withMove("old-off-home", move(NOW.minus(Duration.ofDays(8)), false), NOW.minus(Duration.ofDays(8)))
                .withMove("b", move(NOW, true), NOW);
        assertThat(ledger.entry("a").orElseThrow().moves()).containsExactly(NOW.minus(Duration.ofHours(2)));
        assertThat(ledger.entry("old-home")).as("home landings are forgotten after 7 days").isEmpty();
        assertThat(ledger.entry("old-off-home")).as("off-home landings are kept 30 days").isPresent();
    }

    @Test
    void staysBounded() {
        Ledger ledger = Ledger.EMPTY;
        for (int i = 0; i < Ledger.MAX_ENTRIES + 5; i++) {
            ledger = ledger.withMove("w" + i, move(NOW.plusSeconds(i), true), NOW.plusSeconds(i));
        }
        assertThat(ledger.entries()).hasSize(Ledger.MAX_ENTRIES).doesNotContainKey("w0").containsKey("w" + (Ledger.MAX_ENTRIES + 4));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not JSON | {oops | cm: ledger.json: is not valid JSON",
            "wrong version | {\"version\":2,\"workloads\":{}} | cm: ledger.json: expected a ledger of version 1",
            "bad time | {\"version\":1,\"workloads\":{\"w\":{\"moves\":[\"yesterday\"],\"last\":{\"at\":\"2026-11-21T10:00:00Z\"}}}} | cm: ledger.json: workloads.w.moves: expected an RFC 3339 time, got 'yesterday'",
    })
    void anUnreadableLedgerIsRefusedNotForgotten(String name, String json, String message) {
        assertThatThrownBy(() -> Ledger.fromJson("cm", json)).isInstanceOf(InvalidInputException.class).hasMessageContaining(message);
    }

    @Test
    void fingerprintsDependOnContentNotOnOrder() {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("role", "infra");
        a.put("kubernetes.io/hostname", "agent-0");
        Map<String, String> b = new TreeMap<>(a);
        NodeState n1 = new NodeState("agent-0", "u", a, List.of(), false, new Resources(4000, 1L << 32), 110, Map.of());
        NodeState n2 = new NodeState("agent-0", "u2", b, List.of(), false, new Resources(4000, 1L << 32), 110, Map.of());
        assertThat(Fingerprints.nodes(List.of(n1))).isEqualTo(Fingerprints.nodes(List.of(n2)));
        NodeState tainted = new NodeState("agent-0", "u", a, List.of(new Taint("x", "", Taint.Effect.NoSchedule)), false,
                new Resources(4000, 1L << 32), 110, Map.of());
        assertThat(Fingerprints.nodes(List.of(tainted))).isNotEqualTo(Fingerprints.nodes(List.of(n1)));
    }
}
