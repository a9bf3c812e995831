package dev.happypath.rebalancer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.happypath.rebalancer.cli.DaemonTest;
import dev.happypath.rebalancer.sim.ApiDispatcher;
import dev.happypath.rebalancer.testing.Await;
import dev.happypath.rebalancer.testing.FakeTime;
import dev.happypath.rebalancer.testing.Kustomize;
import dev.happypath.rebalancer.testing.LiveCluster;
import dev.happypath.rebalancer.testing.OpsCluster;
import dev.happypath.rebalancer.testing.RunningCli;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RBAC proven, not guessed: every request that a live pass, a dry-run pass, a one-shot waiting for the
 * gate and a daemon with leader election and the node watch make against the in-process API is mapped to
 * what the API server authorizes (verb, API group, resource/subresource, namespace, name) and checked
 * against the rules in cronjob/; and every rule there is used by some request. The same for the
 * dry-run install (cronjob/dry-run/), whose account may only read, against the requests of a dry-run pass.
 */
class RbacTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String OWN_NAMESPACE = "happypath-rebalancer";
    private static final List<ApiDispatcher.LoggedRequest> REQUESTS = new ArrayList<>();
    private static final List<ApiDispatcher.LoggedRequest> DRY_RUN_REQUESTS = new ArrayList<>();

    /** What the API server's authorizer sees of one request. */
    record Access(String verb, String group, String resource, String namespace, String name) {

        @Override
        public String toString() {
            return verb + " " + (group.isEmpty() ? "" : group + "/") + resource + (namespace == null ? "" : " in " + namespace)
                    + (name == null ? "" : " named " + name);
        }
    }

    /** A rule of the ClusterRole (everywhere) or of the Role (in its namespace), as bound to the CronJob's account. */
    record Grant(PolicyRule rule, String namespace) {
    }

    @BeforeAll
    static void recordEveryRequestOfEveryWayToRun() {
        String config = OpsCluster.configFile(OpsCluster.config("1s", 5)).toString();
        // a dry-run pass and a live pass, CronJob style; the replacement comes up Ready only after the
        // executor watches for it, as on a real cluster
        // Two strays: the first eviction creates the ledger, the second updates it.
        try (LiveCluster c = OpsCluster.withoutController(false, "stray", "stray2").recreateEvicted(p -> "k3d-idp-demo-agent-1", false)) {
            FakeTime time = new FakeTime(Instant.now());
            assertThat(c.run(time, time, "run", "--dry-run", "--config", config, "-o", "json").exitCode()).isZero();
            DRY_RUN_REQUESTS.addAll(c.api().dispatcher().requests());
            try (RunningCli run = RunningCli.start(c, "run", "--config", config, "-o", "json")) {
                // each replacement becomes Ready only once the executor watches for it, as on a real cluster
                List<String> replacements = List.of("stray-r", "stray2-r");
                for (int i = 0; i < replacements.size(); i++) {
                    String pod = replacements.get(i);
                    int watches = i + 1;
                    Await.until(WAIT, () -> "a pod watch for " + pod + "\n" + run, () -> c.api().pod("argocd", pod) != null
                            && c.api().dispatcher().requests().stream()
                            .filter(q -> q.path().contains("/pods?") && q.path().contains("watch=true")).count() >= watches);
                    OpsCluster.setPodReady(c, "argocd", pod);
                }
                assertThat(run.exitCode(WAIT)).as(run::toString).isZero();
                assertThat(run.out()).contains("\"outcome\" : \"EVICTED\"");
                assertThat(c.api().configMap(OWN_NAMESPACE, "happypath-rebalancer-ledger").getData().get("ledger.json"))
                        .contains("argocd/ReplicaSet/stray-rs", "argocd/ReplicaSet/stray2-rs");
            }
            REQUESTS.addAll(c.api().dispatcher().requests());
        }
        // the one-shot after recovery: waits watching the nodes, then a live pass
        try (LiveCluster c = OpsCluster.start(true, "stray");
             RunningCli run = RunningCli.start(c, "run", "--wait-for-gate", "30s", "--config", config, "-o", "json")) {
            Await.until(WAIT, "a node watch", () -> c.api().dispatcher().requests().stream().anyMatch(q -> q.path().contains("watch=true")));
            OpsCluster.setReady(c, OpsCluster.WORKER, true);
            assertThat(run.exitCode(WAIT)).as(run::toString).isZero();
            REQUESTS.addAll(c.api().dispatcher().requests());
        }
        // two daemons with leader election and the node watch: the leader acts on a recovery, then stops
        // (releasing the Lease) and the other takes over
        int portA = RunningCli.freePort();
        try (LiveCluster c = OpsCluster.start(true, "stray");
             RunningCli a = RunningCli.start(c, DaemonTest.daemon(config, "0 0 0 1 1 ? 2099", portA, "--on-node-recovery"))) {
            Await.until(WAIT, "A leads", () -> DaemonTest.scrape(portA).contains("happypath_lease_held 1.0"));
            int portB = RunningCli.freePort();
            try (RunningCli b = RunningCli.start(c, DaemonTest.daemon(config, "0 0 0 1 1 ? 2099", portB, "--on-node-recovery"))) {
                Await.until(WAIT, "B watches", () -> c.api().dispatcher().requests().stream().filter(q -> q.path().contains("nodes?") && q.path().contains("watch=true")).count() == 2);
                OpsCluster.setReady(c, OpsCluster.WORKER, true);
                Await.until(WAIT, () -> "A evicts\n" + a, () -> DaemonTest.evictions(c, "stray") == 1);
                assertThat(a.stop(WAIT)).isZero();
                Await.until(WAIT, "B leads", () -> DaemonTest.scrape(portB).contains("happypath_lease_held 1.0"));
                assertThat(b.stop(WAIT)).isZero();
            }
            REQUESTS.addAll(c.api().dispatcher().requests());
        }
    }

    private static final Pattern PATH = Pattern.compile("^/(?:api/v1|apis/([^/]+)/[^/]+)((?:/[^/?]+)*)(?:\\?(.*))?$");

    static Access access(ApiDispatcher.LoggedRequest q) {
        Matcher m = PATH.matcher(q.path());
        if (!m.matches()) {
            throw new AssertionError("not a resource request (a non-resource URL needs its own grant): " + q);
        }
        String group = m.group(1) == null ? "" : m.group(1);
        List<String> parts = new ArrayList<>(List.of(m.group(2).substring(1).split("/")));
        String query = m.group(3) == null ? "" : m.group(3);
        String namespace = null;
        if (parts.size() > 2 && parts.get(0).equals("namespaces")) {
            namespace = parts.get(1);
            parts = parts.subList(2, parts.size());
        }
        String resource = parts.get(0);
        String name = parts.size() > 1 ? parts.get(1) : null;
        if (parts.size() > 2) {
            resource += "/" + parts.get(2);
        }
        String verb = switch (q.method()) {
            case "GET" -> query.matches("(.*&)?watch=(true|1)(&.*)?") ? "watch" : name == null ? "list" : "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> name == null ? "deletecollection" : "delete";
            default -> throw new AssertionError("unexpected method " + q);
        };
        // create names its object in the body, not the path: the authorizer sees no name (except for a subresource)
        return new Access(verb, group, resource, namespace, verb.equals("create") && !resource.contains("/") ? null : name);
    }

    static List<Grant> grants() {
        return grants(ManifestsTest.LIVE);
    }

    static List<Grant> grants(java.nio.file.Path install) {
        List<ObjectNode> objects = Kustomize.render(install);
        List<Grant> grants = new ArrayList<>();
        ClusterRole cr = Kustomize.strictly(ManifestsTest.only(objects, "ClusterRole"), ClusterRole.class);
        cr.getRules().forEach(r -> grants.add(new Grant(r, null)));
        Role role = Kustomize.strictly(ManifestsTest.only(objects, "Role"), Role.class);
        role.getRules().forEach(r -> grants.add(new Grant(r, role.getMetadata().getNamespace())));
        return grants;
    }

    static boolean grants(Grant g, Access a) {
        PolicyRule r = g.rule();
        return (g.namespace() == null || g.namespace().equals(a.namespace()))
                && anyOrContains(r.getApiGroups(), a.group())
                && anyOrContains(r.getResources(), a.resource())
                && anyOrContains(r.getVerbs(), a.verb())
                && (r.getResourceNames() == null || r.getResourceNames().isEmpty()
                || a.name() != null && r.getResourceNames().contains(a.name()));
    }

    private static boolean anyOrContains(List<String> values, String v) {
        return values != null && (values.contains("*") || values.contains(v));
    }

    @Test
    void everyRequestTheCodeMakesIsGranted() {
        assertGranted(REQUESTS, grants(), "requests by what RBAC sees (count):");
    }

    @Test
    void theDryRunInstallGrantsWhatADryRunPassUsesAndOnlyReads() {
        List<Grant> grants = grants(ManifestsTest.DRY_RUN);
        assertThat(DRY_RUN_REQUESTS).isNotEmpty();
        assertGranted(DRY_RUN_REQUESTS, grants, "a dry-run pass's requests by what RBAC sees (count):");
        assertThat(unused(grants, DRY_RUN_REQUESTS)).as("granted to the dry-run install but never used by a dry run").isEmpty();
        assertThat(grants).allSatisfy(g -> assertThat(g.rule().getVerbs()).isSubsetOf("get", "list"));
        // and it is the live install's account, minus everything that writes
        assertThat(grants(ManifestsTest.LIVE)).anySatisfy(g -> assertThat(g.rule().getResources()).contains("pods/eviction"));
    }

    private static void assertGranted(List<ApiDispatcher.LoggedRequest> requests, List<Grant> grants, String title) {
        Map<String, Integer> table = new TreeMap<>();
        List<String> denied = new ArrayList<>();
        for (ApiDispatcher.LoggedRequest q : requests) {
            Access a = access(q);
            table.merge(a.verb() + " " + (a.group().isEmpty() ? "core" : a.group()) + " " + a.resource()
                    + (a.namespace() == null ? "" : a.namespace().equals(OWN_NAMESPACE) ? " (own namespace)" : " (namespaced)"), 1, Integer::sum);
            if (grants.stream().noneMatch(g -> grants(g, a))) {
                denied.add(a + "   <- " + q.method() + " " + q.path());
            }
        }
        StringBuilder b = new StringBuilder(title + "\n");
        table.forEach((k, v) -> b.append(String.format("  %-70s %5d%n", k, v)));
        System.out.print(b);
        assertThat(denied).as("requests the manifests do not grant").isEmpty();
        // never a delete of anything, never an update of a pod: evictions only
        assertThat(table.keySet()).noneMatch(k -> k.startsWith("delete")).noneMatch(k -> k.contains(" pods ") && !k.startsWith("list")
                && !k.startsWith("watch"));
    }

    @Test
    void everyGrantIsUsedByTheCode() {
        assertThat(unused(grants(), REQUESTS)).as("granted but never used").isEmpty();
    }

    private static List<String> unused(List<Grant> grants, List<ApiDispatcher.LoggedRequest> requests) {
        List<Access> accesses = requests.stream().map(RbacTest::access).toList();
        List<String> unused = new ArrayList<>();
        for (Grant g : grants) {
            PolicyRule r = g.rule();
            List<String> names = r.getResourceNames() == null || r.getResourceNames().isEmpty() ? java.util.Collections.singletonList(null)
                    : r.getResourceNames();
            for (String group : r.getApiGroups()) {
                for (String resource : r.getResources()) {
                    for (String verb : r.getVerbs()) {
                        for (String name : names) {
                            boolean used = accesses.stream().anyMatch(a -> a.verb().equals(verb) && a.group().equals(group)
                                    && a.resource().equals(resource) && (g.namespace() == null || g.namespace().equals(a.namespace()))
                                    && (name == null || name.equals(a.name())));
                            if (!used) {
                                unused.add(verb + " " + group + "/" + resource + (name == null ? "" : " named " + name)
                                        + (g.namespace() == null ? " (ClusterRole)" : " (Role in " + g.namespace() + ")"));
                            }
                        }
                    }
                }
            }
        }
        return unused;
    }

    @Test
    void theMappingIsTheAuthorizers() {
        assertThat(access(new ApiDispatcher.LoggedRequest("GET", "/api/v1/nodes?watch=true&resourceVersion=5", 200)))
                .isEqualTo(new Access("watch", "", "nodes", null, null));
        assertThat(access(new ApiDispatcher.LoggedRequest("POST", "/api/v1/namespaces/argocd/pods/a/eviction", 201)))
                .isEqualTo(new Access("create", "", "pods/eviction", "argocd", "a"));
        assertThat(access(new ApiDispatcher.LoggedRequest("PATCH", "/apis/coordination.k8s.io/v1/namespaces/x/leases/l", 200)))
                .isEqualTo(new Access("patch", "coordination.k8s.io", "leases", "x", "l"));
        assertThat(access(new ApiDispatcher.LoggedRequest("POST", "/apis/coordination.k8s.io/v1/namespaces/x/leases", 201)))
                .isEqualTo(new Access("create", "coordination.k8s.io", "leases", "x", null));
        assertThat(access(new ApiDispatcher.LoggedRequest("GET", "/apis/policy/v1/poddisruptionbudgets", 200)))
                .isEqualTo(new Access("list", "policy", "poddisruptionbudgets", null, null));
        // a Role grants only in its own namespace
        Grant lease = grants().stream().filter(g -> g.namespace() != null).findFirst().orElseThrow();
        assertThat(grants(lease, new Access("create", "coordination.k8s.io", "leases", "kube-system", null))).isFalse();
    }
}
