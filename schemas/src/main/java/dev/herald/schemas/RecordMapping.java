package dev.herald.schemas;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.Year;
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
            at = time != null ? parseTime(time) : Instant.ofEpochMilli(timestampMs);
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

    /**
     * {@code ce_time} as {@link Instant#parse} reads it. The form Herald writes
     * ({@link Instant#toString}: {@code 2026-12-01T15:06:14.123Z}, UTC, up to nine digits of
     * fraction) is read by hand, as every record needs it and {@code DateTimeFormatter} costs
     * more than the rest of the record's mapping; any other form (an offset, a leap second, a
     * lower-case letter) goes to {@link Instant#parse}, as does a field out of its range, so both
     * paths give the same instant or the same failure.
     *
     * @throws DateTimeParseException if it is no ISO-8601 instant
     */
    static Instant parseTime(String time) {
        int n = time.length();
        if (n < 20 || n > 30 || time.charAt(4) != '-' || time.charAt(7) != '-' || time.charAt(10) != 'T' || time.charAt(13) != ':'
                || time.charAt(16) != ':' || time.charAt(n - 1) != 'Z' || (n > 20 && (time.charAt(19) != '.' || n == 21))) {
            return Instant.parse(time);
        }
        int year = digits(time, 0, 4);
        int month = digits(time, 5, 2);
        int day = digits(time, 8, 2);
        int hour = digits(time, 11, 2);
        int minute = digits(time, 14, 2);
        int second = digits(time, 17, 2);
        int fractionDigits = n > 20 ? n - 21 : 0;
        int fraction = fractionDigits > 0 ? digits(time, 20, fractionDigits) : 0;
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > Month.of(month).length(Year.isLeap(year)) || hour < 0
                || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || fraction < 0) {
            return Instant.parse(time);
        }
        for (int i = fractionDigits; i < 9; i++) {
            fraction *= 10; // nanoseconds
        }
        long seconds = LocalDate.of(year, month, day).toEpochDay() * 86_400 + hour * 3_600L + minute * 60L + second;
        return Instant.ofEpochSecond(seconds, fraction);
    }

    /** The decimal number in {@code count} ASCII digits of {@code s} from {@code from}, or -1 if one is no digit. */
    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static String text(HeaderField h) {
        return h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
