package dev.herald.schemas;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps events to Kafka records and back, following the CloudEvents Kafka protocol binding in
 * binary content mode: the record key is the channel name (UTF-8), the value is the payload
 * exactly as published, and the event's attributes travel as {@code ce_*} headers with
 * {@code content-type} for the payload's media type.
 *
 * <p>A record written by any other producer, with no {@code ce_} headers, still maps to an event:
 * its id comes from its partition and offset ({@link EventId#forRecord}), its time from the
 * record timestamp, its type is {@link Event#DEFAULT_TYPE} and its source {@link #FOREIGN_SOURCE}.
 *
 * <p>Thread-safe; all methods are static.
 */
public final class RecordMapping {

    public static final String SPECVERSION = "ce_specversion";
    public static final String ID = "ce_id";
    public static final String SOURCE = "ce_source";
    public static final String TYPE = "ce_type";
    public static final String TIME = "ce_time";
    public static final String CONTENT_TYPE = "content-type";

    /** The CloudEvents spec version Herald writes. */
    public static final String SPEC_VERSION_1_0 = "1.0";

    /** The source given to records that name none. */
    public static final String FOREIGN_SOURCE = "herald:foreign-producer";

    private static final byte[] SPEC_VERSION_BYTES = SPEC_VERSION_1_0.getBytes(StandardCharsets.UTF_8);

    private RecordMapping() {
    }

    /** The record key for {@code event}: its channel name in UTF-8. */
    public static byte[] key(Event event) {
        return event.channel().getBytes(StandardCharsets.UTF_8);
    }

    /** The record headers for {@code event}, in a stable order. */
    public static List<HeaderField> headers(Event event) {
        List<HeaderField> headers = new ArrayList<>(6);
        headers.add(new HeaderField(SPECVERSION, SPEC_VERSION_BYTES));
        headers.add(new HeaderField(ID, utf8(event.id())));
        headers.add(new HeaderField(SOURCE, utf8(event.source())));
        headers.add(new HeaderField(TYPE, utf8(event.type())));
        headers.add(new HeaderField(TIME, utf8(event.time().toString())));
        if (event.contentType() != null) {
            headers.add(new HeaderField(CONTENT_TYPE, utf8(event.contentType())));
        }
        return headers;
    }

    /**
     * The event a record carries.
     *
     * @param key         the record key; must be a valid channel name in UTF-8
     * @param value       the record value; {@code null} (a tombstone) reads as an empty payload
     * @param headers     the record headers, any order; unknown ones are ignored
     * @param partition   the record's partition
     * @param offset      the record's offset
     * @param timestampMs the record's timestamp, used when there is no {@code ce_time}
     * @throws MalformedRecordException if the key is missing or not a channel name, or a
     *                                  {@code ce_} header cannot be read
     */
    public static Event event(byte[] key, byte[] value, Iterable<HeaderField> headers,
                              int partition, long offset, long timestampMs) {
        if (key == null) {
            throw new MalformedRecordException("record at " + partition + "/" + offset + " has no key (channel)");
        }
        String channel = new String(key, StandardCharsets.UTF_8);
        String violation = ChannelName.violation(channel);
        if (violation != null) {
            throw new MalformedRecordException("record at " + partition + "/" + offset + " has a key that is no channel: " + violation);
        }
        String id = null;
        String source = null;
        String type = null;
        String time = null;
        String contentType = null;
        for (HeaderField h : headers) {
            switch (h.key()) {
                case ID -> id = text(h);
                case SOURCE -> source = text(h);
                case TYPE -> type = text(h);
                case TIME -> time = text(h);
                case CONTENT_TYPE -> contentType = text(h);
                default -> { }
            }
        }
        if (id != null) {
            try {
                EventId.requireValid(id);
            } catch (InvalidInputException e) {
                throw new MalformedRecordException("record at " + partition + "/" + offset + ": " + e.getMessage());
            }
        }
        Instant at;
        try {
            at = time != null ? Instant.parse(time) : Instant.ofEpochMilli(timestampMs);
        } catch (DateTimeParseException e) {
            throw new MalformedRecordException("record at " + partition + "/" + offset + " has an unreadable ce_time");
        }
        return new Event(
                id != null ? id : EventId.forRecord(partition, offset),
                channel,
                type != null ? type : Event.DEFAULT_TYPE,
                source != null ? source : FOREIGN_SOURCE,
                at,
                contentType,
                value != null ? value : new byte[0]);
    }

    private static String text(HeaderField h) {
        return h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
