package dev.happypath.rebalancer.cli;

import dev.happypath.rebalancer.InvalidInputException;
import dev.happypath.rebalancer.config.HappyPath;
import dev.happypath.rebalancer.config.WorkloadRule;
import dev.happypath.rebalancer.plan.Scope;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** -n/--namespace and --rule: which workloads this pass may move; the rest is reported, never moved. */
final class ScopeOptions {

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", split = ",",
            description = "Move only pods of this namespace (repeatable, or comma-separated); others are reported OUT_OF_SCOPE.")
    List<String> namespaces = new ArrayList<>();

    @Option(names = "--rule", paramLabel = "NAME", split = ",",
            description = "Move only pods of this workload rule (repeatable, or comma-separated), e.g. --rule argocd.")
    List<String> rules = new ArrayList<>();

    /** The scope, after checking every --rule names a rule of the configuration (a typo would silently move nothing). */
    Scope scope(HappyPath happyPath) {
        Set<String> known = new LinkedHashSet<>(happyPath.workloads().stream().map(WorkloadRule::name).toList());
        for (String rule : rules) {
            if (!known.contains(rule)) {
                throw InvalidInputException.at(null, "--rule", "no workload rule named '" + rule + "' in " + happyPath.source()
                        + " (its rules: " + String.join(", ", known) + ")");
            }
        }
        for (String ns : namespaces) {
            if (!ns.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
                throw InvalidInputException.at(null, "--namespace", "expected a namespace name (a DNS label), got '" + ns + "'");
            }
        }
        return new Scope(new LinkedHashSet<>(namespaces), new LinkedHashSet<>(rules));
    }
}
