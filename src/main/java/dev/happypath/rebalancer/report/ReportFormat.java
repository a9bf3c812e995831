package dev.happypath.rebalancer.report;

/**
 * How the report is printed: a table for people (fitted to the terminal's width), the same with full
 * names and one line per move (wide), JSON or YAML for machines. {@code json} is indented for a
 * terminal; {@code jsonl} is the same JSON on ONE line per report (JSON Lines), for a log collector that
 * takes each line as an entry (Loki's {@code | json}, {@code jq -c}): what the CronJob and the daemon print.
 */
public enum ReportFormat {
    table, json, yaml, jsonl, wide
}
