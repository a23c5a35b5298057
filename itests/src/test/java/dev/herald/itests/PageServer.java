package dev.herald.itests;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpServer;

/**
 * A web application's own server on loopback: a port of its own, and so an origin of its own,
 * from which it serves one page and, with it, the Herald token as an HttpOnly cookie, as an
 * application that signs its users in would. Cookies belong to a host, not to a port, so a page's
 * credentialed requests to an edge on the same 127.0.0.1 carry the cookie.
 *
 * <p>Bound when made, so that its origin is known before Herald starts; serving starts with
 * {@link #serve}.
 */
final class PageServer implements AutoCloseable {

    /** The cookie the edge reads a token from on SSE (the default of the edge's {@code auth.cookie.name}). */
    static final String TOKEN_COOKIE = "herald_token";

    private final HttpServer server;

    PageServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    }

    /** {@code http://127.0.0.1:<port>}, as a browser sends it in {@code Origin}. */
    String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The page's address, following {@code channel}. */
    String pageUrl(String channel) {
        return origin() + "/?channel=" + channel;
    }

    /** Starts serving {@code html} at {@code /}, setting {@code token} in an HttpOnly cookie; anything else is 404. */
    void serve(String html, String token) {
        byte[] page = html.getBytes(StandardCharsets.UTF_8);
        server.createContext("/", exchange -> {
            try (exchange) {
                if (!exchange.getRequestURI().getPath().equals("/")) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
                exchange.getResponseHeaders().add("Cache-Control", "no-store");
                exchange.getResponseHeaders().add("Set-Cookie", TOKEN_COOKIE + "=" + token + "; HttpOnly; SameSite=Lax; Path=/");
                exchange.sendResponseHeaders(200, page.length);
                try (OutputStream body = exchange.getResponseBody()) {
                    body.write(page);
                }
            }
        });
        server.start();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
