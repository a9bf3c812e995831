package dev.happypath.rebalancer.report;

/** How the report is printed: a table for people, JSON or YAML for machines. */
public enum ReportFormat {
    table, json, yaml
}
