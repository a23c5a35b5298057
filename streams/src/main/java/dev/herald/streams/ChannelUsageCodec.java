package dev.herald.streams;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The value of a {@code herald.stats} record, UTF-8 JSON:
 *
 * <pre>{"channel":"chat:room-1","windowStart":"2026-12-01T10:15:00Z","windowEnd":"2026-12-01T10:16:00Z","events":42,"bytes":43008}</pre>
 *
 * The record's key is the channel name in UTF-8. Readers ignore fields they do not know.
 * Thread-safe; all methods are static.
 */
public final class ChannelUsageCodec {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ChannelUsageCodec() {
    }

    /** The record value of {@code usage}. */
    public static byte[] encode(ChannelUsage usage) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("channel", usage.channel());
        fields.put("windowStart", usage.windowStart().toString());
        fields.put("windowEnd", usage.windowEnd().toString());
        fields.put("events", usage.events());
        fields.put("bytes", usage.bytes());
        try {
            return JSON.writeValueAsBytes(fields);
        } catch (IOException e) {
            throw new UncheckedIOException("writing a usage record in memory failed", e);
        }
    }

    /**
     * Decodes a value made by {@link #encode}.
     *
     * @throws IllegalArgumentException if it is not one; the message says what is wrong
     */
    public static ChannelUsage decode(byte[] value) {
        JsonNode node;
        try {
            node = JSON.readTree(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("usage record is not JSON: " + e.getMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("usage record is not a JSON object");
        }
        try {
            return new ChannelUsage(text(node, "channel"), Instant.parse(text(node, "windowStart")), Instant.parse(text(node, "windowEnd")),
                    number(node, "events"), number(node, "bytes"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("usage record has an unreadable time: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("usage record has no string field '" + field + "'");
        }
        return v.textValue();
    }

    private static long number(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException("usage record has no integer field '" + field + "'");
        }
        return v.longValue();
    }
}
