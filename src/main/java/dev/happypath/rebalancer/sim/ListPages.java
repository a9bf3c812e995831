package dev.happypath.rebalancer.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.crud.AttributeSet;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Chunked LISTs ({@code limit} and {@code continue}) as a real API server serves them, which CRUD mode
 * does not (it ignores both and answers everything at once).
 *
 * <p>A real server answers every page of one list from the same consistent view of its store (etcd at the
 * first page's resourceVersion) and hands back an opaque {@code continue} token for the rest; once that
 * view is compacted away the token is rejected with 410 Gone (reason {@code Expired}) and the client must
 * start the list again. Here the first page takes a view of the store (the items' JSON, shared with the
 * store, not copied), later pages are cut from it, and {@link #expireAll()} plays the compaction. Items
 * come in the store's order, the order of an unpaged list at that moment.
 */
final class ListPages {

    private static final Pattern LIMIT = Pattern.compile("(?:^|&)limit=([^&]*)");
    private static final Pattern CONTINUE = Pattern.compile("(?:^|&)continue=([^&]*)");
    private static final ObjectMapper JSON = Serialization.jsonMapper();
    /** Views kept for unfinished lists; the oldest go first, as a real server's compaction takes old revisions. */
    private static final int VIEWS_KEPT = 32;

    /** What one page request asks for. {@code limit} 0 means all that is left. */
    record Request(long limit, String token) {

        boolean paged() {
            return limit > 0 || token != null;
        }
    }

    /** One list's consistent view: the matching items' JSON at the first page, and the list's resourceVersion. */
    private record View(List<String> items, String resourceVersion) {
    }

    private final Map<Long, View> views = new LinkedHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    /** The paging parameters of a request path; throws IllegalArgumentException for a limit that is not a number. */
    static Request of(String path) {
        int q = path.indexOf('?');
        if (q < 0) {
            return new Request(0, null);
        }
        String query = path.substring(q + 1);
        long limit = 0;
        Matcher l = LIMIT.matcher(query);
        if (l.find() && !l.group(1).isEmpty()) {
            try {
                limit = Long.parseLong(l.group(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("limit: Invalid value: \"" + l.group(1) + "\": must be an integer");
            }
        }
        Matcher c = CONTINUE.matcher(query);
        String token = c.find() && !c.group(1).isEmpty() ? URLDecoder.decode(c.group(1), StandardCharsets.UTF_8) : null;
        return new Request(Math.max(0, limit), token);
    }

    /** The outcome of a page request: a list body, or an HTTP error with its reason. */
    record Page(int code, String reason, String message, String body) {
    }

    /**
     * Answers one page.
     *
     * @param store           CRUD mode's store (a synchronized map: iterated under its own lock)
     * @param query           the collection's attributes (what CRUD mode matches a LIST against)
     * @param admits          the field selector's test of one item, or null for none
     * @param resourceVersion the store's current resourceVersion, for a new list
     */
    Page page(Request request, Map<AttributeSet, String> store, AttributeSet query, java.util.function.Predicate<JsonNode> admits,
              String resourceVersion, String listKind, String listApiVersion) {
        long id;
        int offset;
        View view;
        if (request.token() == null) {
            List<String> items = new ArrayList<>();
            synchronized (store) {
                for (Map.Entry<AttributeSet, String> e : store.entrySet()) {
                    if (e.getKey().matches(query)) {
                        items.add(e.getValue());
                    }
                }
            }
            if (admits != null) {
                items.removeIf(json -> !admits.test(tree(json)));
            }
            view = new View(items, resourceVersion);
            id = ids.incrementAndGet();
            offset = 0;
        } else {
            long[] parsed = parse(request.token());
            if (parsed == null) {
                return new Page(400, "BadRequest", "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)", null);
            }
            id = parsed[0];
            offset = (int) parsed[1];
            synchronized (views) {
                view = views.get(id);
            }
            if (view == null) {
                return new Page(410, "Expired", "The provided continue parameter is too old to display a consistent list result. "
                        + "You can start a new list without the continue parameter.", null);
            }
        }
        int total = view.items().size();
        int end = request.limit() == 0 ? total : (int) Math.min(total, offset + request.limit());
        if (offset > total) {
            return new Page(400, "BadRequest", "continue key is not valid: beyond the end of the list", null);
        }
        String next = null;
        synchronized (views) {
            if (end < total) {
                views.put(id, view);
                while (views.size() > VIEWS_KEPT) {
                    views.remove(views.keySet().iterator().next());
                }
                next = token(id, end);
            } else {
                views.remove(id);
            }
        }
        StringBuilder b = new StringBuilder(64 + (end - offset) * 2048);
        b.append("{\"apiVersion\":").append(quote(listApiVersion)).append(",\"kind\":").append(quote(listKind))
                .append(",\"metadata\":{\"resourceVersion\":").append(quote(view.resourceVersion()));
        if (next != null) {
            b.append(",\"continue\":").append(quote(next)).append(",\"remainingItemCount\":").append(total - end);
        }
        b.append("},\"items\":[");
        for (int i = offset; i < end; i++) {
            if (i > offset) {
                b.append(',');
            }
            b.append(view.items().get(i));
        }
        return new Page(200, null, null, b.append("]}").toString());
    }

    /** Forgets every unfinished list's view: each of their continue tokens is answered 410 Gone from now on. */
    void expireAll() {
        synchronized (views) {
            views.clear();
        }
    }

    private static String token(long id, int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((id + ":" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static long[] parse(String token) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":");
            long[] out = {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
            return parts.length == 2 && out[1] >= 0 && out[1] <= Integer.MAX_VALUE ? out : null;
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            return null;
        }
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable stored object: " + e.getMessage(), e);
        }
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
