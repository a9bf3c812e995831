package dev.happypath.rebalancer.cluster;

import dev.happypath.rebalancer.InvalidInputException;
import dev.happypath.rebalancer.RuntimeFailure;
import dev.happypath.rebalancer.config.AntiFlap;
import dev.happypath.rebalancer.ledger.Ledger;
import dev.happypath.rebalancer.ledger.LedgerStore;
import dev.happypath.rebalancer.ledger.Recorded;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.time.Instant;
import java.util.Map;

/**
 * The ledger of moves in its ConfigMap. One object in the rebalancer's own namespace rather than an
 * annotation on every moved workload: it needs rights on one ConfigMap instead of write access to every
 * Deployment and StatefulSet, and GitOps tools (ArgoCD) see no drift on the workloads they own.
 */
public final class LedgerConfigMap implements LedgerStore {

    private static final int ATTEMPTS = 3;

    private final KubernetesClient client;
    private final AntiFlap where;

    public LedgerConfigMap(KubernetesClient client, AntiFlap where) {
        this.client = client;
        this.where = where;
    }

    @Override
    public String location() {
        return "ConfigMap " + where.ledgerNamespace() + "/" + where.ledgerName();
    }

    /** The ledger, or an empty one when its ConfigMap does not exist yet. */
    @Override
    public Ledger read() {
        ConfigMap cm = get();
        return cm == null ? Ledger.EMPTY : parse(cm);
    }

    /** Adds one move, re-reading and retrying when someone else wrote in between (HTTP 409). */
    @Override
    public void record(String workloadKey, Recorded move, Instant now) {
        for (int attempt = 1; ; attempt++) {
            ConfigMap current = get();
            Ledger ledger = current == null ? Ledger.EMPTY : parse(current);
            String json = ledger.withMove(workloadKey, move, now).toJson();
            try {
                if (current == null) {
                    client.configMaps().inNamespace(where.ledgerNamespace()).resource(new ConfigMapBuilder()
                            .withNewMetadata().withName(where.ledgerName()).withNamespace(where.ledgerNamespace())
                            .addToLabels("app.kubernetes.io/name", "happypath-rebalancer")
                            .addToLabels("app.kubernetes.io/component", "ledger").endMetadata()
                            .withData(Map.of(Ledger.DATA_KEY, json)).build()).create();
                } else {
                    current.setData(Map.of(Ledger.DATA_KEY, json));
                    client.configMaps().inNamespace(where.ledgerNamespace()).resource(current).update();
                }
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409 && attempt < ATTEMPTS) {
                    continue;
                }
                throw ApiErrors.describe(e, current == null ? "create" : "update", "configmaps",
                        "in namespace " + where.ledgerNamespace() + " (the ledger " + where.ledgerName() + ")", String.valueOf(client.getMasterUrl()));
            }
        }
    }

    private ConfigMap get() {
        try {
            return client.configMaps().inNamespace(where.ledgerNamespace()).withName(where.ledgerName()).get();
        } catch (KubernetesClientException e) {
            throw ApiErrors.describe(e, "get", "configmaps", "in namespace " + where.ledgerNamespace() + " (the ledger "
                    + where.ledgerName() + ")", String.valueOf(client.getMasterUrl()));
        }
    }

    private Ledger parse(ConfigMap cm) {
        String json = cm.getData() == null ? null : cm.getData().get(Ledger.DATA_KEY);
        if (json == null) {
            return Ledger.EMPTY;
        }
        try {
            return Ledger.fromJson(location(), json);
        } catch (InvalidInputException e) {
            // A corrupt ledger is not the user's input to fix on the command line, but it must not be
            // mistaken for an empty one either: stop and say where it is.
            throw new RuntimeFailure(e.getMessage() + " (fix or delete the ConfigMap to start a fresh ledger)");
        }
    }
}
