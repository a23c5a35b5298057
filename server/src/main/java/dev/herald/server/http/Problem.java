package dev.herald.server.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An RFC 9457 problem detail: what went wrong with a request, in a body of type
 * {@value #MEDIA_TYPE}. The {@code type} is {@code urn:herald:problem:<slug>}; slugs are stable
 * and listed in the OpenAPI document. {@link HttpAnswers#problem} sends one.
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
    /** What a problem's {@code type} starts with; its slug follows. */
    public static final String TYPE_PREFIX = "urn:herald:problem:";

    /** A problem with no {@code Retry-After}. */
    public Problem(String slug, String title, int status, String detail) {
        this(slug, title, status, detail, 0);
    }

    /** Nothing is routed at {@code path}. */
    public static Problem notFound(String path) {
        return new Problem("not-found", "Not found", 404, "no resource at " + path);
    }

    /**
     * The path exists but not for this method; the answer also needs an {@code Allow} header
     * ({@link HttpAnswers#methodNotAllowed} sends both).
     */
    public static Problem methodNotAllowed(String detail) {
        return new Problem("method-not-allowed", "Method not allowed", 405, detail);
    }

    /** The problem as an ordered map, ready for JSON: {@code type}, {@code title}, {@code status}, {@code detail}. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", TYPE_PREFIX + slug);
        m.put("title", title);
        m.put("status", status);
        m.put("detail", detail);
        return m;
    }
}
