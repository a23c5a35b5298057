package dev.herald.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class RecordMappingTest {

    private final Event event = new Event("id-1", "chat:room-1", "chat.message", "herald://ingest/a",
            Instant.parse("2026-11-21T10:15:30.123Z"), "application/json", "{\"a\":1}".getBytes(StandardCharsets.UTF_8));

    @Test
    void headersFollowTheCloudEventsKafkaBinaryMode() {
        List<HeaderField> headers = RecordMapping.headers(event);
        assertThat(headers).extracting(HeaderField::key)
                .containsExactly("ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "content-type");
        assertThat(new String(headers.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("1.0");
        assertThat(new String(headers.get(4).value(), StandardCharsets.UTF_8)).isEqualTo("2026-11-21T10:15:30.123Z");
        assertThat(new String(RecordMapping.key(event), StandardCharsets.UTF_8)).isEqualTo("chat:room-1");
    }

    @Test
    void anEventSurvivesTheTripThroughARecord() {
        Event back = RecordMapping.event(RecordMapping.key(event), event.payload(), RecordMapping.headers(event), 2, 77, 0L);
        assertThat(back).usingRecursiveComparison().isEqualTo(event);
    }

    @Test
    void aRecordFromAPlainProducerStillMapsToAnEvent() {
        Event plain = RecordMapping.event("sensors/1".getBytes(StandardCharsets.UTF_8), "21.5".getBytes(StandardCharsets.UTF_8),
                List.of(new HeaderField("trace", new byte[] {1})), 4, 900, 1_700_000_000_000L);
        assertThat(plain.id()).isEqualTo("kafka-4-900");
        assertThat(plain.channel()).isEqualTo("sensors/1");
        assertThat(plain.type()).isEqualTo(Event.DEFAULT_TYPE);
        assertThat(plain.source()).isEqualTo(RecordMapping.FOREIGN_SOURCE);
        assertThat(plain.time()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThat(plain.contentType()).isNull();
        assertThat(new String(plain.payload(), StandardCharsets.UTF_8)).isEqualTo("21.5");
    }

    @Test
    void aTombstoneReadsAsAnEmptyPayload() {
        Event empty = RecordMapping.event("c".getBytes(StandardCharsets.UTF_8), null, List.of(), 0, 1, 5L);
        assertThat(empty.payload()).isEmpty();
    }

    @Test
    void recordsWithoutAUsableKeyOrWithBadHeadersAreMalformed() {
        assertThatThrownBy(() -> RecordMapping.event(null, new byte[0], List.of(), 1, 2, 0))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("no key");
        assertThatThrownBy(() -> RecordMapping.event("/bad".getBytes(StandardCharsets.UTF_8), new byte[0], List.of(), 1, 3, 0))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("no channel");
        assertThatThrownBy(() -> RecordMapping.event("c".getBytes(StandardCharsets.UTF_8), new byte[0],
                List.of(new HeaderField("ce_time", "yesterday".getBytes(StandardCharsets.UTF_8))), 1, 4, 0))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("ce_time");
        assertThatThrownBy(() -> RecordMapping.event("c".getBytes(StandardCharsets.UTF_8), new byte[0],
                List.of(new HeaderField("ce_id", "has space".getBytes(StandardCharsets.UTF_8))), 1, 5, 0))
                .isInstanceOf(MalformedRecordException.class).hasMessageContaining("event id");
    }

    /** The hand-read ce_time gives what Instant.parse gives, for every instant as Herald writes it. */
    @Property
    void ceTimeAsHeraldWritesItReadsAsInstantParseReadsIt(@ForAll @LongRange(min = -62_167_219_200L, max = 253_402_300_799L) long second,
                                                          @ForAll @IntRange(min = 0, max = 999_999_999) int nanos) {
        Instant at = Instant.ofEpochSecond(second, nanos);
        assertThat(RecordMapping.parseTime(at.toString())).isEqualTo(at);
    }

    /** Any other form goes to Instant.parse, which reads it or fails as before: offsets, leap seconds, 24:00, lower case, bad dates. */
    @Test
    void ceTimeInAnyOtherFormReadsOrFailsAsInstantParseDoes() {
        for (String time : List.of("2026-12-01T15:06:14.5Z", "2026-12-01T15:06:14.123456789Z", "2024-02-29T00:00:00Z", "2026-12-01t15:06:14z",
                "2026-12-01T16:06:14+01:00", "2016-12-31T23:59:60Z", "2026-12-01T24:00:00Z", "2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
                "2026-12-01T15:06:14.Z", "2026-12-01T15:06:14.1234567891Z", "2026-12-01T15:6:14Z", "+12026-12-01T15:06:14Z", "yesterday")) {
            Object expected;
            try {
                expected = Instant.parse(time);
            } catch (DateTimeParseException e) {
                expected = DateTimeParseException.class;
            }
            Object actual;
            try {
                actual = RecordMapping.parseTime(time);
            } catch (DateTimeParseException e) {
                actual = DateTimeParseException.class;
            }
            assertThat(actual).as(time).isEqualTo(expected);
        }
    }
}
