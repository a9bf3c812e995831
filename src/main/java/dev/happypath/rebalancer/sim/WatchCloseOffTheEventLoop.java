package dev.happypath.rebalancer.sim;

import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Works around a stall in kubernetes-server-mock 7.8.0. When a client closes a watch, the server's one
 * event loop calls the watch listener's {@code onClosed}, which waits (up to a minute) for the listener's
 * send queue to drain; a send still in that queue waits (up to 30 s) for a write only the event loop can
 * complete. Until the write gives up, the whole server stops answering. A client that closes watches
 * often (the executor watches for each replacement) hits it. Here the closing runs on its own thread, so
 * the event loop stays free to finish the write.
 *
 * <p>And a second race of the same code: between the listener shutting its send queue down and it leaving
 * the server's list of watchers, any write to the store (whoever makes it) fails with a
 * RejectedExecutionException while notifying it. So the watch leaves that list first, then closes.
 */
final class WatchCloseOffTheEventLoop extends WebSocketListener {

    private static final ExecutorService CLOSER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "in-process-api-watch-close");
        t.setDaemon(true);
        return t;
    });

    private final WebSocketListener watch;
    private final Consumer<WebSocketListener> unregister;

    private WatchCloseOffTheEventLoop(WebSocketListener watch, Consumer<WebSocketListener> unregister) {
        this.watch = watch;
        this.unregister = unregister;
    }

    /** @param unregister takes the watch off the server's list of watchers (no more events for it) */
    static WebSocketListener wrap(WebSocketListener watch, Consumer<WebSocketListener> unregister) {
        return watch == null ? null : new WatchCloseOffTheEventLoop(watch, unregister);
    }

    /**
     * The closing runs after the event that asked for it, on another thread: by then the server may have
     * been stopped (a test's cluster closed as its run ends), and the close's last write finds netty's
     * event loop terminated (RejectedExecutionException). The connection went with the server: there is
     * nothing left to close, and nothing to print.
     */
    private static void closing(Runnable close) {
        try {
            close.run();
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the server is stopped
        }
    }

    @Override
    public void onBeforeAccept(WebSocket webSocket, Response response) {
        watch.onBeforeAccept(webSocket, response);
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
        watch.onOpen(webSocket, response);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
        watch.onMessage(webSocket, text);
    }

    @Override
    public void onMessage(WebSocket webSocket, byte[] bytes) {
        watch.onMessage(webSocket, bytes);
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
        watch.onClosing(webSocket, code, reason);
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
        unregister.accept(watch);
        CLOSER.execute(() -> closing(() -> watch.onClosed(webSocket, code, reason)));
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable error, Response response) {
        unregister.accept(watch);
        CLOSER.execute(() -> closing(() -> watch.onFailure(webSocket, error, response)));
    }
}
