package dev.herald.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant TIME = Instant.ofEpochMilli(1_763_720_000_000L);
    private final String position = PositionCodec.encode(new Position(new Epoch(UUID.randomUUID(), 6), 1, 10));

    @Test
    void jsonPayloadsAreInlined() throws Exception {
        JsonNode frame = frame("application/json", "{\"text\":\"hi \\\"there\\\"\",\"n\":[1,2]}", position);
        assertThat(frame.get("op").asText()).isEqualTo("event");
        assertThat(frame.get("channel").asText()).isEqualTo("room");
        assertThat(frame.get("id").asText()).isEqualTo("e1");
        assertThat(frame.get("position").asText()).isEqualTo(position);
        assertThat(frame.get("ts").asLong()).isEqualTo(TIME.toEpochMilli());
        assertThat(frame.get("data").get("text").asText()).isEqualTo("hi \"there\"");
        assertThat(frame.has("encoding")).isFalse();
    }

    /** A content type names JSON when it holds "json" anywhere, in any case; no content type at all leaves it to the bytes. */
    @Test
    void aContentTypeNamesJsonWhereverItSaysJsonInAnyCase() {
        byte[] json = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        for (String type : List.of("application/json", "Application/JSON; charset=utf-8", "application/cloudevents+json", "text/x-jSoN")) {
            assertThat(FrameCodec.isInlineJson(type, json)).as(type).isTrue();
        }
        assertThat(FrameCodec.isInlineJson(null, json)).isTrue();
        for (String type : List.of("text/plain", "application/jso", "application/octet-stream", "j", "")) {
            assertThat(FrameCodec.isInlineJson(type, json)).as(type).isFalse();
        }
    }

    @Test
    void payloadsThatAreNotJsonGoAsBase64() throws Exception {
        JsonNode text = frame("text/plain", "{\"looks\":\"like json\"}", position);
        assertThat(text.get("encoding").asText()).isEqualTo("base64");
        assertThat(new String(Base64.getDecoder().decode(text.get("data").asText()), StandardCharsets.UTF_8))
                .isEqualTo("{\"looks\":\"like json\"}");

        JsonNode broken = frame("application/json", "{\"unterminated\":", position);
        assertThat(broken.get("encoding").asText()).isEqualTo("base64");

        JsonNode twoValues = frame(null, "1 2", position);
        assertThat(twoValues.get("encoding").asText()).isEqualTo("base64");
    }

    @Test
    void ephemeralFramesCarryNoPosition() throws Exception {
        JsonNode frame = frame(null, "true", null);
        assertThat(frame.has("position")).isFalse();
        assertThat(frame.get("durability").asText()).isEqualTo("ephemeral");
        assertThat(frame.get("data").asBoolean()).isTrue();
    }

    @Test
    void onlyAReplayedFrameCarriesReplayedTrue() throws Exception {
        Event e = new Event("e1", "room", Event.DEFAULT_TYPE, "s", TIME, "application/json", "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
        JsonNode replayed = MAPPER.readTree(FrameCodec.eventFrame(e, position, true));
        assertThat(replayed.get("replayed").asBoolean()).isTrue();
        assertThat(replayed.get("position").asText()).isEqualTo(position);
        assertThat(replayed.get("id").asText()).isEqualTo("e1");
        assertThat(MAPPER.readTree(FrameCodec.eventFrame(e, position)).has("replayed")).isFalse();
    }

    @Test
    void aRetainedFrameIsTheLiveFrameWithRetainedTrueAfterItsPosition() throws Exception {
        Event e = new Event("e1", "room", Event.DEFAULT_TYPE, "s", TIME, "application/json", "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
        String retained = new String(FrameCodec.retainedFrame(e, position), StandardCharsets.UTF_8);
        String live = new String(FrameCodec.eventFrame(e, position), StandardCharsets.UTF_8);

        assertThat(retained).isEqualTo(live.replace("\"position\":\"" + position + "\",",
                "\"position\":\"" + position + "\",\"retained\":true,"));
        assertThat(MAPPER.readTree(FrameCodec.eventFrame(e, position, true)).has("retained")).isFalse();
        assertThatThrownBy(() -> FrameCodec.retainedFrame(e, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("room");
    }

    @Test
    void malformedUtf8InsideAJsonStringIsNotInlined() {
        byte[] bad = {'"', (byte) 0xC3, (byte) 0x28, '"'};
        assertThat(FrameCodec.isSingleJsonValue(bad)).isFalse();
    }

    @Test
    void aPayloadWithAControlCharacterOutsideAStringIsNotInlined() {
        assertThat(FrameCodec.isSingleJsonValue(new byte[] {'8', 0})).isFalse();
        assertThat(FrameCodec.isSingleJsonValue(new byte[] {0, '0'})).isFalse();
        assertThat(FrameCodec.isSingleJsonValue(new byte[] {'[', 1, ']'})).isFalse();
        assertThat(FrameCodec.isSingleJsonValue(" {\"a\":\t1}\r\n".getBytes(StandardCharsets.UTF_8))).isTrue();
    }

    @Property
    void everyFrameIsWellFormedJsonWhateverThePayload(@ForAll byte[] payload, @ForAll boolean json) throws Exception {
        Event e = new Event("e1", "room", Event.DEFAULT_TYPE, "s", TIME, json ? "application/json" : null, payload);
        JsonNode frame = MAPPER.readTree(FrameCodec.eventFrame(e, position));
        if (frame.has("encoding")) {
            assertThat(Base64.getDecoder().decode(frame.get("data").asText())).isEqualTo(payload);
        } else {
            assertThat(MAPPER.readTree(payload)).isEqualTo(frame.get("data"));
        }
    }

    /** An inlined payload is copied into its frame as it is: the frame ends with {@code "data":}, its exact bytes, and {@code }}. */
    @Property
    void anInlinedPayloadIsCopiedIntoItsFrameByteForByte(@ForAll String text, @ForAll boolean padded) throws Exception {
        byte[] json = MAPPER.writeValueAsBytes(java.util.Map.of("text", text, "n", List.of(1, 2.5, true)));
        byte[] payload = padded ? concat(" \r\n\t".getBytes(StandardCharsets.US_ASCII), json, "\n".getBytes(StandardCharsets.US_ASCII)) : json;
        byte[] frame = FrameCodec.eventFrame(new Event("e1", "room", Event.DEFAULT_TYPE, "s", TIME, "application/json", payload), position);
        byte[] tail = concat("\"data\":".getBytes(StandardCharsets.US_ASCII), payload, "}".getBytes(StandardCharsets.US_ASCII));
        assertThat(Arrays.copyOfRange(frame, frame.length - tail.length, frame.length)).isEqualTo(tail);
        assertThat(MAPPER.readTree(frame).get("data").get("text").asText()).isEqualTo(MAPPER.readTree(json).get("text").asText());
    }

    /** The contract the byte-for-byte copy rests on: well-formed UTF-8 is exactly what a decode to a String and back leaves alone. */
    @Property
    void wellFormedUtf8IsWhatADecodeAndEncodeLeavesAsItIs(@ForAll byte[] bytes) {
        boolean roundTrips = Arrays.equals(new String(bytes, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8), bytes);
        assertThat(FrameCodec.isWellFormedUtf8(bytes)).isEqualTo(roundTrips);
    }

    /**
     * The frame is assembled from fixed parts and Jackson-escaped strings; it is byte for byte what
     * Jackson's own generator writes for the same fields, whatever the payload and the marks, and
     * for any id of characters of the Basic Multilingual Plane (jqwik's strings; quotes,
     * backslashes and control characters among them), more than the visible ASCII an id may hold.
     */
    @Property
    void theFrameIsWhatJacksonsGeneratorWrites(@ForAll @StringLength(min = 1, max = 40) String id, @ForAll byte[] payload,
                                               @ForAll boolean json, @ForAll boolean ephemeral, @ForAll boolean replayed) throws Exception {
        Event e = new Event(id, "room.a/b:c@d-1_2", Event.DEFAULT_TYPE, "s", TIME, json ? "application/json" : "text/plain", payload);
        String where = ephemeral ? null : position;
        assertThat(new String(FrameCodec.eventFrame(e, where, replayed), StandardCharsets.UTF_8))
                .isEqualTo(new String(generatorFrame(e, where, replayed, false), StandardCharsets.UTF_8));
        assertThat(new String(FrameCodec.retainedFrame(e, position), StandardCharsets.UTF_8))
                .isEqualTo(new String(generatorFrame(e, position, false, true), StandardCharsets.UTF_8));
    }

    /** The frame as Jackson's streaming generator writes it: the reference for {@link #theFrameIsWhatJacksonsGeneratorWrites}. */
    private static byte[] generatorFrame(Event e, String position, boolean replayed, boolean retained) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (com.fasterxml.jackson.core.JsonGenerator g = new com.fasterxml.jackson.core.JsonFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("op", "event");
            g.writeStringField("channel", e.channel());
            g.writeStringField("id", e.id());
            if (position != null) {
                g.writeStringField("position", position);
            } else {
                g.writeStringField("durability", "ephemeral");
            }
            if (replayed) {
                g.writeBooleanField("replayed", true);
            }
            if (retained) {
                g.writeBooleanField("retained", true);
            }
            g.writeNumberField("ts", e.time().toEpochMilli());
            if (FrameCodec.isInlineJson(e.contentType(), e.payload())) {
                g.writeFieldName("data");
                g.writeRawValue(new String(e.payload(), StandardCharsets.UTF_8));
            } else {
                g.writeStringField("encoding", "base64");
                g.writeFieldName("data");
                g.writeBinary(e.payload());
            }
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /**
     * The scan takes eight printable ASCII bytes at a time; text that is mostly such, with a few
     * control characters and multi-byte or malformed sequences at any place, is judged exactly as
     * one byte at a time judges it.
     */
    @Property
    void theWordAtATimeScanAgreesWithOneByteAtATime(@ForAll @StringLength(max = 64) String text, @ForAll byte[] spice,
                                                   @ForAll @IntRange(max = 64) int at) {
        byte[] base = text.getBytes(StandardCharsets.UTF_8);
        int cut = Math.min(at, base.length);
        byte[] bytes = concat(Arrays.copyOfRange(base, 0, cut), spice, Arrays.copyOfRange(base, cut, base.length));
        boolean wellFormed = Arrays.equals(new String(bytes, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8), bytes);
        boolean controlFree = true;
        for (byte b : bytes) {
            controlFree &= !(b >= 0 && b < 0x20 && b != '\t' && b != '\n' && b != '\r');
        }
        assertThat(FrameCodec.isWellFormedUtf8(bytes)).isEqualTo(wellFormed);
        boolean inlined = FrameCodec.isSingleJsonValue(concat("\"".getBytes(StandardCharsets.US_ASCII), bytes, "\"".getBytes(StandardCharsets.US_ASCII)));
        if (!wellFormed || !controlFree) {
            assertThat(inlined).isFalse();
        }
    }

    @Property
    void everyStringsUtf8IsWellFormed(@ForAll String text) {
        assertThat(FrameCodec.isWellFormedUtf8(text.getBytes(StandardCharsets.UTF_8))).isTrue();
    }

    /**
     * Malformed UTF-8 that Jackson's parser lets through inside a string (an overlong form, an
     * encoded surrogate) is not inlined, where it would reach subscribers as U+FFFD, but goes as
     * base64, exactly.
     */
    @Test
    void malformedUtf8ThatJacksonTakesForACharacterGoesAsBase64() throws Exception {
        for (byte[] bad : List.of(new byte[] {'"', (byte) 0xC0, (byte) 0xAF, '"'}, new byte[] {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'},
                new byte[] {'"', (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"'})) {
            assertThat(FrameCodec.isSingleJsonValue(bad)).isFalse();
            JsonNode frame = MAPPER.readTree(FrameCodec.eventFrame(new Event("e1", "room", Event.DEFAULT_TYPE, "s", TIME, null, bad), position));
            assertThat(frame.get("encoding").asText()).isEqualTo("base64");
            assertThat(Base64.getDecoder().decode(frame.get("data").asText())).isEqualTo(bad);
        }
    }

    @Test
    void aStringWithABadEscapeIsNotInlined() {
        assertThat(FrameCodec.isSingleJsonValue("\"a\\x\"".getBytes(StandardCharsets.US_ASCII))).isFalse();
        assertThat(FrameCodec.isSingleJsonValue("[\"\\u12G4\"]".getBytes(StandardCharsets.US_ASCII))).isFalse();
        assertThat(FrameCodec.isSingleJsonValue("{\"a\":\"unterminated}".getBytes(StandardCharsets.US_ASCII))).isFalse();
        assertThat(FrameCodec.isSingleJsonValue("\"caf\u00e9 \\u00e9\\n\"".getBytes(StandardCharsets.UTF_8))).isTrue();
    }

    /** Regression: a payload led by a byte order mark was inlined, and the mark made the frame invalid JSON. */
    @Test
    void aPayloadLedByAByteOrderMarkGoesAsBase64SoTheFrameStaysJson() throws Exception {
        byte[] payload = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, "{\"a\":1}".getBytes(StandardCharsets.US_ASCII));
        JsonNode frame = MAPPER.readTree(FrameCodec.eventFrame(new Event("e1", "room", Event.DEFAULT_TYPE, "s", TIME, null, payload), position));
        assertThat(frame.get("encoding").asText()).isEqualTo("base64");
        assertThat(Base64.getDecoder().decode(frame.get("data").asText())).isEqualTo(payload);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static JsonNode frame(String contentType, String payload, String position) throws Exception {
        Event e = new Event("e1", "room", Event.DEFAULT_TYPE, "herald://ingest/t", TIME, contentType,
                payload.getBytes(StandardCharsets.UTF_8));
        return MAPPER.readTree(FrameCodec.eventFrame(e, position));
    }

    /** The bound that edges size their queues by: no event frame is larger, however its channel, id and payload are made. */
    @Test
    void theWorstEventFrameFitsMaxFrameBytes() {
        String channel = "c".repeat(ChannelName.MAX_LENGTH);
        String id = "\"\\".repeat(EventId.MAX_LENGTH / 2) + "\"";
        for (int payload : new int[] {0, 1, 2, 3, 1_000, 1_048_576}) {
            Event binary = new Event(EventId.requireValid(id), ChannelName.requireValid(channel), Event.DEFAULT_TYPE, "test",
                    Instant.ofEpochMilli(Long.MAX_VALUE / 1_000), "application/octet-stream", new byte[payload]);
            String position = PositionCodec.encode(new Position(new Epoch(UUID.randomUUID(), 65_535), 65_534, Long.MAX_VALUE));
            assertThat((long) FrameCodec.eventFrame(binary, position).length).as("payload of %d bytes", payload)
                    .isLessThanOrEqualTo(FrameCodec.maxFrameBytes(payload));
            byte[] json = ("\"" + "x".repeat(Math.max(0, payload - 2)) + "\"").getBytes(StandardCharsets.UTF_8);
            Event inline = new Event(id, channel, Event.DEFAULT_TYPE, "test", Instant.ofEpochMilli(Long.MAX_VALUE / 1_000), null, json);
            assertThat((long) FrameCodec.eventFrame(inline, position).length).isLessThanOrEqualTo(FrameCodec.maxFrameBytes(json.length));
        }
    }
}
