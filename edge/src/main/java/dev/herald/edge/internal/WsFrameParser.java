package dev.herald.edge.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import dev.herald.schemas.protocol.CloseCode;

/**
 * Reads the frames a WebSocket client sends (RFC 6455), from bytes as they arrive in any split,
 * and reports whole messages to a {@link Handler}.
 *
 * <p>It is a state machine: header bytes are gathered in a 14-byte array, payload bytes are
 * unmasked straight into the message being assembled. So an idle connection holds no buffer, and
 * a connection keeps at most one message of at most {@code maxMessageBytes}. A text or binary
 * message longer than that is skipped to its end and reported with {@link Handler#tooLarge}; the
 * connection lives on. Violations of the protocol (an unmasked frame, reserved bits or opcodes,
 * a fragmented or long control frame, a continuation out of place, a close frame of one byte or
 * with a code no endpoint may send) are reported with {@link Handler#protocolError} and the
 * parser reads nothing more; text that is not UTF-8 likewise, with {@link CloseCode#INVALID_PAYLOAD}.
 *
 * <p>Not thread-safe: one connection's I/O thread feeds it.
 */
final class WsFrameParser {

    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /** What {@link Handler#close} is given for a close frame without a status (never sent). */
    static final int NO_STATUS = 1005;

    /** What the parser found. */
    interface Handler {
        void text(String message);

        void binary(byte[] message);

        void ping(byte[] payload);

        void pong(byte[] payload);

        /**
         * A close frame; {@code code} is {@link #NO_STATUS} when it carried none, and otherwise one
         * an endpoint may send, so it may be echoed.
         */
        void close(int code, String reason);

        /**
         * A data message longer than the limit was skipped; {@code bytes} is its length, or
         * {@link Long#MAX_VALUE} when its frames declare more than that in all.
         */
        void tooLarge(long bytes);

        /** The client broke the protocol; nothing more is read. */
        void protocolError(CloseCode closeCode, String reason);
    }

    private final int maxMessageBytes;
    private final Handler handler;

    private final byte[] header = new byte[14];
    private int headerLength;
    private int headerNeeded = 2;
    private boolean failed;

    // the frame whose payload is being read
    private int opcode;
    private boolean fin;
    private long remaining;
    private final byte[] mask = new byte[4];
    private int maskIndex;
    private byte[] control;
    private int controlLength;

    // the data message being assembled across frames
    private int messageOpcode = -1;
    private byte[] message;
    private int messageLength;
    private long skipped = -1;

    WsFrameParser(int maxMessageBytes, Handler handler) {
        this.maxMessageBytes = maxMessageBytes;
        this.handler = handler;
    }

    /** Consumes all of {@code in}, reporting each complete message as it ends. */
    void feed(ByteBuffer in) {
        while (in.hasRemaining() && !failed) {
            if (remaining == 0) {
                header[headerLength++] = in.get();
                if (headerLength == 2) {
                    headerNeeded = 2 + extendedLengthBytes() + 4;
                    if (!checkFirstTwoBytes()) {
                        return;
                    }
                }
                if (headerLength == headerNeeded && !startFrame()) {
                    return;
                }
                continue;
            }
            int n = (int) Math.min(remaining, in.remaining());
            payload(in, n);
            remaining -= n;
            if (remaining == 0) {
                endFrame();
            }
        }
    }

    /**
     * The payload bytes held now: the room taken for the message being assembled and the last
     * control frame's. At most {@code maxMessageBytes} + 125, whatever was fed.
     */
    int bufferedBytes() {
        return (message == null ? 0 : message.length) + (control == null ? 0 : control.length);
    }

    private int extendedLengthBytes() {
        int len7 = header[1] & 0x7F;
        return len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
    }

    private boolean checkFirstTwoBytes() {
        int b0 = header[0] & 0xFF;
        if ((b0 & 0x70) != 0) {
            return fail(CloseCode.PROTOCOL_ERROR, "reserved bits set without an extension");
        }
        if ((header[1] & 0x80) == 0) {
            return fail(CloseCode.PROTOCOL_ERROR, "client frames must be masked");
        }
        return true;
    }

    private boolean startFrame() {
        fin = (header[0] & 0x80) != 0;
        opcode = header[0] & 0x0F;
        int len7 = header[1] & 0x7F;
        long length;
        int at = 2;
        if (len7 == 126) {
            length = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
            at = 4;
        } else if (len7 == 127) {
            length = ByteBuffer.wrap(header, 2, 8).getLong();
            at = 10;
            if (length < 0) {
                return fail(CloseCode.PROTOCOL_ERROR, "frame length out of range");
            }
        } else {
            length = len7;
        }
        System.arraycopy(header, at, mask, 0, 4);
        maskIndex = 0;
        remaining = length;
        headerLength = 0;
        headerNeeded = 2;
        switch (opcode) {
            case CLOSE, PING, PONG -> {
                if (!fin || length > 125) {
                    return fail(CloseCode.PROTOCOL_ERROR, "control frames must be whole and at most 125 bytes");
                }
                control = new byte[(int) length];
                controlLength = 0;
            }
            case TEXT, BINARY -> {
                if (messageOpcode >= 0) {
                    return fail(CloseCode.PROTOCOL_ERROR, "a new message began before the last one ended");
                }
                messageOpcode = opcode;
                messageLength = 0;
                skipped = -1;
                room(length);
            }
            case CONTINUATION -> {
                if (messageOpcode < 0) {
                    return fail(CloseCode.PROTOCOL_ERROR, "a continuation frame with no message to continue");
                }
                room(length);
            }
            default -> {
                return fail(CloseCode.PROTOCOL_ERROR, "unknown opcode " + opcode);
            }
        }
        if (remaining == 0) {
            endFrame();
        }
        return !failed;
    }

    /** Makes room for {@code more} payload bytes of the message, or skips the message once it is too long. */
    private void room(long more) {
        if (skipped >= 0) {
            skipped = sum(skipped, more);
            return;
        }
        long total = sum(messageLength, more);
        if (total > maxMessageBytes) {
            skipped = total;
            message = null;
            return;
        }
        if (message == null || message.length < total) {
            long grown = message == null ? total : Math.min(maxMessageBytes, Math.max(total, message.length * 2L));
            message = Arrays.copyOf(message == null ? new byte[0] : message, (int) grown);
        }
    }

    /**
     * {@code a + b} for lengths, or {@link Long#MAX_VALUE} when that is larger: a frame may declare
     * up to 2^63 - 1 bytes, and a sum that wrapped to a negative length would look like room.
     */
    private static long sum(long a, long b) {
        return b > Long.MAX_VALUE - a ? Long.MAX_VALUE : a + b;
    }

    private void payload(ByteBuffer in, int n) {
        if (opcode >= CLOSE) {
            unmask(in, n, control, controlLength);
            controlLength += n;
        } else if (skipped >= 0) {
            in.position(in.position() + n);
            maskIndex = (maskIndex + n) & 3;
        } else {
            unmask(in, n, message, messageLength);
            messageLength += n;
        }
    }

    private void unmask(ByteBuffer in, int n, byte[] to, int at) {
        for (int i = 0; i < n; i++) {
            to[at + i] = (byte) (in.get() ^ mask[maskIndex]);
            maskIndex = (maskIndex + 1) & 3;
        }
    }

    private void endFrame() {
        switch (opcode) {
            case PING -> handler.ping(control);
            case PONG -> handler.pong(control);
            case CLOSE -> closeFrame();
            default -> {
                if (!fin) {
                    return;
                }
                int type = messageOpcode;
                messageOpcode = -1;
                if (skipped >= 0) {
                    long size = skipped;
                    skipped = -1;
                    handler.tooLarge(size);
                    return;
                }
                byte[] data = message == null ? new byte[0] : message;
                int length = messageLength;
                message = null;
                messageLength = 0;
                if (type == TEXT) {
                    String text = utf8(data, length);
                    if (text != null) {
                        handler.text(text);
                    }
                } else {
                    handler.binary(Arrays.copyOf(data, length));
                }
            }
        }
    }

    private void closeFrame() {
        if (controlLength == 1) {
            fail(CloseCode.PROTOCOL_ERROR, "a close frame of one byte");
            return;
        }
        if (controlLength == 0) {
            handler.close(NO_STATUS, "");
            return;
        }
        int code = ((control[0] & 0xFF) << 8) | (control[1] & 0xFF);
        if (!isSendable(code)) {
            fail(CloseCode.PROTOCOL_ERROR, "close code " + code + " is not one an endpoint may send");
            return;
        }
        String reason = utf8(Arrays.copyOfRange(control, 2, controlLength), controlLength - 2);
        if (reason != null) {
            handler.close(code, reason);
        }
    }

    /**
     * Whether an endpoint may put {@code code} in a close frame (RFC 6455 7.4): 1004 to 1006 and
     * 1015 are reserved, 1016 to 2999 are for the protocol's own extensions, and nothing outside
     * 1000 to 4999 is in use; IANA has since registered 1012 to 1014.
     */
    private static boolean isSendable(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    /** Strictly decoded UTF-8, or null after reporting the error. */
    private String utf8(byte[] data, int length) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data, 0, length));
            return chars.toString();
        } catch (CharacterCodingException e) {
            fail(CloseCode.INVALID_PAYLOAD, CloseCode.INVALID_PAYLOAD.reason());
            return null;
        }
    }

    private boolean fail(CloseCode code, String reason) {
        failed = true;
        handler.protocolError(code, reason);
        return false;
    }
}
