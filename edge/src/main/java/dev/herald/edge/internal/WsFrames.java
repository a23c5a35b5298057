package dev.herald.edge.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** The server's side of WebSocket framing (RFC 6455): frame headers, close payloads, the handshake's accept key. */
final class WsFrames {

    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private WsFrames() {
    }

    /** The header of a whole, unmasked server frame of {@code opcode} carrying {@code length} bytes. */
    static ByteBuffer header(int opcode, int length) {
        ByteBuffer h;
        if (length < 126) {
            h = ByteBuffer.allocate(2);
            h.put((byte) (0x80 | opcode)).put((byte) length);
        } else if (length < 65_536) {
            h = ByteBuffer.allocate(4);
            h.put((byte) (0x80 | opcode)).put((byte) 126).putShort((short) length);
        } else {
            h = ByteBuffer.allocate(10);
            h.put((byte) (0x80 | opcode)).put((byte) 127).putLong(length);
        }
        return h.flip();
    }

    /** The payload of a close frame: the code, then the reason cut to fit the 125 bytes of a control frame. */
    static byte[] closePayload(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(text.length, 123);
        // never cut a UTF-8 sequence in two
        while (length > 0 && length < text.length && (text[length] & 0xC0) == 0x80) {
            length--;
        }
        ByteBuffer p = ByteBuffer.allocate(2 + length);
        p.putShort((short) code).put(text, 0, length);
        return p.array();
    }

    /** {@code Sec-WebSocket-Accept} for a client's {@code Sec-WebSocket-Key}. */
    static String acceptKey(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((key.trim() + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every Java platform", e);
        }
    }
}
