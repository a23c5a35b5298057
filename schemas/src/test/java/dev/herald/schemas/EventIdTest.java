package dev.herald.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;

import org.junit.jupiter.api.Test;

class EventIdTest {

    @Test
    void generatedIdsAreVersion7UuidsOrderedByTime() {
        String early = EventId.generate(1_700_000_000_000L);
        String late = EventId.generate(1_700_000_000_001L);
        assertThat(UUID.fromString(early).version()).isEqualTo(7);
        assertThat(UUID.fromString(early).variant()).isEqualTo(2);
        assertThat(early.substring(0, 13)).isLessThan(late.substring(0, 13));
        assertThat(EventId.requireValid(early)).isEqualTo(early);
    }

    @Test
    void idsOutsideVisibleAsciiOrTooLongAreRefused() {
        assertThatThrownBy(() -> EventId.requireValid("")).hasMessage("event id is empty");
        assertThatThrownBy(() -> EventId.requireValid("a b")).hasMessageContaining("index 1");
        assertThatThrownBy(() -> EventId.requireValid("é")).hasMessageContaining("visible ASCII");
        assertThatThrownBy(() -> EventId.requireValid("x".repeat(256))).hasMessageContaining("256");
        assertThat(EventId.requireValid("order-42:retry~1")).isEqualTo("order-42:retry~1");
    }

    @Test
    void recordsWithoutAnIdGetOneFromPartitionAndOffset() {
        assertThat(EventId.forRecord(3, 1234)).isEqualTo("kafka-3-1234");
    }
}
