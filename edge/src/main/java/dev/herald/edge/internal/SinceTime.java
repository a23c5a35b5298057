package dev.herald.edge.internal;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import dev.herald.schemas.InvalidInputException;

/**
 * The time a subscriber resumes from ({@code since_time} on a WebSocket subscribe and an SSE
 * request, {@code since=<time>} on the history route): an RFC 3339 date-time with a zone offset,
 * {@code 2026-12-01T10:00:00Z} or {@code 2026-12-01T11:00:00.250+01:00}. A position never
 * contains {@code :} and a time always does, which is how the history route tells its two kinds
 * of {@code since} apart ({@link #looksLikeTime}).
 *
 * <p>Thread-safe; all methods are static.
 */
final class SinceTime {

    private SinceTime() {
    }

    /** Whether {@code since} is meant as a time rather than a position: it holds a {@code :}, which no position does. */
    static boolean looksLikeTime(String since) {
        return since.indexOf(':') >= 0;
    }

    /**
     * The instant {@code text} names.
     *
     * @param name the parameter it came in, for the message
     * @throws InvalidInputException when it is not an RFC 3339 date-time with an offset; the message says what to send
     */
    static Instant parse(String name, String text) {
        try {
            // an offset's '+' sent unencoded in a URL arrives as a space (form decoding); no RFC 3339 time holds a space
            return OffsetDateTime.parse(text.replace(' ', '+'), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(name + " '" + (text.length() > 64 ? text.substring(0, 64) + "..." : text)
                    + "' is not an RFC 3339 time with a zone offset, such as 2026-12-01T10:00:00Z");
        }
    }
}
