package dev.happypath.rebalancer.sim;

import io.fabric8.mockwebserver.http.MockResponse;

import java.util.Map;

/**
 * The discovery documents a real API server serves and CRUD mode does not: kubectl reads {@code /api},
 * {@code /apis} and the group-versions before anything else. Only what the in-process API holds is
 * announced: nodes, pods (with the eviction subresource), claims, volumes, namespaces, policy/v1
 * PodDisruptionBudgets, and what a live pass writes: core/v1 Events and ConfigMaps (the ledger) and the
 * coordination.k8s.io/v1 Lease. Answered as plain JSON: kubectl then falls back from aggregated to legacy
 * discovery, as with any older server.
 */
final class Discovery {

    private static final String VERBS = "[\"create\",\"delete\",\"deletecollection\",\"get\",\"list\",\"patch\",\"update\",\"watch\"]";

    private static final String CORE_V1 = """
            {"kind":"APIResourceList","apiVersion":"v1","groupVersion":"v1","resources":[
            %s,%s,
            {"name":"pods/eviction","singularName":"","namespaced":true,"group":"policy","version":"v1","kind":"Eviction","verbs":["create"]},
            {"name":"pods/status","singularName":"","namespaced":true,"kind":"Pod","verbs":["get","patch","update"]},
            %s,%s,%s,%s,%s,
            {"name":"nodes/status","singularName":"","namespaced":false,"kind":"Node","verbs":["get","patch","update"]}
            ]}""".formatted(
            resource("pods", "pod", true, "Pod", "[\"po\"]", "[\"all\"]"),
            resource("nodes", "node", false, "Node", "[\"no\"]", null),
            resource("persistentvolumeclaims", "persistentvolumeclaim", true, "PersistentVolumeClaim", "[\"pvc\"]", null),
            resource("persistentvolumes", "persistentvolume", false, "PersistentVolume", "[\"pv\"]", null),
            resource("namespaces", "namespace", false, "Namespace", "[\"ns\"]", null),
            resource("configmaps", "configmap", true, "ConfigMap", "[\"cm\"]", null),
            resource("events", "event", true, "Event", "[\"ev\"]", null));

    /** The rebalancer's Lease (one pass at a time) lives here. */
    private static final String COORDINATION_V1 = """
            {"kind":"APIResourceList","apiVersion":"v1","groupVersion":"coordination.k8s.io/v1","resources":[%s]}"""
            .formatted(resource("leases", "lease", true, "Lease", "[]", null));

    private static final String POLICY_V1 = """
            {"kind":"APIResourceList","apiVersion":"v1","groupVersion":"policy/v1","resources":[
            %s,
            {"name":"poddisruptionbudgets/status","singularName":"","namespaced":true,"kind":"PodDisruptionBudget","verbs":["get","patch","update"]}
            ]}""".formatted(resource("poddisruptionbudgets", "poddisruptionbudget", true, "PodDisruptionBudget", "[\"pdb\"]", null));

    private static final Map<String, String> DOCUMENTS = Map.of(
            "/api", """
                    {"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"127.0.0.1"}]}""",
            "/apis", """
                    {"kind":"APIGroupList","apiVersion":"v1","groups":[{"name":"policy","versions":[{"groupVersion":"policy/v1","version":"v1"}],
                    "preferredVersion":{"groupVersion":"policy/v1","version":"v1"}},
                    {"name":"coordination.k8s.io","versions":[{"groupVersion":"coordination.k8s.io/v1","version":"v1"}],
                    "preferredVersion":{"groupVersion":"coordination.k8s.io/v1","version":"v1"}}]}""",
            "/api/v1", CORE_V1,
            "/apis/policy/v1", POLICY_V1,
            "/apis/coordination.k8s.io/v1", COORDINATION_V1,
            "/version", """
                    {"major":"1","minor":"33","gitVersion":"v1.33.4+k3s1","gitCommit":"in-process","gitTreeState":"clean",
                    "buildDate":"2025-08-19T00:00:00Z","goVersion":"go1.24","compiler":"gc","platform":"linux/amd64"}""");

    private Discovery() {
    }

    /** The document at {@code path}, or null when the path is not a discovery path. */
    static MockResponse answer(String path) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        String body = DOCUMENTS.get(p);
        if (body == null) {
            return null;
        }
        return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json").setBody(body);
    }

    private static String resource(String name, String singular, boolean namespaced, String kind, String shortNames, String categories) {
        return "{\"name\":\"" + name + "\",\"singularName\":\"" + singular + "\",\"namespaced\":" + namespaced + ",\"kind\":\"" + kind
                + "\",\"verbs\":" + VERBS + ",\"shortNames\":" + shortNames + (categories == null ? "" : ",\"categories\":" + categories) + "}";
    }
}
