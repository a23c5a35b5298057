package dev.herald.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes {@link PositionCodec#decode} with any string, and with any bytes laid out as a token
 * with a correct checksum (so that the fields behind the checksum are reached too), starting
 * from real tokens. Each is either refused with an {@link InvalidInputException} whose message
 * starts with {@code "position "}, or names a position whose own token decodes to it again and
 * differs from the string decoded only where base64url itself is lenient (the 2 unused bits of
 * the last character and {@code =} padding). A string taken for a position is never taken for a
 * {@link StreamCursor}.
 */
class PositionCodecFuzzTest {

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "30s")
    void aTokenIsRefusedWithAReasonOrNamesThePositionItEncodes(String token, byte @NotNull [] layout) {
        check(token);
        check(checksummed(layout));
    }

    private static void check(String token) {
        Position position;
        try {
            position = PositionCodec.decode(token);
        } catch (InvalidInputException e) {
            assertThat(e.getMessage()).startsWith("position ");
            return;
        }
        String canonical = PositionCodec.encode(position);
        assertThat(PositionCodec.decode(canonical)).isEqualTo(position);
        assertThat(canonical).matches("[A-Za-z0-9_-]{47}");
        assertThat(token.replaceFirst("=+$", "")).hasSize(47).startsWith(canonical.substring(0, 46));
        assertThat(StreamCursor.isStreamCursor(token)).isFalse();
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
        UUID topic = UUID.fromString("5d2b3c1e-7f0a-4b8e-9c6d-1a2b3c4d5e6f");
        return Stream.of(
                        new Position(new Epoch(topic, 6), 3, 42),
                        new Position(new Epoch(topic, 1), 0, -1),
                        new Position(new Epoch(new UUID(-1, -1), Epoch.MAX_PARTITIONS), Epoch.MAX_PARTITIONS - 1, Long.MAX_VALUE))
                .map(PositionCodec::encode)
                .map(token -> Arguments.of(token, Base64.getUrlDecoder().decode(token)));
    }
}
