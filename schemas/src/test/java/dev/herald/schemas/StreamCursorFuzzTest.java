package dev.herald.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes {@link StreamCursor#decode} with any string, and with any bytes laid out as a cursor
 * with a correct checksum (so that the count and the offsets behind it are reached too),
 * starting from real cursors. Each is either refused with an {@link InvalidInputException}, or
 * is a cursor of 1 or more offsets of at least -1 whose own string decodes to it again and
 * differs from the string decoded only where base64url itself is lenient (the unused bits of
 * the last character and {@code =} padding). A string taken for a cursor is recognised by
 * {@link StreamCursor#isStreamCursor} and never taken for a {@link Position}.
 */
class StreamCursorFuzzTest {

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "30s")
    void aCursorIsRefusedWithAReasonOrNamesTheOffsetsItEncodes(String token, byte @NotNull [] layout) {
        check(token);
        check(checksummed(layout));
    }

    private static void check(String token) {
        boolean looksLikeACursor = StreamCursor.isStreamCursor(token);
        StreamCursor cursor;
        try {
            cursor = StreamCursor.decode(token);
        } catch (InvalidInputException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(looksLikeACursor).isTrue();
        assertThat(cursor.size()).isPositive();
        long[] offsets = new long[cursor.size()];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = cursor.offset(i);
            assertThat(offsets[i]).isGreaterThanOrEqualTo(-1);
        }
        String canonical = cursor.encode();
        assertThat(canonical).matches("[A-Za-z0-9_-]+");
        assertThat(StreamCursor.decode(canonical)).isEqualTo(cursor);
        assertThat(cursor.withOffsets(offsets)).isEqualTo(cursor);
        String unpadded = token.replaceFirst("=+$", "");
        assertThat(unpadded).hasSameSizeAs(canonical).startsWith(canonical.substring(0, canonical.length() - 1));
        assertThat(catchThrowable(() -> PositionCodec.decode(token))).isInstanceOf(InvalidInputException.class);
    }

    /** {@code layout} as a token: its bytes, the last 4 replaced by the CRC-32C of those before. */
    private static String checksummed(byte[] layout) {
        if (layout.length < 4) {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(layout);
        }
        CRC32C crc = new CRC32C();
        crc.update(layout, 0, layout.length - 4);
        byte[] bytes = Arrays.copyOf(layout, layout.length);
        ByteBuffer.wrap(bytes).putInt(layout.length - 4, (int) crc.getValue());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static Stream<Arguments> seeds() {
        Epoch epoch = new Epoch(UUID.fromString("5d2b3c1e-7f0a-4b8e-9c6d-1a2b3c4d5e6f"), 6);
        return Stream.of(
                        StreamCursor.of(epoch, List.of("news"), new long[] {-1}),
                        StreamCursor.of(epoch, List.of("a", "b.c", "user:1"), new long[] {0, 41, Long.MAX_VALUE}))
                .map(StreamCursor::encode)
                .map(token -> Arguments.of(token, Base64.getUrlDecoder().decode(token)));
    }
}
