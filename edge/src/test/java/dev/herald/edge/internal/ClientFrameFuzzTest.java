package dev.herald.edge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fuzzes {@link ClientFrame#parse}, the reading of every text frame a WebSocket client sends,
 * starting from real frames: any text gives either a frame with a known op whose {@code ref} is
 * what the client sent, or {@link ClientFrame.Invalid} with a reason; never any other exception.
 */
class ClientFrameFuzzTest {

    @ValueSource(strings = {"{\"op\":\"subscribe\",\"ref\":1,\"channel\":\"a\",\"since\":\"AQnKlDJX\"}",
            "{\"op\":\"auth\",\"token\":\"x.y.z\"}", "{\"op\":\"refresh\",\"ref\":\"r\",\"token\":\"t\"}",
            "{\"op\":\"publish\",\"channel\":\"c\",\"data\":{\"typing\":true}}", "{\"op\":\"unsubscribe\",\"channel\":\"c\"}",
            "[]", "{\"op\":7}", "not json"})
    @FuzzTest(maxDuration = "30s")
    void anyTextIsAFrameWithAKnownOpOrAReason(String text) {
        ClientFrame frame;
        try {
            frame = ClientFrame.parse(text);
        } catch (ClientFrame.Invalid e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(frame.op()).isNotNull();
        assertThat(frame.body().isObject()).isTrue();
        assertThat(frame.body().path("op").asText()).isEqualTo(frame.op().wire());
        JsonNode ref = frame.body().get("ref");
        if (ref == null || ref.isNull()) {
            assertThat(frame.ref()).isNull();
        } else {
            assertThat(frame.ref()).isEqualTo(ref.isNumber() ? ref.numberValue() : ref.asText());
        }
        // the fields the edge reads never throw either
        frame.text("channel");
        frame.text("since");
        frame.text("token");
        frame.field("data");
    }
}
