package dev.herald.server.origin;

import java.util.List;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;

/**
 * Cross-origin resource sharing (the Fetch standard's CORS protocol) in front of a service's
 * routes, for the {@link AllowedOrigins}.
 *
 * <ul>
 *   <li>A request without {@code Origin} passes untouched (not a browser).
 *   <li>A request from an origin not allowed is answered by {@code refuse} (403) and goes no
 *       further: a browser sends some cross-site POSTs without asking first (a "simple" request),
 *       so leaving it to the browser to hide the answer would still publish.
 *   <li>A preflight ({@code OPTIONS} with {@code Access-Control-Request-Method}) from an allowed
 *       origin is answered here: 204 with the methods and request headers the service takes.
 *   <li>Any other request from an allowed origin goes on, its answer carrying
 *       {@code Access-Control-Allow-Origin} (the origin itself, never {@code *}, since credentials
 *       are allowed: cookies for SSE), {@code Access-Control-Allow-Credentials} and the answer
 *       headers a client may read.
 * </ul>
 * {@code Vary: Origin} goes on every answer that depends on it, so caches keep them apart.
 */
public final class Cors implements HttpHandler {

    private static final HttpString ALLOW_ORIGIN = new HttpString("Access-Control-Allow-Origin");
    private static final HttpString ALLOW_CREDENTIALS = new HttpString("Access-Control-Allow-Credentials");
    private static final HttpString ALLOW_METHODS = new HttpString("Access-Control-Allow-Methods");
    private static final HttpString ALLOW_HEADERS = new HttpString("Access-Control-Allow-Headers");
    private static final HttpString EXPOSE_HEADERS = new HttpString("Access-Control-Expose-Headers");
    private static final HttpString MAX_AGE = new HttpString("Access-Control-Max-Age");
    private static final HttpString REQUEST_METHOD = new HttpString("Access-Control-Request-Method");
    /** How long, in seconds, a browser may reuse a preflight's answer. */
    private static final String PREFLIGHT_MAX_AGE = "600";

    private final AllowedOrigins origins;
    private final String methods;
    private final String requestHeaders;
    private final String exposedHeaders;
    private final HttpHandler next;
    private final HttpHandler refuse;

    /**
     * @param methods        the methods the routes take ({@code OPTIONS} is added)
     * @param requestHeaders the request headers a page may set
     * @param exposedHeaders the answer headers a page may read
     * @param refuse         answers a request from an origin not allowed (403)
     */
    public Cors(AllowedOrigins origins, List<String> methods, List<String> requestHeaders, List<String> exposedHeaders,
            HttpHandler next, HttpHandler refuse) {
        this.origins = origins;
        this.methods = String.join(", ", methods) + ", OPTIONS";
        this.requestHeaders = String.join(", ", requestHeaders);
        this.exposedHeaders = String.join(", ", exposedHeaders);
        this.next = next;
        this.refuse = refuse;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        String origin = exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
        if (origin == null) {
            next.handleRequest(exchange);
            return;
        }
        HeaderMap answer = exchange.getResponseHeaders();
        answer.add(Headers.VARY, "Origin");
        if (!origins.allows(origin)) {
            refuse.handleRequest(exchange);
            return;
        }
        answer.put(ALLOW_ORIGIN, origin);
        answer.put(ALLOW_CREDENTIALS, "true");
        if (exchange.getRequestMethod().equals(Methods.OPTIONS) && exchange.getRequestHeaders().contains(REQUEST_METHOD)) {
            answer.put(ALLOW_METHODS, methods);
            answer.put(ALLOW_HEADERS, requestHeaders);
            answer.put(MAX_AGE, PREFLIGHT_MAX_AGE);
            exchange.setStatusCode(204);
            exchange.endExchange();
            return;
        }
        if (!exposedHeaders.isEmpty()) {
            answer.put(EXPOSE_HEADERS, exposedHeaders);
        }
        next.handleRequest(exchange);
    }
}
