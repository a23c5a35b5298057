package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.schemas.Epoch;
import dev.herald.schemas.InvalidInputException;
import dev.herald.schemas.Position;
import dev.herald.schemas.PositionCodec;
import org.junit.jupiter.api.Test;

/** The parts of {@code lag} and {@code tail} that need no broker: reading {@code --since}, and the printed forms. */
class TailStartAndFormatTest {

    private static final Instant NOW = Instant.parse("2026-01-21T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void sinceTakesAPositionATimeWithItsOffsetOrADurationBackFromNow() {
        Position p = new Position(new Epoch(UUID.randomUUID(), 6), 4, 17);

        assertThat(TailStart.since(PositionCodec.encode(p), CLOCK)).isEqualTo(new TailStart.After(p));
        assertThat(TailStart.since("2026-01-21T09:00:00Z", CLOCK)).isEqualTo(new TailStart.At(Instant.parse("2026-01-21T09:00:00Z")));
        assertThat(TailStart.since("2026-01-21t10:00:00.5+01:00", CLOCK))
                .isEqualTo(new TailStart.At(Instant.parse("2026-01-21T09:00:00.5Z")));
        assertThat(TailStart.since("10m", CLOCK)).isEqualTo(new TailStart.At(NOW.minusSeconds(600)));
        assertThat(TailStart.since("PT10M", CLOCK)).isEqualTo(new TailStart.At(NOW.minusSeconds(600)));
        assertThat(TailStart.since("2d", CLOCK)).isEqualTo(new TailStart.At(NOW.minusSeconds(2 * 86_400)));
    }

    @Test
    void sinceNamesWhatIsWrongWithAValue() {
        assertThatThrownBy(() -> TailStart.since("soon", CLOCK)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'soon' is neither a position, an RFC 3339 time");
        assertThatThrownBy(() -> TailStart.since("2026-01-21T10:00:00", CLOCK)).hasMessageContaining("with its offset");
        assertThatThrownBy(() -> TailStart.since("10y", CLOCK)).hasMessageContaining("'10y' is neither");
        assertThatThrownBy(() -> TailStart.since("PT", CLOCK)).hasMessageContaining("not a duration");
        String position = PositionCodec.encode(new Position(new Epoch(UUID.randomUUID(), 6), 4, 17));
        String flipped = position.substring(0, 30) + (position.charAt(30) == 'A' ? 'B' : 'A') + position.substring(31);
        assertThatThrownBy(() -> TailStart.since(flipped, CLOCK)).hasMessageContaining("checksum");
        assertThatThrownBy(() -> new TailStart.Last(-1)).hasMessageContaining("--last must be 0 or more");
    }

    @Test
    void compactJsonTakesOutTheWhiteSpaceBetweenTokensAndKeepsStringsAndNumbersAsWritten() throws Exception {
        String pretty = "{\n  \"a b\" : [ 1.10 , 2e3 , -0 ],\n\t\"s\" : \"x  \\\"  y\\\\\" ,\r\n  \"u\" : \"\\u00e9 é\"\n}\n";

        String compact = TailFormat.compactJson(pretty.getBytes(StandardCharsets.UTF_8));

        assertThat(compact).isEqualTo("{\"a b\":[1.10,2e3,-0],\"s\":\"x  \\\"  y\\\\\",\"u\":\"\\u00e9 é\"}");
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(compact)).isEqualTo(json.readTree(pretty));
    }

    @Test
    void agesReadAsPeopleSayThem() {
        assertThat(LagFormat.age(0)).isEqualTo("0s");
        assertThat(LagFormat.age(850)).isEqualTo("850ms");
        assertThat(LagFormat.age(12_345)).isEqualTo("12.3s");
        assertThat(LagFormat.age(302_000)).isEqualTo("5m02s");
        assertThat(LagFormat.age(7_380_000)).isEqualTo("2h03m");
        assertThat(LagFormat.age(273_600_000)).isEqualTo("3d04h");
    }

    @Test
    void aTextTableAlignsItsColumnsAndLeavesNoTrailingSpace() {
        String table = new TextTable("A", "LONGER", "C").row("wide cell", 1, "").row("x", 22, "z").toString();

        assertThat(table).isEqualTo("A          LONGER  C\nwide cell  1\nx          22      z");
    }
}
