package dev.herald.edge.internal;

import java.util.Base64;
import java.util.Locale;

import dev.herald.server.auth.Grants;
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
        if (exchange.isInIoThread() && edge.auth().verifyWorkers() != null
                && exchange.getRequestHeaders().contains(Headers.AUTHORIZATION)) {
            exchange.dispatch(edge.auth().verifyWorkers(), this); // verifying may fetch keys: not on an I/O thread
            return;
        }
        if (!exchange.getRequestMethod().equals(Methods.GET)) {
            exchange.getResponseHeaders().put(Headers.ALLOW, "GET");
            HttpProblems.send(exchange, 405, "method-not-allowed", "Method not allowed", "/v1/ws takes GET with a WebSocket upgrade");
            return;
        }
        if (!hasToken(exchange.getRequestHeaders().get(Headers.UPGRADE), "websocket")
                || !hasToken(exchange.getRequestHeaders().get(Headers.CONNECTION), "upgrade")) {
            HttpProblems.send(exchange, 400, "not-a-websocket-upgrade", "Not a WebSocket upgrade",
                    "/v1/ws needs 'Upgrade: websocket' and 'Connection: Upgrade'");
            return;
        }
        if (!"13".equals(exchange.getRequestHeaders().getFirst(Headers.SEC_WEB_SOCKET_VERSION))) {
            exchange.getResponseHeaders().put(Headers.SEC_WEB_SOCKET_VERSION, "13");
            HttpProblems.send(exchange, 426, "unsupported-websocket-version", "Unsupported WebSocket version",
                    "this edge speaks WebSocket version 13 (RFC 6455)");
            return;
        }
        String key = exchange.getRequestHeaders().getFirst(Headers.SEC_WEB_SOCKET_KEY);
        if (!validKey(key)) {
            HttpProblems.send(exchange, 400, "invalid-websocket-key", "Invalid WebSocket key",
                    "Sec-WebSocket-Key must be 16 bytes in base64");
            return;
        }
        if (!edge.auth().origins().allows(exchange.getRequestHeaders().getFirst(Headers.ORIGIN))) {
            EdgeAuth.originNotAllowed(exchange);
            return;
        }
        Grants grants = null;
        if (!edge.auth().required() || exchange.getRequestHeaders().contains(Headers.AUTHORIZATION)
                || exchange.getQueryParameters().containsKey(EdgeAuth.QUERY_PARAMETER)) {
            grants = edge.auth().authenticateOrAnswer(exchange, false);
            if (grants == null) {
                return;
            }
        }
        Grants upgradeGrants = grants;
        exchange.getResponseHeaders().put(SEC_WEBSOCKET_ACCEPT, WsFrames.acceptKey(key));
        exchange.upgradeChannel("websocket", (connection, ex) -> {
            WsConnection ws = new WsConnection(connection, edge, upgradeGrants);
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
