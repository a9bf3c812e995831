package dev.happypath.rebalancer.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The process's stderr while it is open: where the log lines go (logback's console appender writes to
 * whatever System.err is at the time). Still copied to the real stderr, so a failing test shows them.
 */
public final class CapturedStderr implements AutoCloseable {

    private final PrintStream original = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    private CapturedStderr() {
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (captured) {
                    captured.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (captured) {
                    captured.write(b, off, len);
                }
                original.write(b, off, len);
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    public static CapturedStderr start() {
        return new CapturedStderr();
    }

    public String text() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    /** The signs of a stack trace: frames, causes, omitted frames. Empty when there is none. */
    public static List<String> stackTraceLines(String text) {
        return text.lines().filter(l -> l.startsWith("\tat ") || l.startsWith("Caused by: ") || l.matches("\\s*\\.\\.\\. \\d+ (common frames omitted|more)"))
                .toList();
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
