package dev.herald.ingest.internal;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.herald.server.auth.InvalidTokenException;

/**
 * An RFC 9457 problem detail: what went wrong with a request, in a body of type
 * {@code application/problem+json}. The {@code type} is {@code urn:herald:problem:<slug>}; slugs
 * are stable and listed in the OpenAPI document.
 *
 * @param slug              the stable name of the problem, e.g. {@code invalid-channel}
 * @param title             a short summary that does not vary between occurrences
 * @param status            the HTTP status code
 * @param detail            what was wrong with this request
 * @param retryAfterSeconds seconds for a {@code Retry-After} header, or 0 for none
 */
public record Problem(String slug, String title, int status, String detail, int retryAfterSeconds) {

    /** The media type of a problem body. */
    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem invalidChannel(String detail) {
        return new Problem("invalid-channel", "Invalid channel name", 400, detail, 0);
    }

    public static Problem invalidBody(String detail) {
        return new Problem("invalid-body", "Invalid request body", 400, detail, 0);
    }

    public static Problem invalidIdempotencyKey(String detail) {
        return new Problem("invalid-idempotency-key", "Invalid Idempotency-Key", 400, detail, 0);
    }

    public static Problem invalidBatchLine(String detail) {
        return new Problem("invalid-batch-line", "Invalid batch line", 400, detail, 0);
    }

    public static Problem payloadTooLarge(String detail) {
        return new Problem("payload-too-large", "Payload too large", 413, detail, 0);
    }

    public static Problem unsupportedMediaType(String detail) {
        return new Problem("unsupported-media-type", "Unsupported media type", 415, detail, 0);
    }

    public static Problem logUnavailable(String detail, int retryAfterSeconds) {
        return new Problem("log-unavailable", "Event log unavailable", 503, detail, retryAfterSeconds);
    }

    public static Problem notFound(String path) {
        return new Problem("not-found", "Not found", 404, "no resource at " + path, 0);
    }

    public static Problem methodNotAllowed(String method, String path) {
        return new Problem("method-not-allowed", "Method not allowed", 405, method + " is not allowed on " + path, 0);
    }

    public static Problem ephemeralUnavailable() {
        return new Problem("ephemeral-unavailable", "Ephemeral lane unavailable", 501,
                "this ingest has no ephemeral lane (set ephemeral.secret, the same on every ingest and edge); "
                        + "publish without durability=ephemeral", 0);
    }

    public static Problem ephemeralSendFailed() {
        return new Problem("ephemeral-send-failed", "Ephemeral send failed", 503,
                "the ephemeral lane's socket refused the datagram; nothing was sent", 1);
    }

    /** A token missing (401 {@code missing-token}), refused (401 {@code invalid-token}) or not checkable now (503). */
    public static Problem ofToken(InvalidTokenException e) {
        return switch (e.problem()) {
            case MISSING -> new Problem("missing-token", "Token required", 401,
                    "a token is required: send 'Authorization: Bearer <token>'", 0);
            case KEYS_UNAVAILABLE -> new Problem("keys-unavailable", "Token keys unavailable", 503, e.getMessage(), 5);
            default -> new Problem("invalid-token", "Invalid token", 401, e.getMessage(), 0);
        };
    }

    public static Problem forbidden(String detail) {
        return new Problem("forbidden", "Forbidden", 403, detail, 0);
    }

    public static Problem originNotAllowed(String origin) {
        return new Problem("origin-not-allowed", "Origin not allowed", 403,
                "pages from " + origin + " may not publish here (see http.allowed.origins)", 0);
    }

    /** The problem as an ordered map, ready for JSON. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "urn:herald:problem:" + slug);
        m.put("title", title);
        m.put("status", status);
        m.put("detail", detail);
        return m;
    }
}
