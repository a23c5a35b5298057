package dev.herald.ingest.internal;

import dev.herald.server.http.Problem;

/** The problems ingest answers with, beside those every service shares ({@link Problem#notFound}...). */
final class IngestProblems {

    private IngestProblems() {
    }

    static Problem invalidChannel(String detail) {
        return new Problem("invalid-channel", "Invalid channel name", 400, detail);
    }

    static Problem invalidBody(String detail) {
        return new Problem("invalid-body", "Invalid request body", 400, detail);
    }

    static Problem invalidIdempotencyKey(String detail) {
        return new Problem("invalid-idempotency-key", "Invalid Idempotency-Key", 400, detail);
    }

    static Problem invalidBatchLine(String detail) {
        return new Problem("invalid-batch-line", "Invalid batch line", 400, detail);
    }

    static Problem payloadTooLarge(String detail) {
        return new Problem("payload-too-large", "Payload too large", 413, detail);
    }

    static Problem unsupportedMediaType(String detail) {
        return new Problem("unsupported-media-type", "Unsupported media type", 415, detail);
    }

    static Problem logUnavailable(String detail, int retryAfterSeconds) {
        return new Problem("log-unavailable", "Event log unavailable", 503, detail, retryAfterSeconds);
    }

    static Problem ephemeralUnavailable() {
        return new Problem("ephemeral-unavailable", "Ephemeral lane unavailable", 501,
                "this ingest has no ephemeral lane (set ephemeral.secret, the same on every ingest and edge); "
                        + "publish without durability=ephemeral");
    }

    static Problem ephemeralSendFailed() {
        return new Problem("ephemeral-send-failed", "Ephemeral send failed", 503,
                "the ephemeral lane's socket refused the datagram; nothing was sent", 1);
    }
}
