package dev.herald.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Regressions in reading one batch line; the properties are in {@link BatchLineParserProperties}. */
class BatchLineParserTest {

    private final BatchLineParser parser = new BatchLineParser(1 << 20);

    @Test
    void anythingAfterTheLinesObjectIsRefusedNotDroppedUnread() {
        // Jackson stops reading after the first value, so the second event on this line was lost without a word
        assertThat(parse("{\"channel\":\"a\",\"data\":1}{\"channel\":\"b\",\"data\":2}").problem().detail())
                .startsWith("line 1 is not JSON: ");
        assertThat(parse("{\"channel\":\"a\",\"data\":1} x").problem().detail()).startsWith("line 1 is not JSON: ");
        assertThat(parse("{\"channel\":\"a\",\"data\":1}\u0000").problem().detail()).startsWith("line 1 is not JSON: ");
        assertThat(parse("{\"channel\":\"a\",\"data\":1} \t ").problem()).isNull();
    }

    @Test
    void numbersInDataKeepTheirExactValueInsteadOfBeingRoundedThroughADouble() {
        // 1e400 became the string "Infinity", and every long fraction lost its last digits
        BatchLine line = parse("{\"channel\":\"a\",\"data\":[1e400,0.1000000000000000000001,-87.53968794498171568299494150539,"
                + "1.50,12345678901234567890123,1e-400]}");

        assertThat(new String(line.payload(), StandardCharsets.UTF_8))
                .isEqualTo("[1E+400,0.1000000000000000000001,-87.53968794498171568299494150539,1.50,12345678901234567890123,1E-400]");
    }

    @Test
    void aNumberPastWhatADecimalHoldsIsRefusedAsNotJsonRatherThanThrown() {
        assertThat(parse("{\"channel\":\"a\",\"data\":1e2147483648}").problem().detail())
                .startsWith("line 1 is not JSON: ").contains("1e2147483648");
    }

    @Test
    void dataThatIsNotBase64SaysSo() {
        // the JDK's own words ("Last unit does not have enough valid bits") named neither the field nor base64
        assertThat(parse("{\"channel\":\"a\",\"encoding\":\"base64\",\"data\":\"A=\"}").problem().detail())
                .isEqualTo("line 1: 'data' is not base64: Last unit does not have enough valid bits");
    }

    @Test
    void aLineInUtf16OrUtf32IsRefusedAsNotUtf8AndReadsTheSameInABatchAsAlone() {
        // found by BatchLineParserFuzzTest: Jackson guessed the encoding from a line's first bytes,
        // so a UTF-16 line was published as if the batch were UTF-16, and a line it took for UTF-32
        // was refused naming its byte offset in the whole body rather than in the line
        String line = "{\"channel\":\"a\",\"data\":1}";
        for (Charset charset : List.of(StandardCharsets.UTF_16BE, StandardCharsets.UTF_16LE, Charset.forName("UTF-32BE"),
                Charset.forName("UTF-32LE"), StandardCharsets.UTF_16)) {
            byte[] bytes = line.getBytes(charset);
            assertThat(parser.parse(1, bytes, 0, bytes.length).problem().detail()).as(charset.name())
                    .isEqualTo("line 1 is not JSON: a batch is UTF-8, and this line starts as UTF-16 or UTF-32 would");
        }
        byte[] utf32 = {0, 0, 0, 'r', 'd', 0, 0, '{'};
        byte[] batch = new byte[100 + utf32.length];
        System.arraycopy(utf32, 0, batch, 100, utf32.length);
        assertThat(parser.parse(5, batch, 100, batch.length).problem()).isEqualTo(parser.parse(5, utf32, 0, utf32.length).problem());
    }

    private BatchLine parse(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return parser.parse(1, bytes, 0, bytes.length);
    }
}
