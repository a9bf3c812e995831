package dev.happypath.rebalancer.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Renders a report in one of the three formats. */
public final class ReportWriter {

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .build();

    private ReportWriter() {
    }

    public static String render(Report report, ReportFormat format) {
        try {
            return switch (format) {
                case json -> JSON.writeValueAsString(report) + System.lineSeparator();
                case yaml -> YAML.writeValueAsString(report);
                case table -> ReportTable.render(report);
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
