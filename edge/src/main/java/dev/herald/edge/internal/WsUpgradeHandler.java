package dev.herald.edge.internal;

import java.util.Base64;
import java.util.Locale;

import dev.herald.server.auth.AuthAnswers;
import dev.herald.server.auth.Grants;
import dev.herald.server.limits.ConnectionLease;
import dev.herald.server.http.HttpAnswers;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;

/**
 * {@code GET /v1/ws}: the WebSocket opening handshake (RFC 6455 section 4.2). A valid request is
 * answered 101 and its connection handed to a new {@link WsConnection}; anything else gets a
 * problem: 405 for another method, 426 for another protocol version, 400 for a request that is
 * not a WebSocket upgrade, 403 for a page of an origin not allowed (cross-site WebSocket
 * hijacking: a browser sends the user's cookies with any page's upgrade), 401 for a token in the
 * {@code Authorization} header that is refused. With tokens on and no header, the connection is
 * upgraded and its first frame must authenticate ({@link WsConnection}). No extensions and no
 * subprotocols are offered.
 */
final class WsUpgradeHandler implements HttpHandler {

    private static final HttpString SEC_WEBSOCKET_ACCEPT = new HttpString("Sec-WebSocket-Accept");

    private final EdgeContext edge;
    private final long pingMs;
    private final long idleMs;

    WsUpgradeHandler(EdgeContext edge, long pingMs, long idleMs) {
        this.edge = edge;
        this.pingMs = pingMs;
        this.idleMs = idleMs;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (!exchange.getRequestMethod().equals(Methods.GET)) {
            HttpAnswers.methodNotAllowed(exchange, "GET", "/v1/ws takes GET with a WebSocket upgrade");
            return;
        }
        if (!hasToken(exchange.getRequestHeaders().get(Headers.UPGRADE), "websocket")
                || !hasToken(exchange.getRequestHeaders().get(Headers.CONNECTION), "upgrade")) {
            HttpAnswers.problem(exchange, EdgeProblems.notAWebSocketUpgrade());
            return;
        }
        if (!"13".equals(exchange.getRequestHeaders().getFirst(Headers.SEC_WEB_SOCKET_VERSION))) {
            exchange.getResponseHeaders().put(Headers.SEC_WEB_SOCKET_VERSION, "13");
            HttpAnswers.problem(exchange, EdgeProblems.unsupportedWebSocketVersion());
            return;
        }
        String key = exchange.getRequestHeaders().getFirst(Headers.SEC_WEB_SOCKET_KEY);
        if (!validKey(key)) {
            HttpAnswers.problem(exchange, EdgeProblems.invalidWebSocketKey());
            return;
        }
        if (!edge.auth().origins().allows(exchange.getRequestHeaders().getFirst(Headers.ORIGIN))) {
            AuthAnswers.originNotAllowed(exchange);
            return;
        }
        if (!edge.auth().required() || exchange.getRequestHeaders().contains(Headers.AUTHORIZATION)
                || exchange.getQueryParameters().containsKey(EdgeAuth.QUERY_PARAMETER)) {
            edge.auth().authenticated(exchange, false, grants -> upgrade(exchange, key, grants));
        } else {
            upgrade(exchange, key, null); // its first frame must authenticate
        }
    }

    /** Answers 101 and hands the connection to a {@link WsConnection} with {@code upgradeGrants} ({@code null}: none yet). */
    private void upgrade(HttpServerExchange exchange, String key, Grants upgradeGrants) {
        ConnectionLease lease = EdgeLimitAnswers.admit(exchange, edge.connectionLimits());
        if (lease == null) {
            return;
        }
        exchange.addExchangeCompleteListener((ex, next) -> {
            if (ex.getStatusCode() != 101) {
                lease.release(); // never upgraded: no connection holds it
            }
            next.proceed();
        });
        exchange.getResponseHeaders().put(SEC_WEBSOCKET_ACCEPT, WsFrames.acceptKey(key));
        exchange.upgradeChannel("websocket", (connection, ex) -> {
            WsConnection ws = new WsConnection(connection, edge, upgradeGrants, lease);
            ws.keepAlive(pingMs, idleMs);
            ws.start();
        });
        exchange.endExchange();
    }

    private static boolean hasToken(HeaderValues values, String token) {
        if (values == null) {
            return false;
        }
        for (String value : values) {
            for (String part : value.split(",")) {
                if (part.trim().toLowerCase(Locale.ROOT).equals(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean validKey(String key) {
        if (key == null) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key.trim()).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
