package dev.herald.ingest.internal;

import java.io.IOException;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import dev.herald.schemas.ChannelName;
import dev.herald.schemas.Event;
import dev.herald.schemas.EventId;
import dev.herald.schemas.InvalidInputException;

/**
 * Reads one NDJSON batch line:
 * <pre>{"channel":"c","id"?:"...","data":&lt;any JSON&gt;,"encoding"?:"base64","contentType"?:"...","type"?:"...","durability"?:"durable"|"ephemeral"}</pre>
 * {@code data} is stored as its JSON text ({@code application/json}) unless {@code encoding} is
 * {@code base64}, when it is a base64 string of the raw payload ({@code application/octet-stream}
 * unless {@code contentType} says otherwise). JSON text keeps each number's exact value (never
 * rounded through a {@code double}). A line is one JSON object in UTF-8 and nothing after it. Unknown
 * fields are refused so that a misspelt field is not silently dropped. Stateless and thread-safe.
 */
final class BatchLineParser {

    private static final Set<String> FIELDS = Set.of("channel", "id", "data", "encoding", "contentType", "type", "durability");
    /**
     * Fails on anything after the line's value (by default Jackson stops reading after it), and
     * reads numbers with a fraction or exponent as decimals kept as written, so that {@code 1e400}
     * is not written back as the string {@code "Infinity"} nor {@code 0.1000000000000000000001}
     * as {@code 0.1}.
     */
    private static final ObjectReader LINE_READER = Json.MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);

    private final int maxPayloadBytes;

    BatchLineParser(int maxPayloadBytes) {
        this.maxPayloadBytes = maxPayloadBytes;
    }

    BatchLine parse(int number, byte[] body, int from, int to) {
        if (to == from) {
            return BatchLine.invalid(number, IngestProblems.invalidBatchLine("line " + number + " is empty"));
        }
        if (!startsAsUtf8(body, from, to)) {
            return BatchLine.invalid(number, IngestProblems.invalidBatchLine("line " + number
                    + " is not JSON: a batch is UTF-8, and this line starts as UTF-16 or UTF-32 would"));
        }
        JsonNode node;
        try {
            node = LINE_READER.readTree(body, from, to - from);
        } catch (IOException | NumberFormatException e) { // the latter: an exponent past a decimal's, as in 1e2147483648
            return BatchLine.invalid(number,
                    IngestProblems.invalidBatchLine("line " + number + " is not JSON: " + firstLine(e.getMessage())));
        }
        if (node == null || !node.isObject()) {
            return BatchLine.invalid(number, IngestProblems.invalidBatchLine("line " + number + " is not a JSON object"));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            String field = it.next().getKey();
            if (!FIELDS.contains(field)) {
                return BatchLine.invalid(number, IngestProblems.invalidBatchLine("line " + number + " has an unknown field '" + field
                        + "'; known fields: channel, id, data, encoding, contentType, type, durability"));
            }
        }
        try {
            String channel = text(node, "channel", number, true);
            String violation = ChannelName.violation(channel);
            if (violation != null) {
                return BatchLine.invalid(number, IngestProblems.invalidChannel("line " + number + ": " + violation));
            }
            String id = text(node, "id", number, false);
            if (id != null) {
                EventId.requireValid(id);
            }
            String durability = text(node, "durability", number, false);
            if (durability != null && !durability.equals("durable") && !durability.equals("ephemeral")) {
                throw new InvalidInputException("durability must be 'durable' or 'ephemeral'");
            }
            String type = text(node, "type", number, false);
            String encoding = text(node, "encoding", number, false);
            String contentType = text(node, "contentType", number, false);
            JsonNode data = node.get("data");
            if (data == null) {
                throw new InvalidInputException("'data' is missing");
            }
            byte[] payload;
            if (encoding == null) {
                payload = Json.MAPPER.writeValueAsBytes(data);
                contentType = contentType != null ? contentType : "application/json";
            } else if (encoding.equals("base64")) {
                if (!data.isTextual()) {
                    throw new InvalidInputException("'data' must be a base64 string when encoding is base64");
                }
                payload = base64(data.textValue());
                contentType = contentType != null ? contentType : "application/octet-stream";
            } else {
                throw new InvalidInputException("encoding must be 'base64' when given, was '" + encoding + "'");
            }
            if (payload.length > maxPayloadBytes) {
                return BatchLine.invalid(number, IngestProblems.payloadTooLarge("line " + number + ": the payload is "
                        + payload.length + " bytes, over publish.max.body.bytes = " + maxPayloadBytes));
            }
            return new BatchLine(number, channel, id, type != null ? type : Event.DEFAULT_TYPE, contentType, payload,
                    "ephemeral".equals(durability), null);
        } catch (IllegalArgumentException | IOException e) {
            return BatchLine.invalid(number, IngestProblems.invalidBatchLine("line " + number + ": " + e.getMessage()));
        }
    }

    /**
     * Whether the line starts as UTF-8 JSON may: Jackson guesses a byte source's encoding from its
     * first 4 bytes and reads one with 0x00, 0xFE or 0xFF there (which UTF-8 JSON never has) as
     * UTF-16 or UTF-32.
     */
    private static boolean startsAsUtf8(byte[] body, int from, int to) {
        for (int i = from; i < Math.min(to, from + 4); i++) {
            int b = body[i] & 0xFF;
            if (b == 0x00 || b == 0xFE || b == 0xFF) {
                return false;
            }
        }
        return true;
    }

    private static byte[] base64(String data) {
        try {
            return Base64.getDecoder().decode(data);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("'data' is not base64: " + e.getMessage());
        }
    }

    private static String text(JsonNode node, String field, int number, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new InvalidInputException("'" + field + "' is missing");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidInputException("'" + field + "' must be a string");
        }
        return value.textValue();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
