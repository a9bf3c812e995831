package dev.happypath.rebalancer.cluster;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A response body that is given up when nothing arrives for a while: a read timeout, which the client's
 * request timeout is not (it ends at the response's headers). Without it, an API server or a network that
 * stops sending in the middle of a LIST (a half-open connection, a stalled proxy) holds the pass, and in
 * the daemon the Lease with it, for ever.
 *
 * <p>The guard looks at the body's progress a few times per {@code idle}; when no byte came for {@code idle}
 * it closes the body, which ends the blocked read with an IOException, and {@link #stalled()} says why.
 * A slow but moving body (a large page on a slow link) is never cut: only silence counts.
 */
final class StalledBodyGuard extends FilterInputStream {

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "list-read-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final long idleNanos;
    private final ScheduledFuture<?> check;
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean stalled;
    private volatile long bytes;

    private StalledBodyGuard(InputStream body, Duration idle) {
        super(body);
        this.idleNanos = idle.toNanos();
        long every = Math.max(50, idle.toMillis() / 4);
        this.check = WATCHDOG.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
    }

    /** Guards {@code body}: given up after {@code idle} without a byte. Close it (try-with-resources). */
    static StalledBodyGuard watch(InputStream body, Duration idle) {
        return new StalledBodyGuard(body, idle);
    }

    /** Whether the body was given up because nothing arrived for the idle time. */
    boolean stalled() {
        return stalled;
    }

    /** Bytes read before it was given up (or so far). */
    long bytes() {
        return bytes;
    }

    private void check() {
        if (System.nanoTime() - lastProgress < idleNanos) {
            return;
        }
        stalled = true;
        check.cancel(false);
        try {
            super.close();
        } catch (IOException | RuntimeException e) {
            // the blocked read ends either way: it sees the body closed
        }
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        progress(b < 0 ? 0 : 1);
        return b;
    }

    @Override
    public int read(byte[] buffer, int off, int len) throws IOException {
        int n = super.read(buffer, off, len);
        progress(Math.max(n, 0));
        return n;
    }

    private void progress(int n) {
        if (n > 0) {
            bytes += n;
            lastProgress = System.nanoTime();
        }
    }

    @Override
    public void close() throws IOException {
        check.cancel(false);
        super.close();
    }
}
