package dev.herald.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;

import dev.herald.schemas.Event;
import dev.herald.schemas.FrameCodec;
import org.junit.jupiter.api.Test;

class SampleEventsTest {

    @Test
    void jsonPayloadsAreOneJsonValueOfExactlyTheSizeAsked() {
        for (int bytes : new int[] {SampleEvents.MIN_JSON_BYTES, 100, 1024, 8000}) {
            byte[] json = SampleEvents.json(bytes);
            assertThat(json).hasSize(bytes);
            assertThat(FrameCodec.isSingleJsonValue(json)).as("%d bytes", bytes).isTrue();
        }
        assertThatThrownBy(() -> SampleEvents.json(SampleEvents.MIN_JSON_BYTES - 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void idsOfASeriesAreDistinctUuidV7Text() {
        String first = SampleEvents.id(1_700_000_000_000L, 0);
        assertThat(first).hasSize(36).isNotEqualTo(SampleEvents.id(1_700_000_000_000L, 1));
        assertThat(UUID.fromString(first).version()).isEqualTo(7);
    }

    @Test
    void jsonEventsAreInlinedInFramesAndBinaryOnesAreNot() {
        Event json = SampleEvents.event("c", SampleEvents.JSON, 100);
        Event binary = SampleEvents.event("c", SampleEvents.BINARY, 100);
        assertThat(FrameCodec.isInlineJson(json.contentType(), json.payload())).isTrue();
        assertThat(FrameCodec.isInlineJson(binary.contentType(), binary.payload())).isFalse();
        assertThat(binary.payload()).hasSize(100);
    }
}
