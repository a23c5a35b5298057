package dev.herald.edge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.herald.schemas.protocol.CloseCode;
import com.code_intelligence.jazzer.mutation.annotation.InRange;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes {@link WsFrameParser} with any bytes under any message limit, fed whole and in chunks of
 * fuzzer-chosen sizes, starting from real client conversations. It never throws; it reports the
 * same calls however the bytes are split; it never holds more than the limit and a control
 * frame, and reads each chunk whole until it reports an error; at most one error, the last call,
 * with close code 1002 or 1007; no message over the limit, no control payload over 125 bytes, a
 * close code an endpoint may send, a {@code tooLarge} only over the limit; and never more payload
 * bytes reported than were fed.
 */
class WsFrameParserFuzzTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final int CONTROL_BYTES = 125;

    @MethodSource("conversations")
    @FuzzTest(maxDuration = "30s")
    void anyBytesInAnySplitGiveTheSameBoundedCalls(byte @NotNull [] bytes, @InRange(min = 0, max = 1024) int limit,
                                                    byte @NotNull [] chunkSizes) {
        Recorder whole = feed(bytes, limit, new byte[0]);
        Recorder chunked = feed(bytes, limit, chunkSizes);
        assertThat(chunked.calls).isEqualTo(whole.calls);

        List<String> calls = whole.calls;
        for (int i = 0; i < calls.size(); i++) {
            if (calls.get(i).startsWith("error ")) {
                assertThat(i).as("an error is the last call").isEqualTo(calls.size() - 1);
                assertThat(calls.get(i)).matches("error 100[27] .+");
            }
        }
        assertThat(whole.payloadBytes).as("payload bytes reported").isLessThanOrEqualTo(bytes.length);
        assertThat(whole.largestMessage).isLessThanOrEqualTo(limit);
        assertThat(whole.smallestTooLarge).isGreaterThan(limit);
    }

    /**
     * Feeds {@code bytes} in chunks of the sizes given (1 to 256 bytes each, over and over), or
     * whole when there are none, checking the parser after each.
     */
    private static Recorder feed(byte[] bytes, int limit, byte[] chunkSizes) {
        Recorder r = new Recorder();
        WsFrameParser parser = new WsFrameParser(limit, r);
        int at = 0;
        for (int i = 0; at < bytes.length || i == 0; i++) {
            int n = chunkSizes.length == 0 ? bytes.length : Math.min((chunkSizes[i % chunkSizes.length] & 0xFF) + 1, bytes.length - at);
            ByteBuffer chunk = ByteBuffer.wrap(bytes, at, n);
            parser.feed(chunk);
            at += n;
            assertThat(parser.bufferedBytes()).as("bytes held after %d of %d", at, bytes.length)
                    .isLessThanOrEqualTo(limit + CONTROL_BYTES);
            if (!r.failed) {
                assertThat(chunk.hasRemaining()).as("a chunk is read whole until an error").isFalse();
            }
        }
        return r;
    }

    private static final class Recorder implements WsFrameParser.Handler {
        final List<String> calls = new ArrayList<>();
        boolean failed;
        long payloadBytes;
        long largestMessage;
        long smallestTooLarge = Long.MAX_VALUE;

        @Override
        public void text(String message) {
            message(message.getBytes(StandardCharsets.UTF_8).length);
            calls.add("text " + message);
        }

        @Override
        public void binary(byte[] message) {
            message(message.length);
            calls.add("binary " + HEX.formatHex(message));
        }

        private void message(int bytes) {
            payloadBytes += bytes;
            largestMessage = Math.max(largestMessage, bytes);
        }

        @Override
        public void ping(byte[] payload) {
            control(payload.length);
            calls.add("ping " + HEX.formatHex(payload));
        }

        @Override
        public void pong(byte[] payload) {
            control(payload.length);
            calls.add("pong " + HEX.formatHex(payload));
        }

        @Override
        public void close(int code, String reason) {
            boolean sendable = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
            assertThat(code == WsFrameParser.NO_STATUS || sendable).as("close code %d", code).isTrue();
            int reasonBytes = reason.getBytes(StandardCharsets.UTF_8).length;
            assertThat(code != WsFrameParser.NO_STATUS || reasonBytes == 0).as("a reason without a code").isTrue();
            control(code == WsFrameParser.NO_STATUS ? 0 : 2 + reasonBytes);
            calls.add("close " + code + " " + reason);
        }

        private void control(int bytes) {
            assertThat(bytes).as("control payload").isLessThanOrEqualTo(CONTROL_BYTES);
            payloadBytes += bytes;
        }

        @Override
        public void tooLarge(long bytes) {
            smallestTooLarge = Math.min(smallestTooLarge, bytes);
            calls.add("too large " + bytes);
        }

        @Override
        public void protocolError(CloseCode closeCode, String reason) {
            failed = true;
            calls.add("error " + closeCode.code() + " " + reason);
        }
    }

    // --- seeds: what real clients send

    static Stream<Arguments> conversations() {
        byte[] mask = {0x37, (byte) 0xFA, 0x21, 0x3D};
        byte[] hello = frame(0x81, mask, "hello, herald".getBytes(StandardCharsets.UTF_8));
        byte[] subscribe = frame(0x81, mask, "{\"op\":\"subscribe\",\"channel\":\"news\",\"ref\":1}".getBytes(StandardCharsets.UTF_8));
        byte[] fragmented = concat(frame(0x02, mask, new byte[] {1, 2, 3}), frame(0x89, mask, "ping".getBytes(StandardCharsets.US_ASCII)),
                frame(0x80, mask, new byte[] {4, 5}));
        byte[] long16 = frame(0x82, mask, new byte[300]);
        byte[] close = frame(0x88, mask, concat(new byte[] {0x03, (byte) 0xE8}, "bye".getBytes(StandardCharsets.US_ASCII)));
        byte[] pong = frame(0x8A, mask, new byte[0]);
        return Stream.of(
                Arguments.of(concat(hello, subscribe, pong, close), 1024, new byte[0]),
                Arguments.of(concat(fragmented, long16, close), 200, new byte[] {0, 6, 1}),
                Arguments.of(concat(long16, hello), 512, new byte[] {1}));
    }

    /** A masked client frame with {@code firstByte} (FIN bit and opcode) and the shortest length form. */
    private static byte[] frame(int firstByte, byte[] mask, byte[] payload) {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(firstByte);
        if (payload.length < 126) {
            f.write(0x80 | payload.length);
        } else {
            f.write(0x80 | 126);
            f.write(payload.length >>> 8);
            f.write(payload.length & 0xFF);
        }
        f.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            f.write(payload[i] ^ mask[i & 3]);
        }
        return f.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
