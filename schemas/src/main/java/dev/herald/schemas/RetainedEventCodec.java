package dev.herald.schemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Encodes the value of a {@code herald.latest} record: one channel's {@link RetainedEvent}. The
 * record's key is the channel name in UTF-8, as in the log; a tombstone (no value) means the
 * channel has no latest value (it was cleared, or never had one).
 *
 * <pre>
 * Layout (version 1), big-endian:
 *
 *   0      1            5                 5+n
 *   +------+------------+-----------------+----------------------+
 *   | 0x01 | n (4)      | envelope (n)    | payload (the rest)   |
 *   +------+------------+-----------------+----------------------+
 *
 * envelope: a UTF-8 JSON object, every field but contentType required:
 *   {"channel":"chat:room-1","id":"...","type":"herald.event","source":"herald://ingest/a",
 *    "time":"2026-11-21T10:15:30.123Z","contentType":"application/json",
 *    "topicId":"5f0c...","partitions":6,"partition":2,"offset":77}
 * payload: the event's payload, byte for byte as published
 * </pre>
 *
 * Why this shape: the payload stays raw, so a retained event is as large as its log record plus a
 * few hundred bytes (base64 or a JSON string would make a 1 MiB payload too large for a topic that
 * takes the log's records); the envelope is JSON, so it can gain fields without a new version
 * (readers ignore fields they do not know) and an operator can read it with any Kafka consumer.
 * {@code time} is the event's time to the nanosecond (ISO-8601), so an event survives the trip
 * unchanged. {@code topicId} and {@code partitions} are the log's {@link Epoch} when the event was
 * read: an edge builds the event's {@link Position} from them and refuses to continue from one of
 * another epoch. The version byte lets later layouts coexist.
 *
 * <p>Thread-safe; all methods are static.
 */
public final class RetainedEventCodec {

    static final byte VERSION = 1;
    private static final int HEAD = 5;

    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final ObjectMapper MAPPER = new ObjectMapper(JSON);

    private RetainedEventCodec() {
    }

    /** The record value of {@code retained}. */
    public static byte[] encode(RetainedEvent retained) {
        Event e = retained.event();
        Position p = retained.position();
        ByteArrayOutputStream envelope = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(envelope)) {
            g.writeStartObject();
            g.writeStringField("channel", e.channel());
            g.writeStringField("id", e.id());
            g.writeStringField("type", e.type());
            g.writeStringField("source", e.source());
            g.writeStringField("time", e.time().toString());
            if (e.contentType() != null) {
                g.writeStringField("contentType", e.contentType());
            }
            g.writeStringField("topicId", p.epoch().topicId().toString());
            g.writeNumberField("partitions", p.epoch().partitionCount());
            g.writeNumberField("partition", p.partition());
            g.writeNumberField("offset", p.offset());
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException("encoding a retained event's envelope in memory failed", ex);
        }
        byte[] head = envelope.toByteArray();
        ByteBuffer out = ByteBuffer.allocate(HEAD + head.length + e.payload().length);
        out.put(VERSION).putInt(head.length).put(head).put(e.payload());
        return out.array();
    }

    /**
     * Decodes a value made by {@link #encode}.
     *
     * @throws MalformedRecordException if {@code value} is not such a value; the message says what is wrong
     */
    public static RetainedEvent decode(byte[] value) {
        if (value == null || value.length == 0) {
            throw new MalformedRecordException("retained event is empty (a tombstone means the channel has no latest value)");
        }
        if (value[0] != VERSION) {
            throw new MalformedRecordException("retained event has unknown version " + value[0] + "; this reader knows " + VERSION);
        }
        if (value.length < HEAD) {
            throw new MalformedRecordException("retained event is " + value.length + " bytes, shorter than its " + HEAD + "-byte head");
        }
        int n = ByteBuffer.wrap(value, 1, 4).getInt();
        if (n < 2 || n > value.length - HEAD) {
            throw new MalformedRecordException("retained event's envelope length " + n + " does not fit its " + value.length + " bytes");
        }
        JsonNode envelope;
        try {
            envelope = MAPPER.readTree(value, HEAD, n);
        } catch (IOException ex) {
            throw new MalformedRecordException("retained event's envelope is not JSON: " + (ex instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : ex.getMessage()));
        }
        if (envelope == null || !envelope.isObject()) {
            throw new MalformedRecordException("retained event's envelope is not a JSON object");
        }
        try {
            String channel = text(envelope, "channel");
            String violation = ChannelName.violation(channel);
            if (violation != null) {
                throw new MalformedRecordException("retained event's channel is no channel name: " + violation);
            }
            String id = EventId.requireValid(text(envelope, "id"));
            Instant time = Instant.parse(text(envelope, "time"));
            JsonNode contentType = envelope.get("contentType");
            if (contentType != null && !contentType.isTextual()) {
                throw new MalformedRecordException("retained event's contentType is not a string");
            }
            Epoch epoch = new Epoch(UUID.fromString(text(envelope, "topicId")), intNumber(envelope, "partitions"));
            Position position = new Position(epoch, intNumber(envelope, "partition"), number(envelope, "offset"));
            Event event = new Event(id, channel, text(envelope, "type"), text(envelope, "source"), time,
                    contentType == null ? null : contentType.textValue(), Arrays.copyOfRange(value, HEAD + n, value.length));
            return new RetainedEvent(event, position);
        } catch (DateTimeParseException | IllegalArgumentException ex) {
            throw new MalformedRecordException("retained event's envelope has a bad field: " + ex.getMessage());
        }
    }

    private static String text(JsonNode envelope, String field) {
        JsonNode node = envelope.get(field);
        if (node == null || !node.isTextual()) {
            throw new MalformedRecordException("retained event's envelope has no string field '" + field + "'");
        }
        return node.textValue();
    }

    private static int intNumber(JsonNode envelope, String field) {
        long n = number(envelope, field);
        if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
            throw new MalformedRecordException("retained event's " + field + " " + n + " is out of range");
        }
        return (int) n;
    }

    private static long number(JsonNode envelope, String field) {
        JsonNode node = envelope.get(field);
        if (node == null || !node.canConvertToExactIntegral() || !node.canConvertToLong()) {
            throw new MalformedRecordException("retained event's envelope has no integer field '" + field + "'");
        }
        return node.longValue();
    }
}
