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

    /** A query parameter of a stream that is not one of its values. */
    static Problem invalidQuery(String detail) {
        return new Problem("invalid-query", "Invalid query parameter", 400, detail);
    }

    static Problem invalidLimit(String detail) {
        return new Problem("invalid-limit", "Invalid limit", 400, detail);
    }

    /** A resume point of another epoch of the log (another topic, or another partition count). */
    static Problem epochMismatch(String detail) {
        return new Problem("epoch-mismatch", "Position of another log", 409, detail);
    }

    /** A resume point older than the log still holds (retention deleted what follows it). */
    static Problem offsetOutOfRange(String detail) {
        return new Problem("offset-out-of-range", "Position older than the log", 410, detail);
    }

    /** The history cannot be read now (the log is out of reach); retry. */
    static Problem historyUnavailable(String detail) {
        return new Problem("history-unavailable", "History unavailable", 503, detail, 1);
    }

    /** The resume workers' queue is full; retry. */
    static Problem resumeBusy(String detail) {
        return new Problem("resume-busy", "Too many reads waiting", 503, detail, 1);
    }

    /** The channel has no latest value (none yet, cleared, or no streams service keeps them). */
    static Problem noLatestValue(String detail) {
        return new Problem("no-latest-value", "No latest value", 404, detail);
    }

    /** The edge is still reading the latest values after its start; retry. */
    static Problem latestLoading(String detail) {
        return new Problem("latest-loading", "Latest values loading", 503, detail, 1);
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
