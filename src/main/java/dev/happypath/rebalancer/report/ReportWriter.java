package dev.happypath.rebalancer.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;

/** Renders a report in one of its formats. */
public final class ReportWriter {

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .build();

    /** The caller owns the stream it passes (stdout, say): writing a report must not close it. */
    private static final ObjectWriter JSON_OUT = JSON.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    private static final ObjectWriter JSON_LINE_OUT = JsonMapper.builder().build().writer()
            .without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    private static final ObjectWriter YAML_OUT = YAML.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    private ReportWriter() {
    }

    public static String render(Report report, ReportFormat format) {
        StringWriter text = new StringWriter();
        write(report, format, text);
        return text.toString();
    }

    /** At the default width of the table for people (100 columns). */
    public static void write(Report report, ReportFormat format, Writer out) {
        write(report, format, TextLayout.DEFAULT_WIDTH, null, out);
    }

    /** The width the table for people fits: COLUMNS when it is a number no smaller than a sane minimum, else 100. */
    public static int width(String columns) {
        if (columns == null) {
            return TextLayout.DEFAULT_WIDTH;
        }
        try {
            int w = Integer.parseInt(columns.strip());
            return w < TextLayout.MIN_WIDTH ? TextLayout.DEFAULT_WIDTH : w;
        } catch (NumberFormatException e) {
            return TextLayout.DEFAULT_WIDTH;
        }
    }

    /**
     * Writes the report to {@code out} as it is serialised, the same text {@link #render} returns. A JSON
     * report of a 30,000-pod snapshot runs to megabytes: built as one String first it took several times
     * that in heap (docs/performance.md).
     */
    /**
     * @param width the table's width (COLUMNS)
     * @param asOf  for the table's header, when the pass was judged at another instant than now and why
     *              (plan on a dump: when it was taken), or null
     */
    public static void write(Report report, ReportFormat format, int width, String asOf, Writer out) {
        try {
            switch (format) {
                case json -> {
                    JSON_OUT.writeValue(out, report);
                    out.write(System.lineSeparator());
                }
                case jsonl -> {
                    // one line, however long: strings escape their newlines, so the line ends only here
                    JSON_LINE_OUT.writeValue(out, report);
                    out.write('\n');
                }
                case yaml -> YAML_OUT.writeValue(out, report);
                case table -> out.write(ReportTable.render(report, width, false, asOf));
                case wide -> out.write(ReportTable.render(report, width, true, asOf));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
