package dev.happypath.rebalancer.report;

/**
 * How the report is printed: a table for people (fitted to the terminal's width), the same with full
 * names and one line per move (wide), JSON or YAML for machines.
 */
public enum ReportFormat {
    table, json, yaml, wide
}
