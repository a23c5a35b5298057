package dev.herald.edge.internal;

import dev.herald.server.http.Problem;

/**
 * The problems the edge's HTTP endpoints answer with, beside those every service shares
 * ({@link Problem#notFound}...).
 */
final class EdgeProblems {

    private EdgeProblems() {
    }

    static Problem invalidChannel(String detail) {
        return new Problem("invalid-channel", "Invalid channel", 400, detail);
    }

    static Problem tooManyChannels(String detail) {
        return new Problem("too-many-subscriptions", "Too many channels", 400, detail);
    }

    static Problem invalidResumePoint(String detail) {
        return new Problem("invalid-position", "Invalid resume point", 400, detail);
    }

    static Problem notAWebSocketUpgrade() {
        return new Problem("not-a-websocket-upgrade", "Not a WebSocket upgrade", 400,
                "/v1/ws needs 'Upgrade: websocket' and 'Connection: Upgrade'");
    }

    /** Answered with {@code Sec-WebSocket-Version: 13}. */
    static Problem unsupportedWebSocketVersion() {
        return new Problem("unsupported-websocket-version", "Unsupported WebSocket version", 426,
                "this edge speaks WebSocket version 13 (RFC 6455)");
    }

    static Problem invalidWebSocketKey() {
        return new Problem("invalid-websocket-key", "Invalid WebSocket key", 400, "Sec-WebSocket-Key must be 16 bytes in base64");
    }
}
