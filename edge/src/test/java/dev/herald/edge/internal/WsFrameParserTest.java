package dev.herald.edge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.herald.schemas.protocol.CloseCode;
import org.junit.jupiter.api.Test;

/** Client frames as RFC 6455 writes them, fed whole and split at every byte. */
class WsFrameParserTest {

    private static final byte[] MASK = {0x37, (byte) 0xfa, 0x21, 0x3d};

    @Test
    void aMaskedTextFrameIsReadWholeHoweverItsBytesAreSplit() {
        byte[] frame = frame(true, WsFrameParser.TEXT, "{\"op\":\"subscribe\",\"channel\":\"é\"}".getBytes(StandardCharsets.UTF_8));
        for (int split = 1; split < frame.length; split++) {
            Recorder r = new Recorder();
            WsFrameParser parser = new WsFrameParser(1024, r);
            parser.feed(ByteBuffer.wrap(frame, 0, split));
            parser.feed(ByteBuffer.wrap(frame, split, frame.length - split));
            assertThat(r.events).as("split at %d", split).containsExactly("text {\"op\":\"subscribe\",\"channel\":\"é\"}");
        }
    }

    @Test
    void lengthsOf16And64BitsAndFragmentsWithAPingBetweenThemMakeOneMessage() {
        byte[] big = "x".repeat(70_000).getBytes(StandardCharsets.US_ASCII);
        byte[] medium = "y".repeat(300).getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        in.writeBytes(frame(true, WsFrameParser.TEXT, big));
        in.writeBytes(frame(false, WsFrameParser.TEXT, medium));
        in.writeBytes(frame(true, WsFrameParser.PING, "hi".getBytes(StandardCharsets.US_ASCII)));
        in.writeBytes(frame(true, WsFrameParser.CONTINUATION, "z".getBytes(StandardCharsets.US_ASCII)));
        Recorder r = new Recorder();
        byte[] bytes = in.toByteArray();
        WsFrameParser parser = new WsFrameParser(100_000, r);
        for (int at = 0; at < bytes.length; at += 1000) {
            parser.feed(ByteBuffer.wrap(bytes, at, Math.min(1000, bytes.length - at)));
        }
        assertThat(r.events).containsExactly("text " + "x".repeat(70_000), "ping hi", "text " + "y".repeat(300) + "z");
    }

    @Test
    void aMessageOverTheLimitIsSkippedAndReportedAndTheNextOneIsRead() {
        Recorder r = new Recorder();
        WsFrameParser parser = new WsFrameParser(10, r);
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        in.writeBytes(frame(false, WsFrameParser.TEXT, "123456".getBytes(StandardCharsets.US_ASCII)));
        in.writeBytes(frame(true, WsFrameParser.CONTINUATION, "789012".getBytes(StandardCharsets.US_ASCII)));
        in.writeBytes(frame(true, WsFrameParser.TEXT, "ok".getBytes(StandardCharsets.US_ASCII)));
        parser.feed(ByteBuffer.wrap(in.toByteArray()));
        assertThat(r.events).containsExactly("too large 12", "text ok");
    }

    @Test
    void closePongAndBinaryFramesAreReported() {
        Recorder r = new Recorder();
        WsFrameParser parser = new WsFrameParser(100, r);
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        in.writeBytes(frame(true, WsFrameParser.PONG, new byte[0]));
        in.writeBytes(frame(true, WsFrameParser.BINARY, new byte[] {1, 2}));
        in.writeBytes(frame(true, WsFrameParser.CLOSE, WsFrames.closePayload(1000, "bye")));
        in.writeBytes(frame(true, WsFrameParser.CLOSE, new byte[0]));
        parser.feed(ByteBuffer.wrap(in.toByteArray()));
        assertThat(r.events).containsExactly("pong ", "binary 2", "close 1000 bye", "close 1005 ");
    }

    @Test
    void protocolViolationsAreReportedWithTheirCloseCodeAndNothingMoreIsRead() {
        assertThat(violation(unmasked())).isEqualTo("error 1002 client frames must be masked");
        assertThat(violation(withFirstByte(frame(true, WsFrameParser.TEXT, new byte[1]), 0xC1)))
                .isEqualTo("error 1002 reserved bits set without an extension");
        assertThat(violation(frame(true, 0x3, new byte[0]))).isEqualTo("error 1002 unknown opcode 3");
        assertThat(violation(frame(false, WsFrameParser.PING, new byte[0])))
                .isEqualTo("error 1002 control frames must be whole and at most 125 bytes");
        assertThat(violation(frame(true, WsFrameParser.CONTINUATION, new byte[1])))
                .isEqualTo("error 1002 a continuation frame with no message to continue");
        assertThat(violation(frame(true, WsFrameParser.CLOSE, new byte[1]))).isEqualTo("error 1002 a close frame of one byte");
        assertThat(violation(frame(true, WsFrameParser.TEXT, new byte[] {(byte) 0xC3, 0x28})))
                .isEqualTo("error 1007 text is not UTF-8");
    }

    @Test
    void aContinuationDeclaringNearly2To63BytesSkipsTheMessageInsteadOfWritingPastItsBuffer() {
        // 10 bytes held, then 2^63 - 6 more declared: the sum wrapped to a negative length, which
        // passed for room in the 10-byte buffer, and the next payload byte was written past its end
        Recorder r = new Recorder();
        WsFrameParser parser = new WsFrameParser(100, r);
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        in.writeBytes(frame(false, WsFrameParser.TEXT, "0123456789".getBytes(StandardCharsets.US_ASCII)));
        in.write(0x80 | WsFrameParser.CONTINUATION);
        in.write(0x80 | 127);
        in.writeBytes(ByteBuffer.allocate(8).putLong(Long.MAX_VALUE - 5).array());
        in.writeBytes(MASK);
        in.writeBytes(new byte[1000]);

        parser.feed(ByteBuffer.wrap(in.toByteArray()));

        assertThat(r.events).isEmpty();
        assertThat(parser.bufferedBytes()).isZero();
    }

    @Test
    void aCloseCodeNoEndpointMaySendIsAProtocolErrorNotACloseToEcho() {
        for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65_535}) {
            assertThat(violation(frame(true, WsFrameParser.CLOSE, WsFrames.closePayload(code, "bye"))))
                    .isEqualTo("error 1002 close code " + code + " is not one an endpoint may send");
        }
        for (int code : new int[] {1000, 1003, 1007, 1011, 1014, 3000, 4999}) {
            Recorder r = new Recorder();
            new WsFrameParser(100, r).feed(ByteBuffer.wrap(frame(true, WsFrameParser.CLOSE, WsFrames.closePayload(code, "bye"))));
            assertThat(r.events).containsExactly("close " + code + " bye");
        }
    }

    private static String violation(byte[] bad) {
        Recorder r = new Recorder();
        WsFrameParser parser = new WsFrameParser(100, r);
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        in.writeBytes(bad);
        in.writeBytes(frame(true, WsFrameParser.TEXT, "after".getBytes(StandardCharsets.US_ASCII)));
        parser.feed(ByteBuffer.wrap(in.toByteArray()));
        assertThat(r.events).hasSize(1);
        return r.events.get(0);
    }

    private static byte[] unmasked() {
        return new byte[] {(byte) 0x81, 0x01, 'a'};
    }

    private static byte[] withFirstByte(byte[] frame, int b0) {
        frame[0] = (byte) b0;
        return frame;
    }

    /** A masked client frame. */
    static byte[] frame(boolean fin, int opcode, byte[] payload) {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            f.write(0x80 | payload.length);
        } else if (payload.length < 65_536) {
            f.write(0x80 | 126);
            f.write(payload.length >>> 8);
            f.write(payload.length & 0xFF);
        } else {
            f.write(0x80 | 127);
            f.writeBytes(ByteBuffer.allocate(8).putLong(payload.length).array());
        }
        f.writeBytes(MASK);
        for (int i = 0; i < payload.length; i++) {
            f.write(payload[i] ^ MASK[i & 3]);
        }
        return f.toByteArray();
    }

    private static final class Recorder implements WsFrameParser.Handler {
        final List<String> events = new ArrayList<>();

        @Override
        public void text(String message) {
            events.add("text " + message);
        }

        @Override
        public void binary(byte[] message) {
            events.add("binary " + message.length);
        }

        @Override
        public void ping(byte[] payload) {
            events.add("ping " + new String(payload, StandardCharsets.UTF_8));
        }

        @Override
        public void pong(byte[] payload) {
            events.add("pong " + new String(payload, StandardCharsets.UTF_8));
        }

        @Override
        public void close(int code, String reason) {
            events.add("close " + code + " " + reason);
        }

        @Override
        public void tooLarge(long bytes) {
            events.add("too large " + bytes);
        }

        @Override
        public void protocolError(CloseCode closeCode, String reason) {
            events.add("error " + closeCode.code() + " " + reason);
        }
    }
}
