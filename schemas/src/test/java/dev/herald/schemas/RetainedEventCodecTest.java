package dev.herald.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class RetainedEventCodecTest {

    private static final Epoch EPOCH = new Epoch(UUID.fromString("5f0c8a52-7c1e-4d6a-9a57-0e2f3c4b5a69"), 6);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Event event = new Event("id-1", "chat:room-1", "chat.message", "herald://ingest/a",
            Instant.parse("2026-11-21T10:15:30.123456789Z"), "application/json", "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
    private final RetainedEvent retained = new RetainedEvent(event, new Position(EPOCH, 2, 77));

    @Test
    void aRetainedEventSurvivesTheTripUnchanged() {
        RetainedEvent back = RetainedEventCodec.decode(RetainedEventCodec.encode(retained));
        assertThat(back.event()).usingRecursiveComparison().isEqualTo(event);
        assertThat(back.position()).isEqualTo(new Position(EPOCH, 2, 77));
    }

    @Test
    void theValueIsAVersionByteALengthAJsonEnvelopeAndThePayloadAsPublished() throws Exception {
        byte[] value = RetainedEventCodec.encode(retained);
        int n = ByteBuffer.wrap(value, 1, 4).getInt();
        JsonNode envelope = JSON.readTree(Arrays.copyOfRange(value, 5, 5 + n));

        assertThat(value[0]).isEqualTo((byte) 1);
        assertThat(envelope.get("channel").asText()).isEqualTo("chat:room-1");
        assertThat(envelope.get("id").asText()).isEqualTo("id-1");
        assertThat(envelope.get("time").asText()).isEqualTo("2026-11-21T10:15:30.123456789Z");
        assertThat(envelope.get("contentType").asText()).isEqualTo("application/json");
        assertThat(envelope.get("topicId").asText()).isEqualTo(EPOCH.topicId().toString());
        assertThat(envelope.get("partitions").asInt()).isEqualTo(6);
        assertThat(envelope.get("partition").asInt()).isEqualTo(2);
        assertThat(envelope.get("offset").asLong()).isEqualTo(77);
        assertThat(Arrays.copyOfRange(value, 5 + n, value.length)).isEqualTo(event.payload());
    }

    @Test
    void anEdgeBuildsTheEventFrameAndPositionFromIt() {
        RetainedEvent back = RetainedEventCodec.decode(RetainedEventCodec.encode(retained));
        String position = PositionCodec.encode(back.position());

        assertThat(PositionCodec.decode(position)).isEqualTo(new Position(EPOCH, 2, 77));
        assertThat(new String(FrameCodec.eventFrame(back.event(), position), StandardCharsets.UTF_8))
                .isEqualTo(new String(FrameCodec.eventFrame(event, position), StandardCharsets.UTF_8));
    }

    @Test
    void binaryAndEmptyPayloadsAndNoContentTypeKeepTheirBytes() {
        byte[] binary = {0, (byte) 0xff, 0x7b, 1, 0};
        Event plain = new Event("kafka-3-9", "sensors/1", Event.DEFAULT_TYPE, RecordMapping.FOREIGN_SOURCE, Instant.ofEpochMilli(5),
                null, binary);
        Event empty = new Event("e", "c", Event.DEFAULT_TYPE, "s", Instant.EPOCH, "text/plain", new byte[0]);

        for (Event e : new Event[] {plain, empty}) {
            RetainedEvent back = RetainedEventCodec.decode(RetainedEventCodec.encode(new RetainedEvent(e, new Position(EPOCH, 3, 9))));
            assertThat(back.event()).usingRecursiveComparison().isEqualTo(e);
        }
    }

    @Test
    void unknownEnvelopeFieldsAreIgnoredSoThatTheFormatCanGrow() {
        String envelope = "{\"channel\":\"c\",\"id\":\"i\",\"type\":\"t\",\"source\":\"s\",\"time\":\"1970-01-01T00:00:00Z\","
                + "\"topicId\":\"" + EPOCH.topicId() + "\",\"partitions\":6,\"partition\":1,\"offset\":0,\"later\":{\"x\":[1]}}";
        RetainedEvent back = RetainedEventCodec.decode(value(envelope, "p"));
        assertThat(back.event().channel()).isEqualTo("c");
        assertThat(back.event().contentType()).isNull();
        assertThat(back.position()).isEqualTo(new Position(EPOCH, 1, 0));
    }

    @Test
    void aBadValueFailsWithAMessageThatSaysWhatIsWrong() {
        byte[] good = RetainedEventCodec.encode(retained);
        assertThatThrownBy(() -> RetainedEventCodec.decode(null)).isInstanceOf(MalformedRecordException.class).hasMessageContaining("tombstone");
        assertThatThrownBy(() -> RetainedEventCodec.decode(new byte[] {2, 0, 0, 0, 0})).isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("unknown version 2");
        assertThatThrownBy(() -> RetainedEventCodec.decode(new byte[] {1, 0})).isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("shorter than");
        assertThatThrownBy(() -> RetainedEventCodec.decode(Arrays.copyOf(good, 40))).isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("envelope length");
        assertThatThrownBy(() -> RetainedEventCodec.decode(value("[1,2]", ""))).isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> RetainedEventCodec.decode(value("{\"channel\":\"c\"}", ""))).isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("'id'");
        String badChannel = "{\"channel\":\"/x\",\"id\":\"i\",\"type\":\"t\",\"source\":\"s\",\"time\":\"1970-01-01T00:00:00Z\","
                + "\"topicId\":\"" + EPOCH.topicId() + "\",\"partitions\":6,\"partition\":1,\"offset\":0}";
        assertThatThrownBy(() -> RetainedEventCodec.decode(value(badChannel, ""))).isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("no channel name");
        String badPartition = badChannel.replace("/x", "c").replace("\"partition\":1", "\"partition\":6");
        assertThatThrownBy(() -> RetainedEventCodec.decode(value(badPartition, ""))).isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("partition must be 0..5");
        String badTime = badChannel.replace("/x", "c").replace("1970-01-01T00:00:00Z", "yesterday");
        assertThatThrownBy(() -> RetainedEventCodec.decode(value(badTime, ""))).isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("bad field");
    }

    @Test
    void aRetainedEventIsARecordOfTheLogNotAPointBeforeIt() {
        assertThatThrownBy(() -> new RetainedEvent(event, new Position(EPOCH, 0, -1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset must be >= 0");
    }

    private static byte[] value(String envelope, String payload) {
        byte[] head = envelope.getBytes(StandardCharsets.UTF_8);
        byte[] body = payload.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(5 + head.length + body.length).put((byte) 1).putInt(head.length).put(head).put(body).array();
    }
}
