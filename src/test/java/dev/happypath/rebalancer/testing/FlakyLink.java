package dev.happypath.rebalancer.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The network between the rebalancer and the API server, as a TCP relay that can fail the way networks
 * do: every connection reset now (a blip: open watches break, the next requests reconnect), or the API
 * gone (connections reset as soon as the client sends anything, new ones at once), and back again.
 * Faults at this level are what the client sees of a crashed API server or a dropped load balancer
 * backend, which the mock server's answers cannot show.
 */
public final class FlakyLink implements AutoCloseable {

    private final ServerSocket server;
    private final String host;
    private final int port;
    private final Set<Pair> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger resets = new AtomicInteger();
    private volatile boolean cut;
    /** Bytes the link still forwards towards the client before it goes silent; negative: no stall. */
    private final java.util.concurrent.atomic.AtomicLong stallBudget = new java.util.concurrent.atomic.AtomicLong(-1);
    private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);

    private FlakyLink(String upstream) {
        URI uri = URI.create(upstream);
        this.host = uri.getHost();
        this.port = uri.getPort();
        try {
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::acceptLoop, "flaky-link-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A relay to the API server at {@code upstream} (http://host:port/). */
    public static FlakyLink to(String upstream) {
        return new FlakyLink(upstream);
    }

    /** Where a client connects instead of the API server. */
    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/";
    }

    /**
     * The API server is gone: a connection is reset the moment the client sends anything on it (answers
     * already on their way still arrive), a new one as soon as it is opened.
     */
    public void cut() {
        cut = true;
    }

    /**
     * From now on the link forwards {@code bytes} more bytes towards the client, then goes silent with every
     * connection left open: a half-open connection, a stalled API server or a proxy that stopped forwarding.
     * (The stall is the link's, not one request's, whatever connection a request takes: arm it from the
     * dispatcher when the request of interest arrives.)
     */
    public void stallAfter(long bytes) {
        stallBudget.set(bytes);
    }

    /** The API server is back: new connections are relayed again. */
    public void restore() {
        cut = false;
    }

    /** A network blip: every open connection (watches included) is reset now; new ones are relayed. */
    public void dropAll() {
        for (Pair p : open) {
            p.reset();
        }
    }

    /** Connections opened so far. */
    public int accepted() {
        return accepted.get();
    }

    /** Connections this link has reset. */
    public int resets() {
        return resets.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            if (cut) {
                reset(client);
                continue;
            }
            try {
                Socket upstream = new Socket(host, port);
                Pair pair = new Pair(client, upstream);
                open.add(pair);
                pair.start();
            } catch (IOException e) {
                reset(client);
            }
        }
    }

    private void reset(Socket s) {
        try {
            // SO_LINGER 0: close() sends RST instead of FIN, as a crashed peer or a dropped backend does
            s.setSoLinger(true, 0);
            s.close();
            resets.incrementAndGet();
        } catch (IOException e) {
            // already gone
        }
    }

    private final class Pair {
        private final Socket client;
        private final Socket upstream;

        Pair(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void start() {
            pump(client, upstream, true);
            pump(upstream, client, false);
        }

        /** Forwards {@code n} bytes towards the client, or only what the stall leaves, then holds the connection open and silent. */
        private void forward(OutputStream out, byte[] buf, int n) throws IOException {
            long budget = stallBudget.getAndUpdate(b -> b < 0 ? b : Math.max(0, b - n));
            if (budget < 0 || n <= budget) {
                out.write(buf, 0, n);
                out.flush();
                return;
            }
            out.write(buf, 0, (int) budget);
            out.flush();
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("stalled until the link closed");
        }

        private void pump(Socket from, Socket to, boolean request) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[16 * 1024];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        if (request && cut) {
                            reset();
                            return;
                        }
                        if (request) {
                            out.write(buf, 0, n);
                            out.flush();
                        } else {
                            forward(out, buf, n);
                        }
                    }
                } catch (IOException e) {
                    // one side went away: the other follows
                }
                close();
            }, "flaky-link-" + (request ? "up" : "down"));
            t.setDaemon(true);
            t.start();
        }

        void reset() {
            open.remove(this);
            FlakyLink.this.reset(client);
            closeQuietly(upstream);
        }

        void close() {
            open.remove(this);
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        closed.countDown();
        open.forEach(Pair::close);
    }
}
