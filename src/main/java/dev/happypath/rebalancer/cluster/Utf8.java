package dev.happypath.rebalancer.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a file stops being UTF-8, found by decoding its bytes again (only on the way to an error message). */
final class Utf8 {

    private Utf8() {
    }

    /**
     * The line and column ("line 3, column 17", columns counted in characters) of the first byte sequence of
     * {@code file} that is not UTF-8, when one starts at or before byte {@code until} (any, when negative);
     * else null, also when the file cannot be read again.
     */
    static String firstMalformed(Path file, long until) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.allocate(1 << 16);
        CharBuffer out = CharBuffer.allocate(1 << 16);
        long offset = 0; // of in's first byte in the file
        int line = 1;
        int column = 1;
        boolean lastWasCr = false;
        try (InputStream stream = Files.newInputStream(file)) {
            boolean end = false;
            while (true) {
                if (!end) {
                    int n = stream.read(in.array(), in.position(), in.remaining());
                    if (n < 0) {
                        end = true;
                    } else {
                        in.position(in.position() + n);
                    }
                }
                in.flip();
                CoderResult result = decoder.decode(in, out, end);
                out.flip();
                for (int i = 0; i < out.limit(); i++) {
                    char c = out.get(i);
                    if (c == '\n' || c == '\r') {
                        // a CR LF pair ends one line
                        line += c == '\n' && lastWasCr ? 0 : 1;
                        column = 1;
                    } else if (!Character.isLowSurrogate(c)) {
                        column++;
                    }
                    lastWasCr = c == '\r';
                }
                out.clear();
                if (result.isMalformed() || result.isUnmappable()) {
                    long at = offset + in.position();
                    return until >= 0 && at > until ? null : "line " + line + ", column " + column;
                }
                if (until >= 0 && offset + in.position() > until + 4) {
                    return null;
                }
                if (end && !in.hasRemaining()) {
                    return null;
                }
                offset += in.position();
                in.compact();
            }
        } catch (IOException e) {
            return null;
        }
    }
}
