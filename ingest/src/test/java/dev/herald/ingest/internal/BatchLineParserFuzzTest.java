package dev.herald.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.InRange;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import dev.herald.schemas.ChannelName;
import dev.herald.schemas.EventId;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes the reading of an NDJSON batch body ({@link BatchPublishHandler#splitLines}, then
 * {@link BatchLineParser#parse} on each line) with any bytes under any payload limit, starting
 * from real batches. It never throws; each line of the batch reads as it would alone; a refused
 * line has only its own problem (400 or 413, naming its number); an accepted line has a valid
 * channel and id, a type, a content type and a payload within the limit, and without
 * {@code encoding} that payload is the line's {@code data}, every number exact.
 */
class BatchLineParserFuzzTest {

    /** Reads JSON as the parser does, numbers with a fraction as decimals kept as written. */
    private static final ObjectReader EXACT = Json.MAPPER.reader()
            .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);

    /** Equal JSON, numbers by their value: {@code 14e00} is written back as {@code 14}. */
    private static final Comparator<JsonNode> SAME_VALUE = (a, b) -> a.isNumber() && b.isNumber()
            ? a.decimalValue().compareTo(b.decimalValue()) : a.equals(b) ? 0 : 1;

    @MethodSource("batches")
    @FuzzTest(maxDuration = "30s")
    void eachLineOfAnyBatchIsReadAloneToAnEventOrItsOwnProblem(byte @NotNull [] body,
                                                                @InRange(min = 0, max = 4096) int maxPayloadBytes) throws IOException {
        BatchLineParser parser = new BatchLineParser(maxPayloadBytes);
        List<int[]> lines = BatchPublishHandler.splitLines(body);
        for (int i = 0; i < lines.size(); i++) {
            byte[] alone = Arrays.copyOfRange(body, lines.get(i)[0], lines.get(i)[1]);
            assertThat(alone).doesNotContain((byte) '\n');
            BatchLine inBatch = parser.parse(i + 1, body, lines.get(i)[0], lines.get(i)[1]);
            BatchLine read = parser.parse(i + 1, alone, 0, alone.length);
            assertThat(describe(inBatch)).isEqualTo(describe(read));
            check(read, i + 1, alone, maxPayloadBytes);
        }
    }

    private static void check(BatchLine line, int number, byte[] text, int maxPayloadBytes) throws IOException {
        assertThat(line.number()).isEqualTo(number);
        if (line.problem() != null) {
            assertThat(line.problem().status()).isIn(400, 413);
            assertThat(line.problem().detail()).startsWith("line " + number);
            assertThat(line.channel()).isNull();
            assertThat(line.payload()).isNull();
            return;
        }
        assertThat(ChannelName.violation(line.channel())).isNull();
        if (line.id() != null) {
            assertThat(EventId.requireValid(line.id())).isEqualTo(line.id());
        }
        assertThat(line.type()).isNotNull();
        assertThat(line.contentType()).isNotNull();
        assertThat(line.payload()).isNotNull();
        assertThat(line.payload().length).isLessThanOrEqualTo(maxPayloadBytes);
        JsonNode written = EXACT.readTree(text);
        if (!written.hasNonNull("encoding")) {
            JsonNode payload = EXACT.readTree(line.payload());
            assertThat(payload.equals(SAME_VALUE, written.get("data")))
                    .as("the payload %s of %s", payload, new String(text, StandardCharsets.UTF_8)).isTrue();
        }
    }

    private static String describe(BatchLine line) {
        return line.number() + " " + line.problem() + " " + line.channel() + " " + line.id() + " " + line.type() + " "
                + line.contentType() + " " + line.ephemeral() + " " + Arrays.toString(line.payload());
    }

    static Stream<Arguments> batches() {
        String batch = """
                {"channel":"news","data":{"title":"hello","score":0.10000000000000000001,"big":1e400}}
                {"channel":"room.1","id":"e-1","data":"aGVsbG8=","encoding":"base64","contentType":"text/plain"}\r
                {"channel":"typing:42","data":[true,null,-0,"\\u00e9"],"durability":"ephemeral","type":"typing"}
                {"channel":"/bad","data":1}
                not json
                """;
        return Stream.of(
                Arguments.of(batch.getBytes(StandardCharsets.UTF_8), 4096),
                Arguments.of("{\"channel\":\"a\",\"data\":\"0123456789\"}\n".getBytes(StandardCharsets.UTF_8), 8));
    }
}
