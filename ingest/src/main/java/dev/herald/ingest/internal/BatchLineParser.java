package dev.herald.ingest.internal;

import java.io.IOException;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.schemas.ChannelName;
import dev.herald.schemas.Event;
import dev.herald.schemas.EventId;
import dev.herald.schemas.InvalidInputException;

/**
 * Reads one NDJSON batch line:
 * <pre>{"channel":"c","id"?:"...","data":&lt;any JSON&gt;,"encoding"?:"base64","contentType"?:"...","type"?:"...","durability"?:"durable"|"ephemeral"}</pre>
 * {@code data} is stored as its JSON text ({@code application/json}) unless {@code encoding} is
 * {@code base64}, when it is a base64 string of the raw payload ({@code application/octet-stream}
 * unless {@code contentType} says otherwise). Unknown fields are refused so that a misspelt field
 * is not silently dropped. Stateless and thread-safe.
 */
final class BatchLineParser {

    private static final Set<String> FIELDS = Set.of("channel", "id", "data", "encoding", "contentType", "type", "durability");

    private final int maxPayloadBytes;

    BatchLineParser(int maxPayloadBytes) {
        this.maxPayloadBytes = maxPayloadBytes;
    }

    BatchLine parse(int number, byte[] body, int from, int to) {
        if (to == from) {
            return BatchLine.invalid(number, Problem.invalidBatchLine("line " + number + " is empty"));
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(body, from, to - from);
        } catch (IOException e) {
            return BatchLine.invalid(number, Problem.invalidBatchLine("line " + number + " is not JSON: " + firstLine(e.getMessage())));
        }
        if (node == null || !node.isObject()) {
            return BatchLine.invalid(number, Problem.invalidBatchLine("line " + number + " is not a JSON object"));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            String field = it.next().getKey();
            if (!FIELDS.contains(field)) {
                return BatchLine.invalid(number, Problem.invalidBatchLine("line " + number + " has an unknown field '" + field
                        + "'; known fields: channel, id, data, encoding, contentType, type, durability"));
            }
        }
        try {
            String channel = text(node, "channel", number, true);
            String violation = ChannelName.violation(channel);
            if (violation != null) {
                return BatchLine.invalid(number, Problem.invalidChannel("line " + number + ": " + violation));
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
                payload = Base64.getDecoder().decode(data.textValue());
                contentType = contentType != null ? contentType : "application/octet-stream";
            } else {
                throw new InvalidInputException("encoding must be 'base64' when given, was '" + encoding + "'");
            }
            if (payload.length > maxPayloadBytes) {
                return BatchLine.invalid(number, Problem.payloadTooLarge("line " + number + ": the payload is "
                        + payload.length + " bytes, over publish.max.body.bytes = " + maxPayloadBytes));
            }
            return new BatchLine(number, channel, id, type != null ? type : Event.DEFAULT_TYPE, contentType, payload,
                    "ephemeral".equals(durability), null);
        } catch (IllegalArgumentException | IOException e) {
            return BatchLine.invalid(number, Problem.invalidBatchLine("line " + number + ": " + e.getMessage()));
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
