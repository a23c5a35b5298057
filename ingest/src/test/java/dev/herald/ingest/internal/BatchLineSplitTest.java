package dev.herald.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class BatchLineSplitTest {

    @Test
    void aFinalLineBreakDoesNotMakeAnEmptyLineButInnerEmptyLinesCount() {
        assertThat(lines("a\n\nb\n")).containsExactly("a", "", "b");
        assertThat(lines("a\r\nb")).containsExactly("a", "b");
        assertThat(lines("")).isEmpty();
        assertThat(lines("\n")).containsExactly("");
    }

    private static List<String> lines(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return BatchPublishHandler.splitLines(bytes).stream()
                .map(b -> new String(bytes, b[0], b[1] - b[0], StandardCharsets.UTF_8)).toList();
    }
}
