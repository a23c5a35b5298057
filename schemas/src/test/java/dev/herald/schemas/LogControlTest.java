package dev.herald.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class LogControlTest {

    @Test
    void aClearLatestRecordIsReadBackAsThatInstruction() {
        List<HeaderField> headers = List.of(LogControl.CLEAR_LATEST.header());
        assertThat(headers.get(0).key()).isEqualTo("herald-control");
        assertThat(new String(headers.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("clear-latest");
        assertThat(LogControl.isControl(headers)).isTrue();
        assertThat(LogControl.of(headers)).isEqualTo(LogControl.CLEAR_LATEST);
    }

    @Test
    void anEventOfIngestOrOfAPlainProducerIsNoControlRecord() {
        Event event = new Event("id-1", "c", Event.DEFAULT_TYPE, "s", Instant.EPOCH, null, new byte[] {1});
        assertThat(LogControl.isControl(RecordMapping.headers(event))).isFalse();
        assertThat(LogControl.of(RecordMapping.headers(event))).isNull();
        assertThat(LogControl.of(List.of())).isNull();
    }

    @Test
    void anInstructionThisVersionDoesNotKnowIsStillNoEvent() {
        List<HeaderField> later = List.of(new HeaderField("herald-control", "rewind".getBytes(StandardCharsets.UTF_8)));
        List<HeaderField> empty = List.of(new HeaderField("herald-control", null));
        assertThat(LogControl.isControl(later)).isTrue();
        assertThat(LogControl.of(later)).isEqualTo(LogControl.UNKNOWN);
        assertThat(LogControl.of(empty)).isEqualTo(LogControl.UNKNOWN);
        assertThatThrownBy(LogControl.UNKNOWN::header).isInstanceOf(IllegalStateException.class);
    }
}
